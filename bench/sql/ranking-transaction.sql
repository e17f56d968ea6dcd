-- The model refresh's ranking (DuckDbEventStore.RankNeighbours): its temp tables written inside the transaction that
-- rewrites model_neighbours, as the refresh runs it (in=BEGIN, out=SELECT 1), or in autocommit with only the rewrite
-- in a transaction (in=SELECT 1, out=BEGIN). On a copy of a data folder's file with kept counts (after a model build);
-- n is RecommendationOptions.NeighboursPerItem. Alternated (S = StoreBench --sql bench/sql/ranking-transaction.sql
-- --db COPY/footfall.duckdb --set project=1 --set n=50):
--   for i in 1 2; do $S --set in=BEGIN --set 'out=SELECT 1'; $S --set 'in=SELECT 1' --set out=BEGIN; done
SET memory_limit = '384MB';;
SET threads = 2;;
{in};;
CREATE OR REPLACE TEMP TABLE rec_order AS SELECT no, no AS pos FROM model_items WHERE project = {project};;
CREATE OR REPLACE TEMP TABLE rec_reach AS SELECT item, n FROM model_item_reach WHERE project = {project};;
CREATE OR REPLACE TEMP TABLE rec_floor AS
SELECT k.item, min(CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT)) AS floor FROM model_neighbours k
JOIN (SELECT coalesce(p.a, c.a) AS a, coalesce(p.b, c.b) AS b, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
 FROM (SELECT a, b, n FROM model_pairs WHERE project = {project}) p
 FULL JOIN (SELECT a, b, sum(n) AS n FROM model_pair_changes WHERE project = {project} GROUP BY a, b) c ON c.a = p.a AND c.b = p.b
 WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0) p ON p.a = least(k.item, k.other) AND p.b = greatest(k.item, k.other)
JOIN rec_reach ra ON ra.item = p.a JOIN rec_reach rb ON rb.item = p.b
WHERE k.project = {project} GROUP BY k.item HAVING count(*) >= {n};;
CREATE OR REPLACE TEMP TABLE rec_scored AS
SELECT a, b, s, s >= coalesce(fa.floor, 0) AS for_a, s >= coalesce(fb.floor, 0) AS for_b FROM (
    SELECT p.a, p.b, CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) AS s FROM (SELECT coalesce(p.a, c.a) AS a, coalesce(p.b, c.b) AS b, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
 FROM (SELECT a, b, n FROM model_pairs WHERE project = {project}) p
 FULL JOIN (SELECT a, b, sum(n) AS n FROM model_pair_changes WHERE project = {project} GROUP BY a, b) c ON c.a = p.a AND c.b = p.b
 WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0) p JOIN rec_reach ra ON ra.item = p.a JOIN rec_reach rb ON rb.item = p.b)
LEFT JOIN rec_floor fa ON fa.item = a LEFT JOIN rec_floor fb ON fb.item = b
WHERE for_a OR for_b;;
CREATE OR REPLACE TEMP TABLE rec_ranked AS
SELECT c.item, c.other, c.s FROM (
    SELECT a AS item, b AS other, s FROM rec_scored WHERE for_a UNION ALL SELECT b, a, s FROM rec_scored WHERE for_b) c
JOIN rec_order o ON o.no = c.other
QUALIFY row_number() OVER (PARTITION BY c.item ORDER BY c.s DESC, o.pos) <= {n};;
{out};;
DELETE FROM model_neighbours WHERE project = {project};;
INSERT INTO model_neighbours SELECT {project}, item, other FROM rec_ranked;;
COMMIT;;
DROP TABLE rec_floor;; DROP TABLE rec_scored;; DROP TABLE rec_ranked;; DROP TABLE rec_reach;; DROP TABLE rec_order;;
