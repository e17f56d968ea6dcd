using System.Text.Json;
using Footfall.Events;
using Footfall.Experiences;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore : IProjectCatalog, IQuarantine
{
    /// <inheritdoc />
    public Task SaveExperienceAsync(string projectId, ExperienceDefinition experience, CancellationToken cancellationToken = default) =>
        DeriveAsync(() =>
        {
            Execute(_writeConnection, "INSERT OR REPLACE INTO experiences VALUES ($p, $uid, $json)",
                ("p", ProjectNumber(projectId)), ("uid", experience.ShortUid), ("json", JsonSerializer.Serialize(experience, StoreJson.Options)));
            TrackMetrics(ProjectNumber(projectId), experience.Metrics);
            if (!RollupAnswers(_writeConnection, ProjectNumber(projectId), experience))
                DeriveRollup(ProjectNumber(projectId), experience);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExperienceDefinition>> ListExperiencesAsync(string projectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, "SELECT definition FROM experiences WHERE project = $p ORDER BY short_uid", ("p", ProjectNumber(projectId)));
        var list = new List<ExperienceDefinition>();
        while (reader.Read())
            list.Add(JsonSerializer.Deserialize<ExperienceDefinition>(reader.GetString(0), StoreJson.Options)!);
        return list;
    }

    /// <inheritdoc />
    public async Task<string?> GetSettingAsync(string projectId, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, "SELECT value FROM settings WHERE project = $p AND name = $n", ("p", ProjectNumber(projectId)), ("n", name));
        return reader.Read() ? reader.GetString(0) : null;
    }

    /// <inheritdoc />
    public Task SaveSettingAsync(string projectId, string name, string json, CancellationToken cancellationToken = default) =>
        WriteAsync(() => Execute(_writeConnection, "INSERT OR REPLACE INTO settings VALUES ($p, $n, $v)",
            ("p", ProjectNumber(projectId)), ("n", name), ("v", json)), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RejectedEvent>> GetRejectedAsync(string projectId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, "SELECT time, source, error, raw FROM rejected WHERE project = $p ORDER BY time DESC LIMIT $n",
            ("p", ProjectNumber(projectId)), ("n", limit));
        var list = new List<RejectedEvent>();
        while (reader.Read())
            list.Add(new RejectedEvent(Utc(reader.GetDateTime(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return list;
    }

    /// <summary>
    /// A write that back-fills a metric or derives a rollup (<see cref="TrackMetrics"/>, <see cref="DeriveRollup"/>): it
    /// waits for a model count running beside it, and no count starts until it is done. Beside the first model count of a
    /// 100M-event folder (a whole count, ~95 s) the two ran DuckDB's buffer out, in 384MB and in 512MB alike, and both
    /// failed (docs/benchmarks.md section 8, "The 100M column again"); each alone took seconds. The wait is outside the
    /// writer's gate, so ingest goes on meanwhile.
    /// </summary>
    private async Task DeriveAsync(Action derive, CancellationToken cancellationToken)
    {
        await _counting.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(derive, cancellationToken);
        }
        finally
        {
            _counting.Release();
        }
    }

    private async Task WriteAsync(Action write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            write();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);
}
