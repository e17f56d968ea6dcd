using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Analytics.Definitions;

/// <summary>
/// The DuckDB store fed the way log-first ingest feeds it, through the applier (<see cref="ILogSink.ApplyAsync"/>),
/// which keeps the narrow exposure and metric tables and the results rollups in each batch's transaction: the counts,
/// read back from the rollups, equal the definitions, also for metrics tracked only after their events were applied.
/// The identity cache holds two identifiers, so nearly every batch reads its persons back from the idents table.
/// </summary>
public sealed class DuckDbApplierAgreesWithDefinitionsTests : StoreAgreesWithDefinitions, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ApplierFeed _feed = new();

    /// <inheritdoc />
    protected override int Histories => 30;

    /// <inheritdoc />
    protected override bool Reopens => true;

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance, identityCacheSize: 2));

    /// <inheritdoc />
    protected override Task WriteAsync(IEventStore store, IReadOnlyList<ProjectWrite> writes) => _feed.ApplyAsync((ILogSink)store, writes);

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}
