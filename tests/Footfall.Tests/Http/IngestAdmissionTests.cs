using System.Diagnostics.Metrics;
using Footfall.Ingest;
using Footfall.Server.Http.Admission;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Footfall.Tests.Http;

/// <summary>The two bounds of <see cref="IngestAdmission"/>, without a server.</summary>
public sealed class IngestAdmissionTests
{
    private static readonly AdmittedIngest Route = new(503, 1 << 20);

    [Fact]
    public void A_request_waiting_past_the_delay_refuses_new_ones_until_its_write_is_durable()
    {
        var admission = Create(new AdmissionOptions { MaxQueueDelay = TimeSpan.FromMilliseconds(1) });
        using var waiting = admission.TryAdmit(Route, 100, out _)!;
        waiting.BodyRead();
        Assert.True(SpinWait.SpinUntil(() => admission.OldestWait > TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10)));

        Assert.Null(admission.TryAdmit(Route, 100, out var refusal));
        Assert.Contains("Admission:MaxQueueDelay", refusal);
        // A route that does not queue for the log (the dry run, /v1/identify) is still admitted.
        using (var dryRun = admission.TryAdmit(Route with { WaitsForLog = false }, 100, out _))
            Assert.NotNull(dryRun);
        // Durable, as the log writer signals it, while the request may still wait for the applier: no longer counted.
        DurableSignal.Listen(waiting.Durable);
        DurableSignal.Raise();
        Assert.Equal(TimeSpan.Zero, admission.OldestWait);
        using var next = admission.TryAdmit(Route, 100, out _);
        Assert.NotNull(next);
    }

    [Fact]
    public void A_body_of_unknown_length_holds_its_bytes_as_it_is_read_and_is_refused_past_the_bound()
    {
        var admission = Create(new AdmissionOptions { MaxBytesInFlight = 2 << 20 });
        var declared = admission.TryAdmit(Route, 1 << 20, out _)!;
        var chunked = admission.TryAdmit(Route, 0, out _)!;
        Assert.True(chunked.Hold(512 << 10));
        Assert.Equal((1 << 20) + (512 << 10), admission.BytesInFlight);

        Assert.False(chunked.Hold((1 << 20) + 1));
        Assert.Null(admission.TryAdmit(Route, 600 << 10, out var refusal));
        Assert.Contains("Admission:MaxBytesInFlight", refusal);
        declared.Dispose();
        chunked.Dispose();
        Assert.Equal(0, admission.BytesInFlight);
        using var again = admission.TryAdmit(Route, 1 << 20, out _);
        Assert.NotNull(again);
    }

    private static IngestAdmission Create(AdmissionOptions options) =>
        new(Options.Create(options), new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(),
            NullLogger<IngestAdmission>.Instance);
}
