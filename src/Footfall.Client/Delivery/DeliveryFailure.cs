namespace Footfall.Client;

/// <summary>Events the server refused for good; they are not retried.</summary>
/// <param name="Reason">The server's error message, or what went wrong.</param>
/// <param name="StatusCode">The HTTP status of the answer (200 for a single event rejected inside an accepted batch).</param>
/// <param name="EventIds">The ids of the refused events (empty for an identify call).</param>
public sealed record DeliveryFailure(string Reason, int StatusCode, IReadOnlyList<string> EventIds);
