-- The memory DuckDB holds for a change spread over a big table, and until when (docs/benchmarks.md section 8, "A
-- delete's memory"): a scratch table of 50M rows in model_visits' shape, then one change in a transaction, the memory
-- after it, after the commit, under a lower limit, after a checkpoint. On an empty scratch file, one change per process
-- (StoreBench stops at the first failing statement, with DuckDB's message; limit=1GB shows the checkpoint's effect):
--   --db /tmp/scratch.duckdb --set change="DELETE FROM t WHERE rowid % 2048 = 0" --set limit=256MB   (a row in every vector)
--   --db /tmp/scratch.duckdb --set change="UPDATE t SET item = item + 1 WHERE rowid % 2048 = 0" --set limit=256MB
--   --db /tmp/scratch.duckdb --set change="DELETE FROM t WHERE rowid < 50000" --set limit=256MB   (25 vectors)
SET memory_limit = '2GB';;
CREATE OR REPLACE TABLE t AS SELECT 1 AS project, hash(i) % 5000000 AS person, i // 4 AS visit, hash(i * 7) % 20000 AS item FROM range(50000000) r(i);;
CHECKPOINT;;
SELECT count(*) // 2048 AS vectors FROM t;;
BEGIN;;
{change};;
SELECT 'in the transaction', tag, memory_usage_bytes // 1048576 AS mib FROM duckdb_memory() WHERE memory_usage_bytes > 1048576;;
COMMIT;;
SELECT 'after the commit', tag, memory_usage_bytes // 1048576 AS mib FROM duckdb_memory() WHERE memory_usage_bytes > 1048576;;
-- Evictable memory is given up for a lower limit; memory a change holds is not, and the statement fails.
SET memory_limit = '{limit}';;
SELECT 'under the lower limit', tag, memory_usage_bytes // 1048576 AS mib FROM duckdb_memory() WHERE memory_usage_bytes > 1048576;;
CHECKPOINT;;
SELECT 'after a checkpoint', tag, memory_usage_bytes // 1048576 AS mib FROM duckdb_memory() WHERE memory_usage_bytes > 1048576;;
