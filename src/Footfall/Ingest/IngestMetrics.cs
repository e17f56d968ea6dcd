using System.Diagnostics.Metrics;

namespace Footfall.Ingest;

/// <summary>The ingest side's instruments, exported at <c>/metrics</c> by the server.</summary>
public static class IngestMetrics
{
    /// <summary>The meter's name, to subscribe to.</summary>
    public const string MeterName = "Footfall";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Events stored, by source.</summary>
    public static readonly Counter<long> Accepted = Meter.CreateCounter<long>("footfall.events.accepted", "{event}");

    /// <summary>Events refused by validation or policy, by source.</summary>
    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("footfall.events.rejected", "{event}");

    /// <summary>Events whose idempotency key was already stored, by source.</summary>
    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("footfall.events.duplicates", "{event}");

    /// <summary>How long one group commit took.</summary>
    public static readonly Histogram<double> CommitLatency = Meter.CreateHistogram<double>("footfall.commit.duration", "ms");

    /// <summary>Events in one group commit.</summary>
    public static readonly Histogram<long> CommitSize = Meter.CreateHistogram<long>("footfall.commit.events", "{event}");

    /// <summary>How long the applier's store transaction took.</summary>
    public static readonly Histogram<double> ApplyLatency = Meter.CreateHistogram<double>("footfall.apply.duration", "ms");

    /// <summary>Events (and rejected events) the applier moved from the log into the store.</summary>
    public static readonly Counter<long> AppliedEvents = Meter.CreateCounter<long>("footfall.apply.events", "{event}");

    /// <summary>How long one project's recommendation model refresh took (the server's meter: not an ingest figure).</summary>
    public static readonly Histogram<double> ModelRefresh = Meter.CreateHistogram("footfall.recommendations.refresh.duration", "s", null, null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250] });

    internal static void ObserveLog(Func<long> bytesOnDisk, Func<long> lagBytes, Func<double> lagSeconds)
    {
        Meter.CreateObservableGauge("footfall.log.bytes", bytesOnDisk, "By", "Bytes the ingest log holds on disk");
        Meter.CreateObservableGauge("footfall.apply.lag.bytes", lagBytes, "By", "Log bytes durable and not yet applied to the store");
        Meter.CreateObservableGauge("footfall.apply.lag.seconds", lagSeconds, "s", "Age of the oldest acknowledged log entry not yet applied to the store (0 when none)");
    }

    internal static void ObserveQueue(Func<long> depth) =>
        Meter.CreateObservableGauge("footfall.queue.events", depth, "{event}", "Events waiting for a commit");
}
