namespace Footfall.Client.Delivery;

/// <summary>What happened to the events handed to the client, for the client's public counters.</summary>
internal sealed class DeliveryCounters
{
    private long _delivered;
    private long _failed;
    private long _dropped;

    public long Delivered => Interlocked.Read(ref _delivered);
    public long Failed => Interlocked.Read(ref _failed);
    public long Dropped => Interlocked.Read(ref _dropped);

    public void AddDelivered(long n) => Interlocked.Add(ref _delivered, n);
    public void AddFailed(long n) => Interlocked.Add(ref _failed, n);
    public void AddDropped(long n) => Interlocked.Add(ref _dropped, n);
}
