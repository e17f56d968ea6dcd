namespace Footfall.Storage.DuckDb;

/// <summary>
/// The embedded store's tables, as the ordered migrations that build them. Projects and identifiers are interned to
/// integers because per-row string marshalling is what bounds DuckDB's appender. <c>exposures</c> (impressions) and
/// <c>metric_events</c> (events of the actions in <c>tracked_metrics</c>, the metrics some experience counts) are
/// narrow copies kept by the applier in the commit's transaction, so results never scan the wide event table; a person's
/// rows of them are read by identifier from the identity index beside the file (<see cref="IdentityIndex"/>).
/// </summary>
/// <remarks>
/// To change the schema, append a migration with the next version: it runs once per database, in one transaction
/// with the row that records it (<see cref="DuckDbMigrator"/>). Never edit a shipped migration; a database written
/// before versions existed has no version row and replays them all, so version 1 must stay idempotent.
/// </remarks>
internal static class DuckDbSchema
{
    public static readonly DuckDbMigration[] Migrations =
    [
        new(1, "the tables of main at a77fb6d", """
            CREATE TABLE IF NOT EXISTS projects (
                no INTEGER PRIMARY KEY, id VARCHAR NOT NULL, name VARCHAR NOT NULL,
                secret_hash VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL);
            CREATE TABLE IF NOT EXISTS idents (
                id BIGINT NOT NULL, project INTEGER NOT NULL, key VARCHAR NOT NULL, person BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS events (
                seq BIGINT NOT NULL, project INTEGER NOT NULL, ident BIGINT NOT NULL, time TIMESTAMP NOT NULL,
                action VARCHAR NOT NULL, item VARCHAR, experience VARCHAR, variant VARCHAR, event_key VARCHAR,
                received_at TIMESTAMP NOT NULL, user_id VARCHAR, guest_id VARCHAR, session_id VARCHAR,
                target VARCHAR, source_id VARCHAR, label VARCHAR, params VARCHAR, source VARCHAR NOT NULL);
            CREATE TABLE IF NOT EXISTS exposures (
                project INTEGER NOT NULL, experience VARCHAR NOT NULL, variant VARCHAR NOT NULL,
                ident BIGINT NOT NULL, time TIMESTAMP NOT NULL);
            CREATE TABLE IF NOT EXISTS rejected (
                project INTEGER NOT NULL, time TIMESTAMP NOT NULL, source VARCHAR NOT NULL,
                error VARCHAR NOT NULL, raw VARCHAR NOT NULL);
            CREATE TABLE IF NOT EXISTS experiences (
                project INTEGER NOT NULL, short_uid VARCHAR NOT NULL, definition VARCHAR NOT NULL,
                PRIMARY KEY (project, short_uid));
            CREATE TABLE IF NOT EXISTS settings (
                project INTEGER NOT NULL, name VARCHAR NOT NULL, value VARCHAR NOT NULL,
                PRIMARY KEY (project, name));
            CREATE TABLE IF NOT EXISTS attributes (
                project INTEGER NOT NULL, ident BIGINT NOT NULL, name VARCHAR NOT NULL, value VARCHAR NOT NULL,
                updated_at TIMESTAMP NOT NULL, PRIMARY KEY (project, ident, name));
            CREATE TABLE IF NOT EXISTS rec_responses (
                project INTEGER NOT NULL, id VARCHAR NOT NULL, feed VARCHAR NOT NULL, time TIMESTAMP NOT NULL,
                items VARCHAR NOT NULL);
            """),
        // A file written before erasure was physical may still hold what was erased then: a database that already
        // has projects is marked to be copied once (see DuckDbEventStore.Compaction.cs); a new one has nothing to copy.
        // A database from before versions that already had this table is copied once more than needed: harmless.
        new(2, "physical erasure: identifiers of rejected events, compaction state", """
            ALTER TABLE rejected ADD COLUMN IF NOT EXISTS idents VARCHAR[];
            CREATE TABLE IF NOT EXISTS store_state (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
            INSERT OR REPLACE INTO store_state SELECT 'compaction_pending', 'true' WHERE EXISTS (SELECT 1 FROM projects);
            """),
        new(3, "the ingest log's applied position", """
            CREATE TABLE IF NOT EXISTS log_applied (position BIGINT NOT NULL);
            INSERT INTO log_applied SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM log_applied);
            """),
        // Empty on an upgraded database: an action's stored events are copied in when an experience first counts it.
        new(4, "narrow copies of the events of tracked metrics", """
            CREATE TABLE IF NOT EXISTS tracked_metrics (project INTEGER NOT NULL, action VARCHAR NOT NULL);
            CREATE TABLE IF NOT EXISTS metric_events (
                project INTEGER NOT NULL, action VARCHAR NOT NULL, ident BIGINT NOT NULL, time TIMESTAMP NOT NULL, seq BIGINT NOT NULL);
            """),
        // The narrow rows take their person (from the identity map as it stands) and the exposed rollup is derived from
        // them; conversions need a definition, so each experience's are derived when it is saved or first counted, and
        // at start for the saved ones. Idempotent, as a database whose version rows were lost replays it.
        new(5, "results rollups: persons on the narrow rows, exposed, attributed", """
            ALTER TABLE exposures ADD COLUMN IF NOT EXISTS person BIGINT;
            UPDATE exposures SET person = i.person FROM idents i WHERE i.id = exposures.ident;
            ALTER TABLE metric_events ADD COLUMN IF NOT EXISTS person BIGINT;
            UPDATE metric_events SET person = i.person FROM idents i WHERE i.id = metric_events.ident;
            CREATE TABLE IF NOT EXISTS exposed (
                project INTEGER NOT NULL, experience VARCHAR NOT NULL, variant VARCHAR NOT NULL, person BIGINT NOT NULL,
                first_time TIMESTAMP NOT NULL);
            DELETE FROM exposed;
            INSERT INTO exposed SELECT project, experience, variant, person, min(time) FROM exposures WHERE person IS NOT NULL GROUP BY ALL;
            CREATE TABLE IF NOT EXISTS attributed (
                project INTEGER NOT NULL, experience VARCHAR NOT NULL, variant VARCHAR NOT NULL, metric VARCHAR NOT NULL,
                person BIGINT NOT NULL, seq BIGINT NOT NULL, time TIMESTAMP NOT NULL);
            CREATE TABLE IF NOT EXISTS rollup_definitions (
                project INTEGER NOT NULL, experience VARCHAR NOT NULL, metrics VARCHAR[] NOT NULL, days INTEGER NOT NULL);
            """),
        // All-time results per experience, variant and metric ('' for impressions), kept with the rollups they sum
        // (DuckDbEventStore.Totals.cs). Idempotent: filled again from the rollups whenever it runs.
        new(6, "results totals: all-time persons, events and first impression per variant and metric", """
            CREATE TABLE IF NOT EXISTS variant_totals (
                project INTEGER NOT NULL, experience VARCHAR NOT NULL, variant VARCHAR NOT NULL, metric VARCHAR NOT NULL,
                persons BIGINT NOT NULL, events BIGINT NOT NULL, first_time TIMESTAMP);
            DELETE FROM variant_totals;
            INSERT INTO variant_totals SELECT project, experience, variant, '', count(*), count(*), min(first_time) FROM exposed GROUP BY ALL;
            INSERT INTO variant_totals
            SELECT project, experience, variant, metric, count(DISTINCT person), count(*), NULL FROM attributed GROUP BY ALL;
            """),
        // What recommendation models read, narrow and person-carrying like exposures; back-filled from the stored
        // events with the persons of the identity map as it stands (DuckDbEventStore.ProductTouches.cs keeps it after).
        // Indexed by person: a feed reads one person's touches, which a scan found in 80-140 ms at 1M events, the
        // index in 1-7 ms (docs/benchmarks.md).
        new(7, "product touches for recommendation models", """
            CREATE TABLE IF NOT EXISTS product_touches (
                project INTEGER NOT NULL, ident BIGINT NOT NULL, person BIGINT NOT NULL, seq BIGINT NOT NULL, time TIMESTAMP NOT NULL,
                item VARCHAR NOT NULL, action VARCHAR NOT NULL, session BIGINT, category VARCHAR);
            DELETE FROM product_touches;
            INSERT INTO product_touches
            SELECT e.project, e.ident, i.person, e.seq, e.time, e.item, e.action,
                   CASE WHEN e.session_id IS NULL THEN NULL ELSE CAST(hash(e.session_id) >> 1 AS BIGINT) END,
                   CASE WHEN contains(e.params, 'category') OR contains(e.params, '\u')
                       THEN TRY(json_extract_string(e.params, '$.category')) END
            FROM events e JOIN idents i ON i.id = e.ident
            WHERE e.item IS NOT NULL AND e.action IN ('product_view', 'product_add_to_cart', 'product_remove_from_cart',
                'product_add_to_wishlist', 'product_remove_from_wishlist', 'product_purchase', 'product_rating');
            CREATE INDEX IF NOT EXISTS product_touches_person ON product_touches (person);
            """),
        new(8, "the identity index's change log: persons changed per generation, until the index is durable past them", """
            CREATE TABLE IF NOT EXISTS ident_log (gen BIGINT NOT NULL, person BIGINT NOT NULL);
            """),
        // Each batch re-keys the persons its links merge and re-derives the rollup rows of the persons it touches; without
        // an index each of those statements read its whole table, so a batch cost more the more was stored (1.8x the CPU
        // at 10M events as into an empty folder, docs/benchmarks.md). Tables whose person a link rewrites are indexed by
        // their identifier, which never changes: DuckDB updates an indexed column as a delete and an insert, and a
        // checkpoint then rewrites the row groups the deletes marked. So product_touches trades its person index for
        // one on the identifier (a feed reads a person's identifiers' touches). The rollups are deleted and inserted anyway.
        new(10, "indexes for a batch's re-keys and rollup refreshes", """
            CREATE INDEX IF NOT EXISTS idents_id ON idents (id);
            CREATE INDEX IF NOT EXISTS exposures_ident ON exposures (ident);
            CREATE INDEX IF NOT EXISTS metric_events_ident ON metric_events (ident);
            DROP INDEX IF EXISTS product_touches_person;
            CREATE INDEX IF NOT EXISTS product_touches_ident ON product_touches (ident);
            CREATE INDEX IF NOT EXISTS exposed_person ON exposed (person);
            CREATE INDEX IF NOT EXISTS attributed_person ON attributed (person);
            """),
        // An index on product_touches is read at random by every batch (each insert, each re-key), so DuckDB keeps all of
        // it in its buffer, where it grew with the table until a 512MB buffer failed every apply at ~32M events, and each
        // checkpoint after a change rewrote it (200-240 ms at 6.7M rows). The table is now only appended, scanned and
        // deleted from: a person's touches are read from the identity index by identifier (IdentityIndex), and the
        // person of a touch is joined from idents when a refresh reads the window, so a link re-keys nothing here.
        new(11, "product touches keyed by identifier alone, without an index", """
            DROP INDEX IF EXISTS product_touches_ident;
            ALTER TABLE product_touches DROP COLUMN IF EXISTS person;
            """),
        // The same for impressions and metric events: their ART indexes were read at random by every batch's rollup
        // refresh (a person's rows found by identifier) and each link re-keyed their person, so a batch's rollup work grew
        // 4.9x from 1M to 100M events and a 512MB buffer could not rebuild them when compacting at 100M
        // (docs/benchmarks.md section 8). A batch now reads a person's rows from the identity index by identifier, a
        // read of the tables takes each row's person from idents, and the tables are only appended, scanned and deleted from.
        new(12, "impressions and metric events keyed by identifier alone, without indexes", """
            DROP INDEX IF EXISTS exposures_ident;
            DROP INDEX IF EXISTS metric_events_ident;
            ALTER TABLE exposures DROP COLUMN IF EXISTS person;
            ALTER TABLE metric_events DROP COLUMN IF EXISTS person;
            """),
        // Co-visit counts kept between model refreshes (DuckDbEventStore.CoVisits.cs): each counted visit's items, the
        // pair counts they add up to, what the counts are as of, the last refresh's neighbour lists; and per item and
        // day, its touches, first touch and newest category. A refresh recounts only the persons whose visits
        // changed since (new touches, touches leaving the window, links and erasures, queued in model_changes by the
        // writer), where it counted the whole window each time (73-95 s at 100M events, docs/benchmarks.md section 8).
        // Empty after the upgrade: the first refresh counts the window.
        new(13, "co-visit counts kept between model refreshes", """
            CREATE TABLE IF NOT EXISTS model_items (project INTEGER NOT NULL, no INTEGER NOT NULL, item VARCHAR NOT NULL);
            CREATE TABLE IF NOT EXISTS model_visits (project INTEGER NOT NULL, person BIGINT NOT NULL, visit BIGINT NOT NULL, item INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS model_pairs (project INTEGER NOT NULL, a INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS model_state (
                project INTEGER PRIMARY KEY, seq BIGINT NOT NULL, window_from TIMESTAMP NOT NULL, items_per_visit INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS model_changes (project INTEGER NOT NULL, person BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS model_neighbours (project INTEGER NOT NULL, item INTEGER NOT NULL, other INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS model_item_days (
                project INTEGER NOT NULL, item VARCHAR NOT NULL, day BIGINT NOT NULL, n BIGINT NOT NULL, first HUGEINT NOT NULL,
                category VARCHAR, category_key HUGEINT);
            CREATE TABLE IF NOT EXISTS model_item_state (project INTEGER PRIMARY KEY, seq BIGINT NOT NULL, day BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS model_item_changes (project INTEGER NOT NULL, item VARCHAR NOT NULL, day BIGINT NOT NULL);
            """),
        // A DELETE holds ~17 KB of DuckDB's memory for each vector of 2,048 rows it touches until the next checkpoint, and a
        // count's deletes touched most vectors of model_pairs and model_visits: at 100M events a count after new touches
        // ran out of a 512MB buffer (DuckDbEventStore.CoVisits.cs). Pair changes are now appended, and the kept visits
        // are put in person order, so a recounted person's delete touches the vectors of their rows only.
        // Each item's reach is kept too: the ranking and an erasure's recount counted it from every kept visit (50M rows
        // at 100M events) each time.
        new(14, "pair count changes appended; kept visits in person order; kept item reach", """
            CREATE TABLE IF NOT EXISTS model_pair_changes (project INTEGER NOT NULL, a INTEGER NOT NULL, b INTEGER NOT NULL, n INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS model_item_reach (project INTEGER NOT NULL, item INTEGER NOT NULL, n BIGINT NOT NULL);
            INSERT INTO model_item_reach SELECT project, item, count(*) FROM model_visits GROUP BY ALL;
            CREATE TABLE model_visits_sorted AS SELECT * FROM model_visits ORDER BY project, person;
            DROP TABLE model_visits;
            ALTER TABLE model_visits_sorted RENAME TO model_visits;
            """),
        // Each counted person's purchases in the window, kept by the count beside their visits (person, item number,
        // time; in person order): the repurchase intervals read them, where they scanned every touch of the window for
        // its purchases (~1 s at 100M events, for a refresh and for an erasure of a person who bought an item twice).
        // The kept counts are dropped with the state row so the first refresh after the upgrade counts the window whole
        // and fills the table.
        new(15, "purchases kept by the co-visit count", """
            CREATE TABLE IF NOT EXISTS model_purchases (project INTEGER NOT NULL, person BIGINT NOT NULL, item INTEGER NOT NULL, time TIMESTAMP NOT NULL);
            DELETE FROM model_state;
            """),
        // The kept pair counts again, each pair in both directions and in the order of its first item: an erasure's read
        // of what a person touched reads the row groups of those items only, where every read scanned the 32M pairs twice
        // (~0.7 s at 100M events for a person of 53 items, docs/benchmarks.md section 8). Written with model_pairs (a
        // whole count, a fold); the changes appended since are read beside it. Filled here from the kept pairs.
        new(16, "pair counts kept by item", """
            CREATE TABLE IF NOT EXISTS model_pairs_by_item (project INTEGER NOT NULL, item INTEGER NOT NULL, other INTEGER NOT NULL, n INTEGER NOT NULL);
            INSERT INTO model_pairs_by_item SELECT project, a, b, n FROM model_pairs UNION ALL SELECT project, b, a, n FROM model_pairs ORDER BY 1, 2;
            """),
    ];

    /// <summary>The schema version this binary writes.</summary>
    public static int Latest => Migrations[^1].Version;
}

/// <summary>One step of the embedded store's schema: <paramref name="Sql"/> runs once, when the database is below <paramref name="Version"/>.</summary>
internal sealed record DuckDbMigration(int Version, string Name, string Sql);
