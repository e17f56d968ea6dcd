using Footfall.Ingest;

namespace Footfall.Server.Http;

/// <summary>
/// Read-your-writes for log-first ingest: a request under <c>/v1</c> waits until the applier has stored everything
/// that was durable (acknowledged) when it began. Past <see cref="LogIngestOptions.ReadWait"/> it answers from what
/// is applied and says so in <c>Footfall-Applied-Lag</c>, because a slow or absent store must not take reads down;
/// a route marked <see cref="AppliedFirst"/> answers 503 instead.
/// </summary>
public sealed class ReadYourWritesFilter(IIngestWriter writer) : IEndpointFilter
{
    /// <summary>The header a read carries when it did not wait for everything acknowledged before it.</summary>
    public const string LagHeader = "Footfall-Applied-Lag";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (writer is LogIngest ingest)
        {
            var target = ingest.DurablePosition;
            var strict = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<AppliedFirst>() is not null;
            // While the store is away there is nothing to wait for: the read goes to the store, which answers or 503s.
            var wait = ingest.Applier.IsFailing && !strict ? TimeSpan.Zero : ingest.Options.ReadWait;
            if (!await ingest.Applier.WaitAppliedAsync(target, wait, context.HttpContext.RequestAborted))
            {
                if (strict)
                    return ApiError.Unavailable(context.HttpContext, "events acknowledged before this request are not stored yet; retry shortly");
                var behind = Math.Max(0, target - ingest.Applier.AppliedPosition);
                context.HttpContext.Response.Headers[LagHeader] =
                    FormattableString.Invariant($"seconds={ingest.Applier.LagSeconds:0.###}; bytes={behind}");
            }
        }
        return await next(context);
    }
}

/// <summary>
/// Marks a route that must not run ahead of the applier (erasure: the person's events acknowledged before it and
/// stored after it would bring the person back): past the wait it answers 503, not a lagging answer.
/// </summary>
public sealed class AppliedFirst
{
    /// <summary>The one instance routes carry.</summary>
    public static readonly AppliedFirst Instance = new();
}
