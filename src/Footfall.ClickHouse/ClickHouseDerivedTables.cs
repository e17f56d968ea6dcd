namespace Footfall.ClickHouse;

/// <summary>
/// Tables ClickHouse keeps from another table by itself, through a materialized view (<c>TO</c> a named table, so an
/// erasure can delete from it by name). The write path does not know them: every insert into the source fills them.
/// A view only sees inserts made after it exists, so a database written before a view was added is filled once from
/// its source when the view is created (<see cref="ClickHouseEventStore.InitializeAsync"/>).
/// </summary>
internal static class ClickHouseDerivedTables
{
    /// <summary>One derived table: its DDL, the name of its view, and the SELECT (over the source) that fills it.</summary>
    public sealed record Derived(string Table, string CreateTable, string View, string Select);

    // Identifier -> person for identifiers that share their person with another (components of two or more): what reads
    // resolve persons through. An identifier absent here is its own person. Only a fraction of all identifiers ever
    // link, so this is far smaller than persons, and reads ask it only for the identifiers their events name.
    private static readonly Derived LinkedPersons = new(
        "linked_persons",
        """
        CREATE TABLE IF NOT EXISTS linked_persons (project String, ident String, person String, size UInt32, ident_hash UInt64)
        ENGINE = ReplacingMergeTree(size) ORDER BY (project, ident)
        """,
        "linked_persons_mv",
        "SELECT project, ident, person, size, cityHash64(ident) AS ident_hash FROM persons WHERE size > 1");

    // The same rows sorted by person: the candidate members of a person, found without grouping the project's persons.
    // A row here is a person an identifier had at some time; persons (argMax by size) says which is current.
    private static readonly Derived PersonMembers = new(
        "person_members",
        """
        CREATE TABLE IF NOT EXISTS person_members (project String, person String, ident String, size UInt32, ident_hash UInt64)
        ENGINE = ReplacingMergeTree(size) ORDER BY (project, person, ident)
        """,
        "person_members_mv",
        "SELECT project, person, ident, size, cityHash64(ident) AS ident_hash FROM persons WHERE size > 1");

    // Every event's identity and time, sorted by identifier: a person's look-up and activity read their identifiers' rows
    // here instead of scanning the project's events (sorted by action and time for results).
    private static readonly Derived ActorEvents = new(
        "actor_events",
        """
        CREATE TABLE IF NOT EXISTS actor_events (project String, actor String, time_ms Int64, ord UInt64, eid String, actor_hash UInt64)
        ENGINE = MergeTree ORDER BY (project, actor, time_ms)
        """,
        "actor_events_mv",
        "SELECT project, actor, time_ms, ord, eid, cityHash64(actor) AS actor_hash FROM events");

    /// <summary>Every derived table, in creation order.</summary>
    public static readonly Derived[] All = [LinkedPersons, PersonMembers, ActorEvents];

    /// <summary>The view's DDL.</summary>
    public static string CreateView(Derived d) => $"CREATE MATERIALIZED VIEW IF NOT EXISTS {d.View} TO {d.Table} AS {d.Select}";
}
