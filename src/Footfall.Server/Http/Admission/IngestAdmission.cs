using System.Diagnostics;
using System.Diagnostics.Metrics;
using Footfall.Ingest;
using Microsoft.Extensions.Options;

namespace Footfall.Server.Http.Admission;

/// <summary>
/// Decides, before an ingest request's body is read, whether the server takes it: not when the bodies already in
/// flight hold <see cref="AdmissionOptions.MaxBytesInFlight"/> (memory), nor when the oldest request waiting for its
/// acknowledgement has waited <see cref="AdmissionOptions.MaxQueueDelay"/> (latency). A refusal costs a header parse
/// and a short answer, so a flood of large bodies costs neither memory nor the latency of what is accepted.
/// </summary>
public sealed class IngestAdmission
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);

    private readonly AdmissionOptions _options;
    private readonly ILogger _logger;
    private readonly LinkedList<long> _waiting = [];
    private readonly Counter<long> _refused;
    private long _bytes;
    private long _lastLogged;

    /// <summary>Creates the gate and its <c>/metrics</c> instruments.</summary>
    public IngestAdmission(IOptions<AdmissionOptions> options, IMeterFactory meters, ILogger<IngestAdmission> logger)
    {
        _options = options.Value;
        _logger = logger;
        var meter = meters.Create(IngestMetrics.MeterName);
        _refused = meter.CreateCounter<long>("footfall.admission.refused", "{request}", "Ingest requests refused before their body was read, by reason");
        meter.CreateObservableGauge("footfall.admission.bytes", () => BytesInFlight, "By", "Bytes of ingest request bodies in flight");
        meter.CreateObservableGauge("footfall.admission.wait", () => OldestWait.TotalSeconds, "s", "How long the oldest request has waited for its acknowledgement");
    }

    /// <summary>Bytes of bodies held by admitted requests.</summary>
    public long BytesInFlight => Interlocked.Read(ref _bytes);

    /// <summary>How long the oldest request waiting for its acknowledgement has waited (zero when none waits).</summary>
    public TimeSpan OldestWait
    {
        get
        {
            lock (_waiting)
                return _waiting.First is { } oldest ? Stopwatch.GetElapsedTime(oldest.Value) : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// A ticket for a request declaring <paramref name="declaredBytes"/> of body on <paramref name="route"/>, or null
    /// with the reason it is refused.
    /// </summary>
    public AdmissionTicket? TryAdmit(AdmittedIngest route, long declaredBytes, out string? refusal)
    {
        var wait = route.WaitsForLog ? OldestWait : TimeSpan.Zero;
        if (wait > _options.MaxQueueDelay)
        {
            refusal = $"the server is busy: the oldest request has waited {wait.TotalMilliseconds:0} ms for its acknowledgement " +
                $"(Admission:MaxQueueDelay is {_options.MaxQueueDelay.TotalMilliseconds:0} ms); retry shortly";
            Refused(refusal, "delay");
            return null;
        }
        if (!TryHold(declaredBytes))
        {
            refusal = $"the server is busy: {BytesInFlight} bytes of request bodies are in flight " +
                $"(Admission:MaxBytesInFlight is {_options.MaxBytesInFlight}); retry shortly";
            Refused(refusal, "bytes");
            return null;
        }
        refusal = null;
        return new AdmissionTicket(this, route, declaredBytes);
    }

    /// <summary>Counts a refusal mid-body (a chunked body growing past the bound).</summary>
    public string RefuseGrowth()
    {
        var refusal = $"the server is busy: request bodies in flight reached Admission:MaxBytesInFlight ({_options.MaxBytesInFlight}); retry shortly";
        Refused(refusal, "bytes");
        return refusal;
    }

    internal bool TryHold(long bytes)
    {
        // A body of unknown length is admitted while there is room, and holds its bytes as it is read.
        if (bytes == 0)
            return BytesInFlight < _options.MaxBytesInFlight;
        if (Interlocked.Add(ref _bytes, bytes) <= _options.MaxBytesInFlight)
            return true;
        Interlocked.Add(ref _bytes, -bytes);
        return false;
    }

    internal void Release(long bytes) => Interlocked.Add(ref _bytes, -bytes);

    internal LinkedListNode<long> StartWaiting()
    {
        lock (_waiting)
            return _waiting.AddLast(Stopwatch.GetTimestamp());
    }

    internal void StopWaiting(LinkedListNode<long> node)
    {
        lock (_waiting)
            _waiting.Remove(node);
    }

    // One line every few seconds, not one a refusal: a flood must not turn into a flood of log lines.
    private void Refused(string refusal, string reason)
    {
        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _lastLogged);
        if ((last == 0 || Stopwatch.GetElapsedTime(last, now) > LogEvery) && Interlocked.CompareExchange(ref _lastLogged, now, last) == last)
            _logger.LogWarning("Refusing ingest requests before reading them: {Refusal}", refusal);
    }
}
