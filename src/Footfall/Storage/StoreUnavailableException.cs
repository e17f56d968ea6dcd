namespace Footfall.Storage;

/// <summary>The store failed or missed its deadline; the request may be retried (the server answers 503 with Retry-After).</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
