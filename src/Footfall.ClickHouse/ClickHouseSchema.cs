namespace Footfall.ClickHouse;

/// <summary>
/// The ClickHouse tables. Times are Int64 Unix milliseconds (18.16 has no DateTime64); a DateTime column derived
/// from them only drives monthly partitions. Events sort by (project, action, time) so results, which always
/// filter one project and a few actions over a time range, read only their own granules. Nothing relies on
/// unique keys: ClickHouse has none, so every table that can receive the same fact twice (from a retry or
/// from two nodes) is read with an explicit rule (<c>argMax</c>, <c>uniqExact(eid)</c>, <c>LIMIT 1 BY</c>).
/// </summary>
internal static class ClickHouseSchema
{
    public static readonly string[] Create =
    [
        // Newest row per id wins; reads use FINAL (the table is tiny).
        """
        CREATE TABLE IF NOT EXISTS projects (
            id String, name String, secret_hash String, created_ms Int64, ord UInt64)
        ENGINE = ReplacingMergeTree(ord) ORDER BY id
        """,
        // eid is the idempotency key when the client sent one, else a fresh GUID: counting distinct eid counts
        // each keyed event once even if two nodes raced to store it. ord breaks ties in time (insertion order).
        """
        CREATE TABLE IF NOT EXISTS events (
            project String, action String, time_ms Int64,
            time DateTime DEFAULT toDateTime(intDiv(time_ms, 1000)),
            actor String, eid String, has_key UInt8, ord UInt64, received_ms Int64,
            user_id Nullable(String), guest_id Nullable(String), session_id Nullable(String),
            experience Nullable(String), variant Nullable(String), target Nullable(String),
            source_id Nullable(String), label Nullable(String), params Nullable(String), source String)
        ENGINE = MergeTree PARTITION BY toYYYYMM(time) ORDER BY (project, action, time_ms)
        """,
        // The idempotency keys, sorted for point lookups before each insert (events are not sorted by key). A key is
        // written before its event and names its commit; it proves a duplicate only once that commit is in `commits`
        // (see ClickHouseEventStore.Write.cs). Rows from before commit_id existed have '' and are never proof.
        """
        CREATE TABLE IF NOT EXISTS event_keys (project String, key String, actor String, ord UInt64, commit_id String DEFAULT '')
        ENGINE = ReplacingMergeTree(ord) ORDER BY (project, key)
        """,
        // One row per commit whose events are all in: written after the events insert returned.
        """
        CREATE TABLE IF NOT EXISTS commits (id String) ENGINE = MergeTree ORDER BY id
        """,
        // Every link ever made: the source of truth for persons.
        """
        CREATE TABLE IF NOT EXISTS links (project String, a String, b String, ord UInt64)
        ENGINE = MergeTree ORDER BY (project, a, b)
        """,
        // Identifier -> person (the smallest identifier key of its linked component). Written for every identifier
        // seen; on a link, for the whole component with size = the component's size. Components only grow, so the
        // row with the largest size is the most complete view: reads take argMax(person, size).
        """
        CREATE TABLE IF NOT EXISTS persons (project String, ident String, person String, size UInt32)
        ENGINE = ReplacingMergeTree(size) ORDER BY (project, ident)
        """,
        // One row per start-up repair (ClickHouseEventStore.Repair.cs): the persons of links stored up to checked_ord are
        // right, so the next start-up reads only links stored after it.
        """
        CREATE TABLE IF NOT EXISTS person_repairs (checked_ord UInt64) ENGINE = MergeTree ORDER BY checked_ord
        """,
        """
        CREATE TABLE IF NOT EXISTS attributes (
            project String, ident String, name String, value String, ord UInt64)
        ENGINE = ReplacingMergeTree(ord) ORDER BY (project, ident, name)
        """,
        """
        CREATE TABLE IF NOT EXISTS rejected (
            project String, time_ms Int64, time DateTime DEFAULT toDateTime(intDiv(time_ms, 1000)),
            source String, error String, raw String, ord UInt64)
        ENGINE = MergeTree PARTITION BY toYYYYMM(time) ORDER BY (project, time_ms)
        """,
        """
        CREATE TABLE IF NOT EXISTS experiences (project String, short_uid String, definition String, ord UInt64)
        ENGINE = ReplacingMergeTree(ord) ORDER BY (project, short_uid)
        """,
        """
        CREATE TABLE IF NOT EXISTS settings (project String, name String, value String, ord UInt64)
        ENGINE = ReplacingMergeTree(ord) ORDER BY (project, name)
        """,
        // Served recommendation responses (what sourceId attribution joins on). Ids are unique; a retried insert
        // could store one twice, so reads take LIMIT 1 BY id.
        """
        CREATE TABLE IF NOT EXISTS rec_responses (
            project String, id String, feed String, time_ms Int64, time DateTime DEFAULT toDateTime(intDiv(time_ms, 1000)),
            items String)
        ENGINE = MergeTree PARTITION BY toYYYYMM(time) ORDER BY (project, time_ms)
        """,
    ];

    /// <summary>
    /// Columns added after a table was first shipped, as (table, column, definition): a database written by an older
    /// version gets them at start-up. 18.16 has no <c>ADD COLUMN IF NOT EXISTS</c>, so the store asks system.columns.
    /// Each identifier column has a 64-bit hash beside it so an erasure deletes by hash: a mutation's text is kept in
    /// <c>system.mutations</c> and in a <c>mutation_N.txt</c> file per table, so deleting by the raw identifiers would
    /// write them to disk for good. A DEFAULT (not a rewrite) fills rows stored before: ClickHouse computes it when it
    /// reads an older part, in a mutation's WHERE too.
    /// </summary>
    public static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("event_keys", "commit_id", "String DEFAULT ''"),
        ("events", "actor_hash", "UInt64 DEFAULT cityHash64(actor)"),
        ("event_keys", "actor_hash", "UInt64 DEFAULT cityHash64(actor)"),
        ("links", "a_hash", "UInt64 DEFAULT cityHash64(a)"),
        ("links", "b_hash", "UInt64 DEFAULT cityHash64(b)"),
        ("persons", "ident_hash", "UInt64 DEFAULT cityHash64(ident)"),
        ("attributes", "ident_hash", "UInt64 DEFAULT cityHash64(ident)"),
        // The identifier keys a rejected event names (RejectedEvent.Identifiers): erasure matches them, never the raw text.
        ("rejected", "idents", "Array(String) DEFAULT emptyArrayString()"),
        ("rejected", "ident_hashes", "Array(UInt64) DEFAULT arrayMap(x -> cityHash64(x), idents)"),
    ];

    /// <summary>
    /// The person of every identifier of a project that shares its person with another, as a subquery yielding
    /// (actor, mapped). Grouping all of linked_persons measured faster on 18.16 than narrowing it with
    /// <c>ident IN (the query's actors)</c>, whose set costs more to build and test than the table costs to read.
    /// </summary>
    public static string LinkedPersonMap(string projectLiteral) =>
        $"SELECT ident AS actor, argMax(person, size) AS mapped FROM linked_persons WHERE project = {projectLiteral} GROUP BY ident";

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
