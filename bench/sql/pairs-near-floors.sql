-- How close the kept pairs come to the neighbour lists' floors (docs/benchmarks.md section 8, "The cut read streamed",
-- end): each item's floor (the lowest score of its kept neighbours, as the ranking finds it), and each pair's score as a
-- share of the lower of its two items' floors. A table of the pairs that could reach a floor after an erasure, kept
-- beside the counts, would hold those within a margin. Usage: StoreBench --sql bench/sql/pairs-near-floors.sql --db COPY/footfall.duckdb
SELECT 'PAIRS', count(*), sum(CASE WHEN n = 1 THEN 1 ELSE 0 END), sum(CASE WHEN n <= 3 THEN 1 ELSE 0 END) FROM model_pairs WHERE project = 1;;
SELECT 'BYITEM', count(*) FROM model_pairs_by_item WHERE project = 1;;
SELECT 'CHANGES', count(*) FROM model_pair_changes WHERE project = 1;;
SELECT 'NEIGH', count(*), count(DISTINCT item) FROM model_neighbours WHERE project = 1;;
SELECT 'REACH', count(*), min(n), median(n), max(n) FROM model_item_reach WHERE project = 1;;
CREATE TEMP TABLE r AS SELECT item, n FROM model_item_reach WHERE project = 1;;
CREATE TEMP TABLE f AS SELECT k.item, min(p.n / sqrt(ra.n * rb.n)) AS floor FROM model_neighbours k
  JOIN model_pairs p ON p.project = 1 AND p.a = least(k.item, k.other) AND p.b = greatest(k.item, k.other)
  JOIN r ra ON ra.item = p.a JOIN r rb ON rb.item = p.b WHERE k.project = 1 GROUP BY k.item;;
SELECT 'FLOORS', count(*), min(floor), median(floor), max(floor) FROM f;;
SELECT 'H', min(f.floor * f.floor * r.n), median(f.floor * f.floor * r.n) FROM f JOIN r USING (item);;
CREATE TEMP TABLE s AS SELECT p.a, p.b, p.n, p.n / sqrt(ra.n * rb.n) / least(fa.floor, fb.floor) AS ratio
  FROM model_pairs p JOIN r ra ON ra.item = p.a JOIN r rb ON rb.item = p.b JOIN f fa ON fa.item = p.a JOIN f fb ON fb.item = p.b WHERE p.project = 1;;
SELECT 'RATIO', count(*), count(*) FILTER (WHERE ratio >= 1), count(*) FILTER (WHERE ratio >= 0.9), count(*) FILTER (WHERE ratio >= 0.7), count(*) FILTER (WHERE ratio >= 0.5), count(*) FILTER (WHERE ratio >= 0.25) FROM s;;
SELECT 'RATIO_N1', count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n = 1 AND ratio >= 0.5) FROM s;;
