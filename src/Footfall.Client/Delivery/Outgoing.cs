namespace Footfall.Client.Delivery;

/// <summary>
/// One queued call, already serialized: an event for <c>/v1/events</c>, or a guest-to-user link for
/// <c>/v1/identify</c>. Serializing when tracked snapshots the caller's dictionaries, so later changes to them
/// cannot alter what is sent, and lets batches be cut by size before the server's 1 MiB limit.
/// </summary>
internal sealed record Outgoing(string? EventId, byte[] Json)
{
    /// <summary>True for a link, which goes to <c>/v1/identify</c> on its own.</summary>
    public bool IsLink => EventId is null;
}
