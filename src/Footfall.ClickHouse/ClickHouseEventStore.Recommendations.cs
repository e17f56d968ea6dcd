using System.Globalization;
using System.Text;
using System.Text.Json;
using Footfall.Events;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;
using static Footfall.ClickHouse.ClickHouseSchema;

namespace Footfall.ClickHouse;

// Recommendations (CONTRACT §8), with the DuckDB store's semantics. ClickHouse 18.16 has no JSONExtract (only
// visitParam*, which matches a key at any depth and does not read strings as numbers), so the product, price,
// quantity and category are read in .NET with System.Text.Json, exactly as DuckDB's json_extract_string reads
// them; SQL only narrows the rows and leaves out params that cannot matter.
public sealed partial class ClickHouseEventStore : IInteractionSource, IServedResponseStore
{
    private static readonly string ProductActionList = List(BuiltInActions.ProductActions.Order(StringComparer.Ordinal));
    private static readonly string SourcedActionList = List(BuiltInActions.SourcedActions.Order(StringComparer.Ordinal));

    // One shared string per action instead of one per row: a model holds a million of these.
    private static readonly Dictionary<string, string> SharedActions = BuiltInActions.SourcedActions.ToDictionary(a => a, StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false,
        CancellationToken cancellationToken = default)
    {
        var p = Quote(projectId);
        // position(target, '"product"') is only a pre-filter: the target is parsed below. Params are sent only for
        // purchases (price, quantity) and when they may hold a category (a \u escape could spell the key).
        var filter = $"action IN {(sourcedOnly ? SourcedActionList : ProductActionList)} AND target IS NOT NULL AND position(target, '\"product\"') > 0 AND {RangeFilter(range)}" +
            (sourcedOnly ? " AND source_id IS NOT NULL" : "");
        // Counted first: past the bound, the rows and their parse would take gigabytes (6.1M interactions read for a
        // model's 90-day window at 10M events passed 11 GB and 600 s, before models were computed in SQL).
        var count = Long((await _http.QueryAsync($"SELECT count() FROM events WHERE project = {p} AND {filter}", cancellationToken))[0][0]);
        if (count > MaxInteractionsRead)
            throw new StoreLimitException($"the time range holds {count} product interactions, more than the {MaxInteractionsRead} a node reads " +
                "into memory on ClickHouse (the feed performance report reads its range's sourced interactions): shorten the range or raise " +
                "Footfall:ClickHouseMaxInteractions");
        var events = PersonEvents(p, "action, time_ms, ord, eid, target, source_id, session_id, params", filter);
        // LIMIT 1 BY eid drops a keyed event's second copy, should two nodes have raced to store it.
        var rows = await _http.QueryAsync($"""
            SELECT person, action, time_ms, target, source_id,
                   if(isNull(session_id), NULL, intDiv(cityHash64(assumeNotNull(session_id)), 2)),
                   if(action = {Quote(BuiltInActions.Purchase)} OR position(params, 'category') > 0 OR position(params, '\\u') > 0, params, NULL)
            FROM ({events})
            ORDER BY time_ms, ord LIMIT 1 BY eid
            """, cancellationToken);

        var numbers = new Dictionary<string, long>(StringComparer.Ordinal);
        var interactions = new List<ProductInteraction>(rows.Count);
        foreach (var r in rows)
        {
            var target = TargetJson.Read(r[3]!);
            if (target is null || !target.TryGetValue("product", out var item))
                continue;
            var action = SharedActions.TryGetValue(r[1]!, out var shared) ? shared : r[1]!;
            if (!numbers.TryGetValue(r[0]!, out var person))
                numbers[r[0]!] = person = numbers.Count;
            var (value, category) = ReadParams(r[6], action == BuiltInActions.Purchase);
            interactions.Add(new ProductInteraction(person, item, action, Time(r[2]), value, r[4],
                r[5] is { } session ? Long(session) : null, category));
        }

        var identifiers = new Dictionary<string, long>(StringComparer.Ordinal);
        if (numbers.Count > 0)
        {
            // Every identifier of every person above, including those without product events: the linked ones here, the
            // unlinked ones below (each is its own person).
            foreach (var r in await _http.QueryAsync($"""
                SELECT ident, argMax(person, size) AS mapped FROM linked_persons WHERE project = {p} GROUP BY ident
                HAVING mapped IN (SELECT DISTINCT person FROM ({events}))
                """, cancellationToken))
            {
                if (numbers.TryGetValue(r[1]!, out var person))
                    identifiers[r[0]!] = person;
            }
            // A person is named by one of its own identifier keys.
            foreach (var (key, person) in numbers)
                identifiers.TryAdd(key, person);
        }
        return new ProductInteractionSet(interactions, identifiers);
    }

    /// <summary>
    /// The value (purchases: price x quantity, quantity 1 when absent or not a number) and the category of an
    /// event's params, as DuckDB's <c>TRY_CAST(json_extract_string(..) AS DOUBLE)</c> and <c>json_extract_string</c> read them.
    /// </summary>
    private static (double? Value, string? Category) ReadParams(string? json, bool purchase)
    {
        if (json is null)
            return (null, null);
        using var doc = JsonDocument.Parse(json);
        // Params stored before the text rule may hold a lone surrogate escape: read as nothing, as DuckDB's TRY reads them.
        if (doc.RootElement.ValueKind != JsonValueKind.Object || TextRule.CheckJson(doc.RootElement) is not null)
            return (null, null);
        var root = doc.RootElement;
        string? Field(string name) => root.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            _ => v.GetRawText(),
        } : null;
        static double? Number(string? text) =>
            text is not null && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        double? value = null;
        if (purchase && Number(Field("price")) is { } price)
            value = price * (Number(Field("quantity")) ?? 1);
        return (value, Field("category"));
    }

    /// <inheritdoc />
    public async Task RecordResponsesAsync(string projectId, IReadOnlyList<ServedResponse> responses, CancellationToken cancellationToken = default)
    {
        var rows = new StringBuilder();
        foreach (var r in responses)
            AppendRow(rows, projectId, r.ResponseId, r.Feed, Num(EventTime.ToUnixMs(r.Time)), JsonSerializer.Serialize(r.Items, StoreJson.Options));
        await _http.InsertAsync("rec_responses", "project, id, feed, time_ms, items", rows, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ServedResponse>> ReadResponsesAsync(string projectId, TimeRange range, CancellationToken cancellationToken = default)
    {
        // LIMIT 1 BY id: an insert retried after a lost answer may have stored a response twice.
        var rows = await _http.QueryAsync(
            $"SELECT id, feed, time_ms, items FROM rec_responses WHERE project = {Quote(projectId)} AND {RangeFilter(range)} LIMIT 1 BY id",
            cancellationToken);
        return rows.Select(r => new ServedResponse(r[0]!, r[1]!, Time(r[2]),
            JsonSerializer.Deserialize<List<string>>(r[3]!, StoreJson.Options)!)).ToList();
    }
}
