using System.Text.Json;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

public sealed partial class ClickHouseEventStore : IProjectCatalog, IQuarantine
{
    /// <inheritdoc />
    /// <remarks>Returns once the definition's attributed conversions are derived (schema version 6), so its results read them.</remarks>
    public async Task SaveExperienceAsync(string projectId, ExperienceDefinition experience, CancellationToken cancellationToken = default)
    {
        await _http.InsertAsync("experiences", "project, short_uid, definition, ord",
            Row(projectId, experience.ShortUid, JsonSerializer.Serialize(experience, StoreJson.Options), Num(NextOrd())), cancellationToken);
        await DeriveAttributedAsync(projectId, experience, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExperienceDefinition>> ListExperiencesAsync(string projectId, CancellationToken cancellationToken = default)
    {
        var rows = await _http.QueryAsync(
            $"SELECT short_uid, argMax(definition, ord) FROM experiences WHERE project = {Quote(projectId)} GROUP BY short_uid ORDER BY short_uid",
            cancellationToken);
        return rows.Select(r => JsonSerializer.Deserialize<ExperienceDefinition>(r[1]!, StoreJson.Options)!).ToList();
    }

    /// <inheritdoc />
    public async Task<string?> GetSettingAsync(string projectId, string name, CancellationToken cancellationToken = default)
    {
        var rows = await _http.QueryAsync(
            $"SELECT argMax(value, ord) FROM settings WHERE project = {Quote(projectId)} AND name = {Quote(name)} GROUP BY name", cancellationToken);
        return rows.Count == 0 ? null : rows[0][0];
    }

    /// <inheritdoc />
    public Task SaveSettingAsync(string projectId, string name, string json, CancellationToken cancellationToken = default) =>
        _http.InsertAsync("settings", "project, name, value, ord", Row(projectId, name, json, Num(NextOrd())), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RejectedEvent>> GetRejectedAsync(string projectId, int limit, CancellationToken cancellationToken = default)
    {
        var rows = await _http.QueryAsync(
            $"SELECT time_ms, source, error, raw FROM rejected WHERE project = {Quote(projectId)} ORDER BY time_ms DESC, ord DESC LIMIT {Num(Math.Max(0, limit))}",
            cancellationToken);
        return rows.Select(r => new RejectedEvent(Time(r[0]), r[1]!, r[2]!, r[3]!)).ToList();
    }
}
