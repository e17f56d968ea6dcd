namespace Footfall.Storage.DuckDb;

/// <summary>
/// The embedded store's tables. Projects and identifiers are interned to integers because per-row string
/// marshalling is what bounds DuckDB's appender. <c>exposures</c> (impressions) and <c>metric_events</c> (events of
/// the actions in <c>tracked_metrics</c>, the metrics some experience counts) are narrow copies kept by the applier in
/// the commit's transaction, so results never scan the wide event table.
/// </summary>
internal static class DuckDbSchema
{
    public const string Create = """
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
        CREATE TABLE IF NOT EXISTS tracked_metrics (project INTEGER NOT NULL, action VARCHAR NOT NULL);
        CREATE TABLE IF NOT EXISTS metric_events (
            project INTEGER NOT NULL, action VARCHAR NOT NULL, ident BIGINT NOT NULL, time TIMESTAMP NOT NULL, seq BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS rejected (
            project INTEGER NOT NULL, time TIMESTAMP NOT NULL, source VARCHAR NOT NULL,
            error VARCHAR NOT NULL, raw VARCHAR NOT NULL);
        ALTER TABLE rejected ADD COLUMN IF NOT EXISTS idents VARCHAR[];
        CREATE TABLE IF NOT EXISTS experiences (
            project INTEGER NOT NULL, short_uid VARCHAR NOT NULL, definition VARCHAR NOT NULL,
            PRIMARY KEY (project, short_uid));
        CREATE TABLE IF NOT EXISTS settings (
            project INTEGER NOT NULL, name VARCHAR NOT NULL, value VARCHAR NOT NULL,
            PRIMARY KEY (project, name));
        CREATE TABLE IF NOT EXISTS attributes (
            project INTEGER NOT NULL, ident BIGINT NOT NULL, name VARCHAR NOT NULL, value VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL, PRIMARY KEY (project, ident, name));
        CREATE TABLE IF NOT EXISTS store_state (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
        CREATE TABLE IF NOT EXISTS rec_responses (
            project INTEGER NOT NULL, id VARCHAR NOT NULL, feed VARCHAR NOT NULL, time TIMESTAMP NOT NULL,
            items VARCHAR NOT NULL);
        CREATE TABLE IF NOT EXISTS log_applied (position BIGINT NOT NULL);
        INSERT INTO log_applied SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM log_applied);
        """;
}
