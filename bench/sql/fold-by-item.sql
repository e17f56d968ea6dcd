-- A fold of the kept pair changes at schema 16 as FoldPairChangesAsync writes it (model_pairs, then
-- model_pairs_by_item, in one transaction), each statement timed (docs/benchmarks.md section 8, "The asked items'
-- pairs by item"). Writes: give it a scratch copy. Usage: StoreBench --sql bench/sql/fold-by-item.sql --db COPY --set project=1
SET memory_limit = '384MB';;
SELECT count(*) FROM model_pair_changes;;
BEGIN;;
CREATE TABLE model_pairs_kept AS SELECT * FROM model_pairs WHERE project <> {project} UNION ALL SELECT {project}, * FROM (SELECT coalesce(p.a, c.a) AS a, coalesce(p.b, c.b) AS b, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
         FROM (SELECT a, b, n FROM model_pairs WHERE project = {project} AND true) p
         FULL JOIN (SELECT a, b, sum(n) AS n FROM model_pair_changes WHERE project = {project} AND true GROUP BY a, b) c ON c.a = p.a AND c.b = p.b
         WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0);;
DROP TABLE model_pairs;;
ALTER TABLE model_pairs_kept RENAME TO model_pairs;;
CREATE TABLE model_pairs_by_item_kept AS SELECT * FROM model_pairs_by_item WHERE project <> {project} UNION ALL SELECT project, a, b, n FROM model_pairs WHERE project = {project} UNION ALL SELECT project, b, a, n FROM model_pairs WHERE project = {project}
        ORDER BY 1, 2;;
DROP TABLE model_pairs_by_item;;
ALTER TABLE model_pairs_by_item_kept RENAME TO model_pairs_by_item;;
CREATE TABLE model_pair_changes_kept AS SELECT * FROM model_pair_changes WHERE project <> {project};;
DROP TABLE model_pair_changes;;
ALTER TABLE model_pair_changes_kept RENAME TO model_pair_changes;;
COMMIT;;
CHECKPOINT;;
SELECT count(*) FROM model_pairs_by_item;;
