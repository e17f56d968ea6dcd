namespace Footfall.Log;

/// <summary>
/// The log could not take an entry because its disk is full or its configured budget is spent. Nothing of the entry
/// was kept, so the caller must not acknowledge it (HTTP: 503 with Retry-After). Appends succeed again once space
/// returns (the applier truncates what the store has taken, or the operator frees the disk).
/// </summary>
public sealed class LogFullException(string message, Exception? inner = null) : IOException(message, inner);
