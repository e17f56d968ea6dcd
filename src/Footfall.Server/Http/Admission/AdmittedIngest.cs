namespace Footfall.Server.Http.Admission;

/// <summary>
/// Endpoint metadata marking an ingest route: <see cref="IngestAdmission"/> admits its requests before their body
/// is read.
/// </summary>
/// <param name="BusyStatus">The status of a refusal (503, or 429 where the vendor's clients expect it).</param>
/// <param name="MaxBodyBytes">The route's body limit: a larger declared body is the route's own 413, not counted.</param>
/// <param name="WaitsForLog">
/// Whether a request queues for the acknowledgement (and is refused past the queueing delay). False for routes that
/// only parse (the dry run) or wait for the store rather than the log (<c>/v1/identify</c>): their bodies still count.
/// </param>
public sealed record AdmittedIngest(int BusyStatus, int MaxBodyBytes, bool WaitsForLog = true);
