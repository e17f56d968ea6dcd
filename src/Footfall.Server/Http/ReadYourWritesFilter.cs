using Footfall.Ingest;

namespace Footfall.Server.Http;

/// <summary>
/// Read-your-writes for log-first ingest: a request under <c>/v1</c> waits until the applier has stored everything
/// that was durable (acknowledged) when it began. Past <see cref="LogIngestOptions.ReadWait"/> it answers from what
/// is applied and says so in <c>Footfall-Applied-Lag</c>, because a slow or absent store must not take reads down.
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
            // While the store is away there is nothing to wait for: the read goes to the store, which answers or 503s.
            var wait = ingest.Applier.IsFailing ? TimeSpan.Zero : ingest.Options.ReadWait;
            if (!await ingest.Applier.WaitAppliedAsync(target, wait, context.HttpContext.RequestAborted))
            {
                var behind = Math.Max(0, target - ingest.Applier.AppliedPosition);
                context.HttpContext.Response.Headers[LagHeader] =
                    FormattableString.Invariant($"seconds={ingest.Applier.LagSeconds:0.###}; bytes={behind}");
            }
        }
        return await next(context);
    }
}
