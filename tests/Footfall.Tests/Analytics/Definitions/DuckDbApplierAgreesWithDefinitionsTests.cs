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
    private readonly HashSet<(string Project, string Key)> _keys = [];
    private long _position;

    /// <inheritdoc />
    protected override int Histories => 30;

    /// <inheritdoc />
    protected override bool Reopens => true;

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance, identityCacheSize: 2));

    // The log drops a repeated key before the applier sees it (its key index), so the applier is given each key once.
    /// <inheritdoc />
    protected override Task WriteAsync(IEventStore store, IReadOnlyList<ProjectWrite> writes) =>
        ((ILogSink)store).ApplyAsync(writes.Select(w => w with { Events = w.Events.Where(e => e.Key is null || _keys.Add((w.ProjectId, e.Key))).ToList() }).ToList(),
            writes.Select(_ => ++_position).ToList());

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}
