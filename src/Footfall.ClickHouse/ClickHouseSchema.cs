using Footfall.Events;

namespace Footfall.ClickHouse;

/// <summary>
/// The ClickHouse tables, as the ordered migrations that build them. Times are Int64 Unix milliseconds (18.16 has no
/// DateTime64); a DateTime column derived from them only drives monthly partitions. Events sort by (project, action,
/// time) so results, which always filter one project and a few actions over a time range, read only their own
/// granules. Nothing relies on unique keys: ClickHouse has none, so every table that can receive the same fact twice
/// (from a retry or from two nodes) is read with an explicit rule (<c>argMax</c>, <c>uniqExact(eid)</c>, <c>LIMIT 1 BY</c>).
/// </summary>
/// <remarks>
/// To change the schema, append a migration with the next version. Steps are written for one server;
/// <see cref="ClickHouseDdl"/> turns them into the cluster's DDL (ON CLUSTER, Replicated engines, Distributed tables),
/// so a table added here gets the cluster treatment without more code. ClickHouse has no transactions: every step is
/// idempotent (a crash or a second node starting at once replays it), and the version row is written after the steps.
/// </remarks>
internal static class ClickHouseSchema
{
    /// <summary>
    /// The tables a cluster spreads over its shards, with their sharding key; every other table is whole on every
    /// node (see <see cref="ClickHouseDdl"/>). Events are sharded by identifier, not by person: a person is only known
    /// after links that may come later, so no key can place a person's events together for good. Reads resolve persons
    /// after the shards have returned their rows, against the persons table every node holds whole
    /// (<see cref="PersonEvents"/>), so a merge across shards changes no answer (docs/architecture.md).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ShardingKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["events"] = "cityHash64(actor)",
        // Beside the events it is kept from: the view on each shard's events writes into that shard's part of it.
        ["events_by_actor"] = "cityHash64(actor)",
        // Dropped by version 8 (events_by_actor took its place); named here so that drop finds its shards' tables.
        ["actor_events"] = "cityHash64(actor)",
        // actor_hash is cityHash64(actor): a back-fill through the Distributed table puts each row on its events' shard.
        ["exposures"] = "actor_hash",
        // The metric event's identifier hash: a derive through the Distributed table puts each row beside its event.
        ["attributed"] = "actor_hash",
        // Like exposures: the view on each shard's events writes into that shard's part, beside the events.
        ["product_touches"] = "actor_hash",
    };

    /// <summary>
    /// The <c>product</c> of an event's target (the JSON object TargetJson writes, one string per kind) in SQL, as
    /// TargetJson.Read reads it; '' when it has none. 18.16 has no JSONExtract, and visitParamExtractString alone takes
    /// the first <c>"product":</c> anywhere, which a kind with an escaped quote in it (<c>x\"product</c>) spells too. So
    /// the regular expression finds the key where a key starts (after <c>{</c> or a comma outside a string: inside a
    /// string every quote is escaped) and captures its escaped value, and visitParamExtractString unescapes it
    /// (<c>\uXXXX</c> and surrogate pairs included).
    /// </summary>
    private static readonly string ProductOfTarget =
        $"visitParamExtractString(concat('{{\"product\":\"', extract(assumeNotNull(target), {ClickHouseSql.Quote(@"[{,]""product"":""((?:[^""\\]|\\.)*)""")}), '\"}}'), 'product')";

    public static readonly ClickHouseMigration[] Migrations =
    [
        new(1, "the tables of main at a77fb6d",
        [
            // Newest row per id wins; reads use FINAL (the table is tiny).
            new CreateTable("projects", "id String, name String, secret_hash String, created_ms Int64, ord UInt64",
                "ReplacingMergeTree(ord)", "ORDER BY id"),
            // eid is the idempotency key when the client sent one, else a fresh GUID: counting distinct eid counts
            // each keyed event once even if two nodes raced to store it. ord breaks ties in time (insertion order).
            new CreateTable("events", """
                project String, action String, time_ms Int64,
                time DateTime DEFAULT toDateTime(intDiv(time_ms, 1000)),
                actor String, eid String, has_key UInt8, ord UInt64, received_ms Int64,
                user_id Nullable(String), guest_id Nullable(String), session_id Nullable(String),
                experience Nullable(String), variant Nullable(String), target Nullable(String),
                source_id Nullable(String), label Nullable(String), params Nullable(String), source String
                """, "MergeTree", "PARTITION BY toYYYYMM(time) ORDER BY (project, action, time_ms)"),
            // The idempotency keys, sorted for point lookups before each insert (events are not sorted by key).
            new CreateTable("event_keys", "project String, key String, actor String, ord UInt64",
                "ReplacingMergeTree(ord)", "ORDER BY (project, key)"),
            // Every link ever made: the source of truth for persons.
            new CreateTable("links", "project String, a String, b String, ord UInt64", "MergeTree", "ORDER BY (project, a, b)"),
            // Identifier -> person (the smallest identifier key of its linked component). Written for every identifier
            // seen; on a link, for the whole component with size = the component's size. Components only grow, so the
            // row with the largest size is the most complete view: reads take argMax(person, size).
            new CreateTable("persons", "project String, ident String, person String, size UInt32",
                "ReplacingMergeTree(size)", "ORDER BY (project, ident)"),
            new CreateTable("attributes", "project String, ident String, name String, value String, ord UInt64",
                "ReplacingMergeTree(ord)", "ORDER BY (project, ident, name)"),
            new CreateTable("rejected", """
                project String, time_ms Int64, time DateTime DEFAULT toDateTime(intDiv(time_ms, 1000)),
                source String, error String, raw String, ord UInt64
                """, "MergeTree", "PARTITION BY toYYYYMM(time) ORDER BY (project, time_ms)"),
            new CreateTable("experiences", "project String, short_uid String, definition String, ord UInt64",
                "ReplacingMergeTree(ord)", "ORDER BY (project, short_uid)"),
            new CreateTable("settings", "project String, name String, value String, ord UInt64",
                "ReplacingMergeTree(ord)", "ORDER BY (project, name)"),
            // Served recommendation responses (what sourceId attribution joins on). Ids are unique; a retried insert
            // could store one twice, so reads take LIMIT 1 BY id.
            new CreateTable("rec_responses", """
                project String, id String, feed String, time_ms Int64, time DateTime DEFAULT toDateTime(intDiv(time_ms, 1000)),
                items String
                """, "MergeTree", "PARTITION BY toYYYYMM(time) ORDER BY (project, time_ms)"),
        ]),
        // Each identifier column gets a 64-bit hash beside it so an erasure deletes by hash: a mutation's text is kept in
        // system.mutations and in a mutation_N.txt file per table, so deleting by the raw identifiers would write them to
        // disk for good. A DEFAULT (not a rewrite) fills rows stored before: ClickHouse computes it when it reads an older
        // part, in a mutation's WHERE too.
        new(2, "commit proofs for idempotency keys; identifier hashes for erasure",
        [
            // A key is written before its event and names its commit; it proves a duplicate only once that commit is in
            // `commits` (see ClickHouseEventStore.Write.cs). Rows from before commit_id existed have '' and are never proof.
            new AddColumn("event_keys", "commit_id", "String DEFAULT ''"),
            // One row per commit whose events are all in: written after the events insert returned.
            new CreateTable("commits", "id String", "MergeTree", "ORDER BY id"),
            new AddColumn("events", "actor_hash", "UInt64 DEFAULT cityHash64(actor)"),
            new AddColumn("event_keys", "actor_hash", "UInt64 DEFAULT cityHash64(actor)"),
            new AddColumn("links", "a_hash", "UInt64 DEFAULT cityHash64(a)"),
            new AddColumn("links", "b_hash", "UInt64 DEFAULT cityHash64(b)"),
            new AddColumn("persons", "ident_hash", "UInt64 DEFAULT cityHash64(ident)"),
            new AddColumn("attributes", "ident_hash", "UInt64 DEFAULT cityHash64(ident)"),
            // The identifier keys a rejected event names (RejectedEvent.Identifiers): erasure matches them, never the raw text.
            new AddColumn("rejected", "idents", "Array(String) DEFAULT emptyArrayString()"),
            new AddColumn("rejected", "ident_hashes", "Array(UInt64) DEFAULT arrayMap(x -> cityHash64(x), idents)"),
        ]),
        new(3, "the ingest log: where each node's applier stands, and where each row came from",
        [
            // Per node, the log position up to which its applier stored everything (written after the batch's inserts):
            // where the node's applier resumes. The newest row wins; reads take the largest position.
            new CreateTable("log_applied", "node String, position Int64", "ReplacingMergeTree(position)", "ORDER BY node"),
            // Where a row came from in a node's ingest log (node id, the log position after its entry, its index in the
            // entry): an entry applied again finds its rows and stores only the missing ones. '' for rows stored before.
            new AddColumn("events", "node", "String DEFAULT ''"),
            new AddColumn("events", "log_pos", "Int64 DEFAULT 0"),
            new AddColumn("events", "log_seq", "UInt32 DEFAULT 0"),
            new AddColumn("rejected", "node", "String DEFAULT ''"),
            new AddColumn("rejected", "log_pos", "Int64 DEFAULT 0"),
            new AddColumn("rejected", "log_seq", "UInt32 DEFAULT 0"),
            new AddColumn("event_keys", "node", "String DEFAULT ''"),
            new AddColumn("event_keys", "log_pos", "Int64 DEFAULT 0"),
        ]),
        new(4, "person tables kept by views: linked persons, members of a person, events by identifier; repair checkpoints",
        [
            // One row per start-up repair (ClickHouseEventStore.Repair.cs): the persons of links stored up to checked_ord
            // are right, so the next start-up reads only links stored after it.
            new CreateTable("person_repairs", "checked_ord UInt64", "MergeTree", "ORDER BY checked_ord"),
            // Identifier -> person for identifiers that share their person with another (components of two or more):
            // what reads resolve persons through. An identifier absent here is its own person. Only a fraction of all
            // identifiers ever link, so this is far smaller than persons, and reads ask it only for the identifiers
            // their events name.
            new CreateDerivedTable(
                new CreateTable("linked_persons", "project String, ident String, person String, size UInt32, ident_hash UInt64",
                    "ReplacingMergeTree(size)", "ORDER BY (project, ident)"),
                "linked_persons_mv", "persons", "project, ident, person, size, cityHash64(ident) AS ident_hash", "size > 1"),
            // The same rows sorted by person: the candidate members of a person, found without grouping the project's
            // persons. A row here is a person an identifier had at some time; persons (argMax by size) says which is current.
            new CreateDerivedTable(
                new CreateTable("person_members", "project String, person String, ident String, size UInt32, ident_hash UInt64",
                    "ReplacingMergeTree(size)", "ORDER BY (project, person, ident)"),
                "person_members_mv", "persons", "project, person, ident, size, cityHash64(ident) AS ident_hash", "size > 1"),
            // Every event's identity and time, sorted by identifier: a person's look-up and activity read their
            // identifiers' rows here instead of scanning the project's events (sorted by action and time for results).
            new CreateDerivedTable(
                new CreateTable("actor_events", "project String, actor String, time_ms Int64, ord UInt64, eid String, actor_hash UInt64",
                    "MergeTree", "ORDER BY (project, actor, time_ms)"),
                "actor_events_mv", "events", "project, actor, time_ms, ord, eid, cityHash64(actor) AS actor_hash"),
        ]),
        new(5, "impressions by experience, for results",
        [
            // Every impression of an experience, sorted by experience: results read their experience's granules here
            // instead of every impression of the project in events (sorted by action, then time). Keyed by identifier
            // hash, not by person, so a link still applies to impressions stored before it; a stored twice impression
            // changes no count (results count distinct persons and the earliest time).
            new CreateDerivedTable(
                new CreateTable("exposures", "project String, experience String, variant String, time_ms Int64, actor_hash UInt64",
                    "MergeTree", "ORDER BY (project, experience, time_ms)"),
                "exposures_mv", "events",
                "project, assumeNotNull(experience) AS experience, ifNull(variant, '') AS variant, time_ms, cityHash64(actor) AS actor_hash",
                $"action = {ClickHouseSql.Quote(BuiltInActions.Impression)} AND isNotNull(experience)"),
        ]),
        new(6, "attributed conversions kept by the applier",
        [
            // One row per metric event and variant it converts for under an attribution window of `days`
            // (ClickHouseEventStore.Attributed.cs). Append-only: a person's component only grows, so a pair once attributed
            // stays attributed; a pair written twice (a replayed batch, two nodes, a re-derived definition) is one row
            // after a merge and one count before it (results count distinct eid and persons). Keyed by the metric
            // event's identifier hash, resolved to a person at read time like exposures, and erased by it.
            new CreateTable("attributed", "project String, experience String, days UInt32, action String, variant String, time_ms Int64, eid String, actor_hash UInt64",
                "ReplacingMergeTree", "ORDER BY (project, experience, days, action, time_ms, variant, eid)"),
            // Which (experience, metric, window) the applier keeps in attributed: every row ever written here is kept from
            // then on; ready = 1 once its derivation over the stored events finished, and only then do results read it.
            new CreateTable("attributed_definitions", "project String, experience String, action String, days UInt32, ready UInt8",
                "ReplacingMergeTree(ready)", "ORDER BY (project, experience, action, days)"),
        ]),
        new(7, "product interactions for the recommendation models",
        [
            // Every product interaction with what the models' aggregates read, narrow and sorted by time, so a refresh
            // reads its window here and computes items, visits and pair counts in SQL (ClickHouseEventStore.Models.cs)
            // instead of bringing every interaction into the node. Keyed by identifier hash like exposures: persons are
            // resolved at read time, and an erasure deletes by the hash. category_params is the event's params when they
            // may name a category (a parse decides, in .NET); visit is the session's hash, or for events without one the
            // day as .NET counts days (the definition's visit, InternedInteractions).
            new CreateDerivedTable(
                new CreateTable("product_touches", """
                    project String, item String, action String, time_ms Int64, time DateTime, ord UInt64, eid String,
                    visit Int64, actor_hash UInt64, category_params Nullable(String)
                    """, "MergeTree", "PARTITION BY toYYYYMM(time) ORDER BY (project, time_ms)"),
                "product_touches_mv", "events",
                $"""
                project, {ProductOfTarget} AS item, action, time_ms, time, ord, eid,
                if(isNull(session_id), toInt64(intDiv(time_ms, 86400000) + 719162), toInt64(intDiv(cityHash64(assumeNotNull(session_id)), 2))) AS visit,
                cityHash64(actor) AS actor_hash,
                if(position(params, 'category') > 0 OR position(params, '\\u') > 0, params, NULL) AS category_params
                """,
                $"action IN {ClickHouseSql.List(BuiltInActions.ProductActions.Order(StringComparer.Ordinal))} AND isNotNull(target) AND item != ''"),
        ]),
        new(8, "events whole, sorted by identifier, for activity pages (in place of actor_events)",
        [
            // Every event with what an activity page shows, sorted by identifier and time: a page reads its person's
            // identifiers' granules here and nothing of events. actor_events held only each event's time, which then named
            // the granules of events (sorted by action and time) to read: about one granule of every action in every part
            // per event of the page, 48 / 121 ms p50 / p99 at 10M against a goal of 100 ms (docs/benchmarks.md §14).
            // The events' text is stored twice for it (events stays sorted for results). Not partitioned, like
            // actor_events: a person's page reads a granule per part, and monthly partitions would multiply the parts.
            // Granules of 1,024 rows, not 8,192: a page reads 12 granules at 10M events (two identifiers, six parts),
            // 3.3 MB of every column instead of 26 MB; the primary index is 8 times larger (0.5 MB at 10M events).
            new CreateDerivedTable(
                new CreateTable("events_by_actor", """
                    project String, actor String, time_ms Int64, ord UInt64, eid String, has_key UInt8, action String,
                    received_ms Int64, user_id Nullable(String), guest_id Nullable(String), session_id Nullable(String),
                    experience Nullable(String), variant Nullable(String), target Nullable(String),
                    source_id Nullable(String), label Nullable(String), params Nullable(String), source String, actor_hash UInt64
                    """, "MergeTree", "ORDER BY (project, actor, time_ms) SETTINGS index_granularity = 1024"),
                "events_by_actor_mv", "events",
                """
                project, actor, time_ms, ord, eid, has_key, action, received_ms, user_id, guest_id, session_id, experience,
                variant, target, source_id, label, params, source, cityHash64(actor) AS actor_hash
                """),
            new DropDerivedTable("actor_events", "actor_events_mv"),
        ]),
    ];

    /// <summary>The schema version this binary writes.</summary>
    public static int Latest => Migrations[^1].Version;

    /// <summary>
    /// The person of every identifier of a project that shares its person with another, as a subquery yielding
    /// (actor, mapped). Grouping all of linked_persons measured faster on 18.16 than narrowing it with
    /// <c>ident IN (the query's actors)</c>, whose set costs more to build and test than the table costs to read.
    /// </summary>
    public static string LinkedPersonMap(string projectLiteral) =>
        $"SELECT ident AS actor, argMax(person, size) AS mapped FROM linked_persons WHERE project = {projectLiteral} GROUP BY ident";

    /// <summary>
    /// The person key of each identifier hash that <paramref name="identifierHashes"/> (a subquery yielding one UInt64
    /// column) names and that shares its person with another, as a subquery yielding (actor_hash, mapped): the hash of
    /// the person's key. FINAL keeps the largest component's row per identifier, as argMax by size does, and on 18.16
    /// costs a fifth of grouping the table by identifier (measured at 185K rows). Only the named identifiers are merged
    /// and hashed into the join: the project's whole table was half the CPU of a results query at 10M events
    /// (docs/benchmarks.md §14). The filter is a PREWHERE, which runs before FINAL merges the rows: that is right here
    /// because ident_hash is a function of ident, the sort key, so it keeps or drops all the rows of an identifier at once.
    /// </summary>
    public static string LinkedPersonHashes(string projectLiteral, string identifierHashes) =>
        $"SELECT ident_hash AS actor_hash, cityHash64(person) AS mapped FROM linked_persons FINAL PREWHERE ident_hash IN ({identifierHashes}) WHERE project = {projectLiteral}";

    /// <summary>
    /// The rows of <paramref name="table"/> (events, exposures or attributed) of a project that match <paramref name="filter"/>,
    /// each with its person resolved now as a 64-bit key: <c>person</c> is the hash of the person's identifier key, so links
    /// apply retroactively, and counting distinct keys counts persons (a collision of two persons' hashes, about
    /// 10^-9 at a million persons, would count them once). Joining and counting UInt64 keys instead of strings is what
    /// makes results fast on 18.16. Yields <c>person</c>, <c>actor_hash</c> plus <paramref name="columns"/>.
    /// </summary>
    public static string PersonKeyRows(string table, string projectLiteral, string columns, string filter)
    {
        var rows = $"FROM {table} WHERE project = {projectLiteral} AND {filter}";
        return $"""
            SELECT if(mapped = 0, actor_hash, mapped) AS person, actor_hash, {columns} FROM (
                SELECT actor_hash, {columns} {rows})
            ANY LEFT JOIN ({LinkedPersonHashes(projectLiteral, $"SELECT actor_hash {rows}")}) USING actor_hash
            """;
    }

    /// <summary>
    /// The project's events that match <paramref name="filter"/>, each with its person resolved now (so links
    /// apply retroactively). Yields <c>person</c> plus <paramref name="columns"/>. An identifier that never linked is
    /// its own person, so only linked_persons is looked up, not the persons row of every identifier.
    /// </summary>
    public static string PersonEvents(string projectLiteral, string columns, string filter) => $"""
        SELECT if(mapped = '', actor, mapped) AS person, {columns} FROM (
            SELECT actor, {columns} FROM events WHERE project = {projectLiteral} AND {filter})
        ANY LEFT JOIN ({LinkedPersonMap(projectLiteral)}) USING actor
        """;
}
