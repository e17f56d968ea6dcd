namespace Footfall.Storage;

/// <summary>
/// A whole store: every role, and its life cycle. Two implementations (embedded DuckDB, ClickHouse) pass one
/// conformance suite; the engine above the roles never knows which one it talks to. Only what opens and closes the
/// store (the server's start-up, the CLI, the conformance suite) holds it whole; every other part of the engine
/// depends on the one role it uses.
/// </summary>
public interface IEventStore : IEventCommitter, IProjectCatalog, IPeopleStore, IExperienceQueries, IQuarantine, IInteractionSource,
    IServedResponseStore, ILiveCounts, IAsyncDisposable
{
    /// <summary>Creates the schema if missing and loads whatever in-memory state the store keeps.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);
}
