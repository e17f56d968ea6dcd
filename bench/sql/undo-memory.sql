-- The memory a transaction keeps for one change (duckdb_memory()'s TRANSACTION tag), on a copy of a data folder whose
-- model counts have been built (docs/benchmarks.md section 8, "The kept counts' memory"). One process per change:
--   --set change="UPDATE model_pairs SET n = n + 1 WHERE rowid % 2048 = 0"   (one row in every vector of 2,048 rows)
--   --set change="DELETE FROM model_pairs WHERE rowid % 2048 = 0"
-- A DELETE's memory is not in this tag but in BASE_TABLE, held until the next checkpoint: bench/sql/delete-memory.sql.
SET memory_limit = '512MB';;
SELECT count(*) AS pairs, count(*) // 2048 AS vectors FROM model_pairs;;
BEGIN;;
{change};;
SELECT tag, memory_usage_bytes // 1024 AS kib FROM duckdb_memory() WHERE tag = 'TRANSACTION';;
ROLLBACK;;
