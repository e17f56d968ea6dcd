-- The most active person's erasure at 100M, its store part (docs/benchmarks.md section 8, "The ingest ratio in a later
-- session"): the person's identifiers and seqs in chunks of 4,000 as DuckDbEventStore.ErasePersonAsync deletes them
-- (events, product touches and metric events of the identity index's seqs, merged and sorted). Print them with
--   StoreBench --sql bench/sql/erase-chunks.sql --db COPY/footfall.duckdb --set user=u:USER_ID
-- and time the deletes by pasting the lists into DELETE ... WHERE project = 1 AND ident IN (IDS) AND seq IN (CHUNK, -1)
-- statements (per chunk BEGIN, three deletes, COMMIT, CHECKPOINT) run the same way on a fresh copy.
CREATE TEMP TABLE who AS SELECT id FROM idents WHERE project = 1 AND person = (SELECT person FROM idents WHERE project = 1 AND key = '{user}');;
SELECT 'IDS', string_agg(id::VARCHAR, ', ') FROM who;;
SELECT 'CHUNK', c, min(seq), max(seq), count(*), string_agg(seq::VARCHAR, ', ' ORDER BY seq) FROM (
  SELECT seq, (row_number() OVER (ORDER BY seq) - 1) // 4000 AS c FROM (
    SELECT seq FROM events WHERE project = 1 AND ident IN (SELECT id FROM who)
    UNION SELECT seq FROM product_touches WHERE project = 1 AND ident IN (SELECT id FROM who)
    UNION SELECT seq FROM metric_events WHERE project = 1 AND ident IN (SELECT id FROM who)))
GROUP BY c ORDER BY c;;
SELECT 'ROWGROUPS', count(DISTINCT seq // 122880) FROM events WHERE project = 1 AND ident IN (SELECT id FROM who);;
SELECT 'N', (SELECT count(*) FROM events), (SELECT count(*) FROM product_touches), (SELECT count(*) FROM metric_events);;
