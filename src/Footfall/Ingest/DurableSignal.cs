namespace Footfall.Ingest;

/// <summary>
/// Tells whoever started a request the moment its write became durable, without a callback in every ingest
/// signature: the server's admission stops counting the request's queueing delay there. What may follow (a linking
/// write waiting for the applier to answer with refusals) is not queueing for the acknowledgement, and must not make
/// admission refuse everyone while the store is slow or away.
/// </summary>
public static class DurableSignal
{
    // An AsyncLocal flows from the request into the writer's async method it awaits, and no further back.
    private static readonly AsyncLocal<Action?> Listener = new();

    /// <summary>Calls <paramref name="onDurable"/> when the write started from this async flow is durable.</summary>
    public static void Listen(Action onDurable) => Listener.Value = onDurable;

    /// <summary>Called by a writer once the write of the current flow is durable; idempotence is the listener's.</summary>
    public static void Raise() => Listener.Value?.Invoke();
}
