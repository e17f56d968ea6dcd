namespace Footfall.Events;

/// <summary>The size limits of CONTRACT §3, in one place.</summary>
public static class EventLimits
{
    /// <summary>Events in one request.</summary>
    public const int MaxBatchEvents = 1000;
    /// <summary>Bytes in one request body.</summary>
    public const int MaxBodyBytes = 1024 * 1024;
    /// <summary>Characters of an idempotency key.</summary>
    public const int MaxKeyLength = 64;
    /// <summary>Characters of an action name.</summary>
    public const int MaxActionLength = 64;
    /// <summary>Characters of a user, guest or session id.</summary>
    public const int MaxIdLength = 128;
    /// <summary>Characters of a label.</summary>
    public const int MaxLabelLength = 256;
    /// <summary>Bytes of serialized params.</summary>
    public const int MaxParamsBytes = 8 * 1024;
    /// <summary>How far in the future an event time may be before the receive time replaces it.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);
}
