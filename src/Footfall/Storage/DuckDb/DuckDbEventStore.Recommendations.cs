using System.Text.Json;
using Footfall.Events;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    // Actions are inlined (a fixed, known set) so DuckDB can prune on them; prices come out of params in SQL so
    // only one double per purchase crosses into .NET instead of the whole JSON text.
    private static readonly string ProductActionList =
        string.Join(", ", BuiltInActions.ProductActions.Select(a => $"'{a}'"));

    /// <inheritdoc />
    public async Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false,
        CancellationToken cancellationToken = default)
    {
        var project = ProjectNumber(projectId);
        var args = new List<(string, object?)> { ("p", project) };
        if (range.From is { } from) args.Add(("from", from));
        if (range.To is { } to) args.Add(("to", to));
        var rows = new List<ProductInteraction>();
        var persons = new HashSet<long>();
        await using (var connection = await OpenReadAsync(cancellationToken))
        using (var reader = Query(connection, $"""
            SELECT i.person, e.item, e.action, e.time,
                   CASE WHEN e.action = '{BuiltInActions.Purchase}' THEN
                       TRY_CAST(json_extract_string(e.params, '$.price') AS DOUBLE)
                       * coalesce(TRY_CAST(json_extract_string(e.params, '$.quantity') AS DOUBLE), 1) END,
                   e.source_id, CASE WHEN e.session_id IS NULL THEN NULL ELSE CAST(hash(e.session_id) >> 1 AS BIGINT) END,
                   json_extract_string(e.params, '$.category')
            FROM events e JOIN idents i ON i.id = e.ident
            WHERE e.project = $p AND e.item IS NOT NULL AND e.action IN ({ProductActionList})
              AND {RangeFilter("e.time", range)} {(sourcedOnly ? "AND e.source_id IS NOT NULL" : "")}
            ORDER BY e.time, e.seq
            """, args.ToArray()))
        {
            while (reader.Read())
            {
                var person = reader.GetInt64(0);
                persons.Add(person);
                rows.Add(new ProductInteraction(person, reader.GetString(1), InternAction(reader.GetString(2)), Utc(reader.GetDateTime(3)),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4), NullableString(reader, 5),
                    reader.IsDBNull(6) ? null : reader.GetInt64(6), NullableString(reader, 7)));
            }
        }
        var identifiers = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_identities)
        {
            foreach (var person in persons)
                foreach (var id in _identities.Members(person))
                    identifiers[_identities.KeyOf(id)] = person;
        }
        return new ProductInteractionSet(rows, identifiers);
    }

    // One shared string per action instead of one per row: a model holds a million of these.
    private static readonly Dictionary<string, string> SharedActions = BuiltInActions.ProductActions.ToDictionary(a => a, StringComparer.Ordinal);

    private static string InternAction(string action) => SharedActions.TryGetValue(action, out var shared) ? shared : action;

    /// <inheritdoc />
    public Task RecordResponsesAsync(string projectId, IReadOnlyList<ServedResponse> responses, CancellationToken cancellationToken = default) =>
        WriteAsync(() =>
        {
            var project = ProjectNumber(projectId);
            using var appender = _writeConnection.CreateAppender("rec_responses");
            foreach (var r in responses)
            {
                appender.CreateRow().AppendValue(project).AppendValue(r.ResponseId).AppendValue(r.Feed).AppendValue(r.Time)
                    .AppendValue(JsonSerializer.Serialize(r.Items, StoreJson.Options)).EndRow();
            }
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ServedResponse>> ReadResponsesAsync(string projectId, TimeRange range, CancellationToken cancellationToken = default)
    {
        var args = new List<(string, object?)> { ("p", ProjectNumber(projectId)) };
        if (range.From is { } from) args.Add(("from", from));
        if (range.To is { } to) args.Add(("to", to));
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, $"SELECT id, feed, time, items FROM rec_responses WHERE project = $p AND {RangeFilter("time", range)}",
            args.ToArray());
        var list = new List<ServedResponse>();
        while (reader.Read())
        {
            list.Add(new ServedResponse(reader.GetString(0), reader.GetString(1), Utc(reader.GetDateTime(2)),
                JsonSerializer.Deserialize<List<string>>(reader.GetString(3), StoreJson.Options)!));
        }
        return list;
    }
}
