namespace Footfall.Projects;

/// <summary>A tenant: its events, people and settings are visible only with its secret key.</summary>
/// <param name="Id">The public id browsers and SDKs send to ingest.</param>
/// <param name="Name">A human name.</param>
/// <param name="SecretHash">SHA-256 of the secret key; the key itself is never stored.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
public sealed record Project(string Id, string Name, string SecretHash, DateTime CreatedAt);
