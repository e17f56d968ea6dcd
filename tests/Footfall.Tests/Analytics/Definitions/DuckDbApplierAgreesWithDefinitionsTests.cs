using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Analytics.Definitions;

/// <summary>
/// The DuckDB store fed the way log-first ingest feeds it, through the applier (<see cref="ILogSink.ApplyAsync"/>),
/// which keeps the narrow exposure and metric tables in each batch's transaction: the counts, read back from them with
/// persons resolved at read time, equal the definitions, also for metrics tracked only after their events were applied.
/// </summary>
public sealed class DuckDbApplierAgreesWithDefinitionsTests : StoreAgreesWithDefinitions, IDisposable
{
    private readonly TempFolder _folder = new();
    private long _position;

    /// <inheritdoc />
    protected override int Histories => 30;

    /// <inheritdoc />
    protected override bool Reopens => true;

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance));

    /// <inheritdoc />
    protected override Task WriteAsync(IEventStore store, IReadOnlyList<ProjectWrite> writes) =>
        ((ILogSink)store).ApplyAsync(writes, ++_position);

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}
