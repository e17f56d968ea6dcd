namespace Footfall.Server.Http.Admission;

/// <summary>
/// One admitted request's share of <see cref="IngestAdmission"/>: the body bytes it holds and, once its body is read,
/// its place among the requests waiting for an acknowledgement. Disposed when the request ends.
/// </summary>
public sealed class AdmissionTicket : IDisposable
{
    private readonly IngestAdmission _admission;
    private long _bytes;
    private LinkedListNode<long>? _waiting;
    private bool _waited;

    internal AdmissionTicket(IngestAdmission admission, AdmittedIngest route, long bytes)
    {
        _admission = admission;
        Route = route;
        _bytes = bytes;
    }

    /// <summary>The route it was admitted for.</summary>
    public AdmittedIngest Route { get; }

    /// <summary>
    /// Grows the bytes held to <paramref name="total"/> as a body without a usable <c>Content-Length</c> is read;
    /// false (nothing more held) when that passes the bound: the request is then refused like any other.
    /// </summary>
    public bool Hold(long total)
    {
        if (total <= _bytes)
            return true;
        if (!_admission.TryHold(total - _bytes))
            return false;
        _bytes = total;
        return true;
    }

    /// <summary>The answer when <see cref="Hold"/> said no.</summary>
    public IResult Refusal(HttpContext context) => AdmissionMiddleware.Refuse(context, Route, _admission.RefuseGrowth());

    /// <summary>The body is read: from now on the request waits for its acknowledgement.</summary>
    public void BodyRead()
    {
        if (Route.WaitsForLog && !_waited)
        {
            _waited = true;
            _waiting = _admission.StartWaiting();
        }
    }

    /// <summary>The request's write is durable: it no longer waits (called once or more, from any thread).</summary>
    public void Durable()
    {
        if (Interlocked.Exchange(ref _waiting, null) is { } node)
            _admission.StopWaiting(node);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Durable();
        _admission.Release(Interlocked.Exchange(ref _bytes, 0));
    }
}
