using System.Text.Json;
using Footfall.Events;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore : IInteractionSource, IServedResponseStore
{
    // Actions are inlined (a fixed, known set) so DuckDB can prune on them; prices come out of params in SQL so
    // only one double per purchase crosses into .NET instead of the whole JSON text.
    // SourcedActions starts with the product actions, so one index maps both lists back to their names.
    private static readonly string[] SourcedActionArray = BuiltInActions.SourcedActions.ToArray();
    private static readonly string ProductActionList = string.Join(", ", BuiltInActions.ProductActions.Select(a => $"'{a}'"));
    private static readonly string SourcedActionList = string.Join(", ", SourcedActionArray.Select(a => $"'{a}'"));

    // How the models see an event of `events e`: its session as a number (null without one), and params.category
    // parsed only from the params that can hold it (a "category" key spelled out, or hidden behind a \u escape). TRY:
    // params stored before the text rule may not parse. Product touches are copied with the same expressions.
    private const string SessionOfEvent = "CASE WHEN e.session_id IS NULL THEN NULL ELSE CAST(hash(e.session_id) >> 1 AS BIGINT) END";
    private const string CategoryOfEvent = """
        CASE WHEN contains(e.params, 'category') OR contains(e.params, '\u') THEN TRY(json_extract_string(e.params, '$.category')) END
        """;

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
        // Only the columns the models need cross into .NET, each in its cheapest form: the person (resolved through the
        // idents table, which also skips identifiers erased since) and the action as its index in SourcedActions.
        var actions = sourcedOnly ? SourcedActionList : ProductActionList;
        // TRY: params stored before the text rule may not parse (a lone surrogate escape); that row then carries no
        // price or category instead of failing every refresh of the project (and putting the params text in its error).
        await using var connection = await OpenReadAsync(cancellationToken);
        using (var reader = Query(connection, $"""
            SELECT i.person, e.item, CAST(list_position([{SourcedActionList}], e.action) AS INTEGER), e.time,
                   CASE WHEN e.action = '{BuiltInActions.Purchase}' THEN
                       TRY_CAST(TRY(json_extract_string(e.params, '$.price')) AS DOUBLE)
                       * coalesce(TRY_CAST(TRY(json_extract_string(e.params, '$.quantity')) AS DOUBLE), 1) END,
                   e.source_id, {SessionOfEvent}, {CategoryOfEvent}
            FROM events e JOIN idents i ON i.id = e.ident
            WHERE e.project = $p AND e.item IS NOT NULL AND e.action IN ({actions})
              AND {RangeFilter("e.time", range)} {(sourcedOnly ? "AND e.source_id IS NOT NULL" : "")}
            ORDER BY e.time, e.seq
            """, args.ToArray()))
        {
            // One shared string per product (and category) instead of one per row: a model holds half a million rows.
            var shared = new Dictionary<string, string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                var person = reader.GetInt64(0);
                persons.Add(person);
                rows.Add(new ProductInteraction(person, Share(shared, reader.GetString(1)), SourcedActionArray[reader.GetInt32(2) - 1],
                    Utc(reader.GetDateTime(3)), reader.IsDBNull(4) ? null : reader.GetDouble(4), NullableString(reader, 5),
                    reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.IsDBNull(7) ? null : Share(shared, reader.GetString(7))));
            }
        }
        var identifiers = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var reader = Query(connection, "SELECT key, person FROM idents WHERE person IN (SELECT unnest($persons))",
            ("persons", persons.ToList())))
        {
            while (reader.Read())
                identifiers[reader.GetString(0)] = reader.GetInt64(1);
        }
        return new ProductInteractionSet(rows, identifiers);
    }

    private static string Share(Dictionary<string, string> shared, string value)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(shared, value, out var exists);
        if (!exists) slot = value;
        return slot!;
    }

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
