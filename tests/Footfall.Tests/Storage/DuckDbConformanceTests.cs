using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>The conformance suite on a DuckDB file in a temp folder.</summary>
public sealed class DuckDbConformanceTests : EventStoreConformance, IDisposable
{
    private readonly TempFolder _folder = new();

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance));

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// The conformance suite with an identity cache of one identifier: every batch, link, erasure and look-up then
/// reads persons back from the idents table, as a store whose identifiers outgrow its cache does.
/// </summary>
public sealed class DuckDbTinyIdentityCacheConformanceTests : EventStoreConformance, IDisposable
{
    private readonly TempFolder _folder = new();

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance,
            identityCacheSize: 1));

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}
