-- The erasure's cut co-visit read at schema 16 (docs/benchmarks.md section 8, "The asked items' pairs by item"),
-- step by step on a scratch copy of an imported folder, for the items user {user} ('u:ID') touched: V1 reads the asked
-- items' pairs for each pass and joins every item's kept neighbours; V2 (DuckDbEventStore.CutPairs as of d29f76d,
-- before it took the model's lists through an appender and returned places, not names) reads them once and joins the
-- asked items' neighbours alone; V3 is V1 with the neighbours filtered first. The last statement counts the rows V1
-- and V2 differ by (0, 0). Then the twelfth session's variants (at the end). Usage: StoreBench --sql
-- bench/sql/cut-by-item.sql --db COPY --set project=1 --set user=u:ID
SET memory_limit = '384MB';;
CREATE OR REPLACE TEMP TABLE rec_asked AS SELECT DISTINCT i.no, coalesce(r.n, 0) AS n FROM product_touches t
  JOIN model_items i ON i.project = t.project AND i.item = t.item LEFT JOIN model_item_reach r ON r.project = {project} AND r.item = i.no
  WHERE t.project = {project} AND t.action IN ('product_view', 'add_to_cart', 'product_purchase')
  AND t.ident IN (SELECT id FROM idents WHERE person = (SELECT person FROM idents WHERE key = '{user}'));;
CREATE OR REPLACE TEMP TABLE reach AS SELECT item, n FROM model_item_reach WHERE project = {project};;
CREATE OR REPLACE TEMP TABLE floors AS SELECT k.item, min(CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT)) AS floor FROM model_neighbours k
  JOIN model_pairs p ON p.project = {project} AND p.a = least(k.item, k.other) AND p.b = greatest(k.item, k.other)
  JOIN reach ra ON ra.item = p.a JOIN reach rb ON rb.item = p.b WHERE k.project = {project} GROUP BY k.item HAVING count(*) >= 50;;
CREATE OR REPLACE TEMP TABLE rec_cut0 AS SELECT r.item AS no, r.n AS n, CASE WHEN a.no IS NULL THEN coalesce(f.floor, 0) END AS floor, a.no IS NOT NULL AS asked
  FROM reach r LEFT JOIN floors f ON f.item = r.item LEFT JOIN rec_asked a ON a.no = r.item;;
SET dynamic_or_filter_threshold = 2000;;
-- V1: the code's
CREATE OR REPLACE TEMP TABLE rec_cut AS FROM rec_cut0;;
CREATE OR REPLACE TEMP TABLE rec_asked_floor AS
                SELECT p.item, CASE WHEN count(*) >= 50 THEN min(CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT)) ELSE 0 END AS floor
                FROM (SELECT coalesce(p.item, c.item) AS item, coalesce(p.other, c.other) AS other, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
         FROM (SELECT item, other, n FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked)) p
         FULL JOIN (SELECT item, other, sum(n) AS n FROM (
                SELECT a AS item, b AS other, n FROM model_pair_changes WHERE project = {project} AND a IN (SELECT no FROM rec_asked)
                UNION ALL
                SELECT b, a, n FROM model_pair_changes WHERE project = {project} AND b IN (SELECT no FROM rec_asked))
             GROUP BY item, other) c ON c.item = p.item AND c.other = p.other
         WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0) p JOIN model_neighbours k ON k.project = {project} AND k.item = p.item AND k.other = p.other
                JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
                GROUP BY p.item;;
UPDATE rec_cut SET floor = coalesce((SELECT f.floor FROM rec_asked_floor f WHERE f.item = rec_cut.no), 0) WHERE asked;;
CREATE OR REPLACE TEMP TABLE rec_cut_pairs AS
                SELECT least(p.item, p.other) AS a, greatest(p.item, p.other) AS b, p.n
                FROM (SELECT coalesce(p.item, c.item) AS item, coalesce(p.other, c.other) AS other, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
         FROM (SELECT item, other, n FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked)) p
         FULL JOIN (SELECT item, other, sum(n) AS n FROM (
                SELECT a AS item, b AS other, n FROM model_pair_changes WHERE project = {project} AND a IN (SELECT no FROM rec_asked)
                UNION ALL
                SELECT b, a, n FROM model_pair_changes WHERE project = {project} AND b IN (SELECT no FROM rec_asked))
             GROUP BY item, other) c ON c.item = p.item AND c.other = p.other
         WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0) p JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
                WHERE (NOT rb.asked OR p.item < p.other) AND CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) >= least(ra.floor, rb.floor);;
CREATE OR REPLACE TEMP TABLE out1 AS FROM rec_cut_pairs;;
-- V2: the asked pairs materialised once
CREATE OR REPLACE TEMP TABLE rec_cut AS FROM rec_cut0;;
CREATE OR REPLACE TEMP TABLE rec_asked_pairs AS SELECT * FROM (SELECT coalesce(p.item, c.item) AS item, coalesce(p.other, c.other) AS other, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
         FROM (SELECT item, other, n FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked)) p
         FULL JOIN (SELECT item, other, sum(n) AS n FROM (
                SELECT a AS item, b AS other, n FROM model_pair_changes WHERE project = {project} AND a IN (SELECT no FROM rec_asked)
                UNION ALL
                SELECT b, a, n FROM model_pair_changes WHERE project = {project} AND b IN (SELECT no FROM rec_asked))
             GROUP BY item, other) c ON c.item = p.item AND c.other = p.other
         WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0);;
CREATE OR REPLACE TEMP TABLE rec_asked_floor AS
                SELECT p.item, CASE WHEN count(*) >= 50 THEN min(CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT)) ELSE 0 END AS floor
                FROM rec_asked_pairs p JOIN (SELECT item, other FROM model_neighbours WHERE project = {project} AND item IN (SELECT no FROM rec_asked)) k ON k.item = p.item AND k.other = p.other
                JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
                GROUP BY p.item;;
UPDATE rec_cut SET floor = coalesce((SELECT f.floor FROM rec_asked_floor f WHERE f.item = rec_cut.no), 0) WHERE asked;;
CREATE OR REPLACE TEMP TABLE rec_cut_pairs AS
                SELECT least(p.item, p.other) AS a, greatest(p.item, p.other) AS b, p.n
                FROM rec_asked_pairs p JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
                WHERE (NOT rb.asked OR p.item < p.other) AND CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) >= least(ra.floor, rb.floor);;
SELECT count(*) FROM (FROM out1 EXCEPT FROM rec_cut_pairs) UNION ALL SELECT count(*) FROM (FROM rec_cut_pairs EXCEPT FROM out1);;
-- V3: V1 with the neighbours filtered first
CREATE OR REPLACE TEMP TABLE rec_cut AS FROM rec_cut0;;
CREATE OR REPLACE TEMP TABLE rec_asked_floor AS
                SELECT p.item, CASE WHEN count(*) >= 50 THEN min(CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT)) ELSE 0 END AS floor
                FROM (SELECT coalesce(p.item, c.item) AS item, coalesce(p.other, c.other) AS other, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
         FROM (SELECT item, other, n FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked)) p
         FULL JOIN (SELECT item, other, sum(n) AS n FROM (
                SELECT a AS item, b AS other, n FROM model_pair_changes WHERE project = {project} AND a IN (SELECT no FROM rec_asked)
                UNION ALL
                SELECT b, a, n FROM model_pair_changes WHERE project = {project} AND b IN (SELECT no FROM rec_asked))
             GROUP BY item, other) c ON c.item = p.item AND c.other = p.other
         WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0) p JOIN (SELECT item, other FROM model_neighbours WHERE project = {project} AND item IN (SELECT no FROM rec_asked)) k ON k.item = p.item AND k.other = p.other
                JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
                GROUP BY p.item;;

-- Twelfth session (docs/benchmarks.md section 8, "The erasure's recount in doubles"): V2's asked pairs again with the
-- changes' sums in INTEGER, as the code reads them since (against V2's HUGEINT sums above; the same rows), then the
-- cut's last statement three ways over them, each twice: F4 as of 444472d (the asked items' floors joined per pair,
-- the single-precision score), F2 (the floors written into the cut's table first: two joins), FD (F2 comparing n^2
-- with floor^2 * reach * reach in doubles, with the margin the code keeps). The last statement counts the rows F4 and
-- FD differ by (0, 0) and F4's rows.
SET dynamic_or_filter_threshold = 2000;;
CREATE OR REPLACE TEMP TABLE rec_asked_pairs AS SELECT * FROM (SELECT coalesce(p.item, c.item) AS item, coalesce(p.other, c.other) AS other, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
  FROM (SELECT item, other, n FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked)) p
  FULL JOIN (SELECT item, other, CAST(sum(n) AS INTEGER) AS n FROM (
      SELECT a AS item, b AS other, n FROM model_pair_changes WHERE project = {project} AND a IN (SELECT no FROM rec_asked)
      UNION ALL
      SELECT b, a, n FROM model_pair_changes WHERE project = {project} AND b IN (SELECT no FROM rec_asked))
    GROUP BY item, other) c ON c.item = p.item AND c.other = p.other
  WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0);;
RESET dynamic_or_filter_threshold;;
CREATE OR REPLACE TEMP TABLE rec_asked_floor AS
  SELECT p.item, CASE WHEN count(*) >= 50 THEN min(CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT)) ELSE 0 END AS floor
  FROM rec_asked_pairs p JOIN (SELECT item, other FROM model_neighbours WHERE project = {project} AND item IN (SELECT no FROM rec_asked)) k
    ON k.item = p.item AND k.other = p.other
  JOIN rec_cut0 ra ON ra.no = p.item JOIN rec_cut0 rb ON rb.no = p.other
  GROUP BY p.item;;
-- F4: the floors joined per pair
CREATE OR REPLACE TEMP TABLE out4 AS SELECT ra.no AS pa, rb.no AS pb, p.n
  FROM rec_asked_pairs p JOIN rec_cut0 ra ON ra.no = p.item JOIN rec_cut0 rb ON rb.no = p.other
  LEFT JOIN rec_asked_floor fa ON fa.item = p.item LEFT JOIN rec_asked_floor fb ON fb.item = p.other
  WHERE (NOT rb.asked OR p.item < p.other) AND CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) >= least(coalesce(fa.floor, 0), coalesce(rb.floor, fb.floor, 0));;
CREATE OR REPLACE TEMP TABLE out4 AS SELECT ra.no AS pa, rb.no AS pb, p.n
  FROM rec_asked_pairs p JOIN rec_cut0 ra ON ra.no = p.item JOIN rec_cut0 rb ON rb.no = p.other
  LEFT JOIN rec_asked_floor fa ON fa.item = p.item LEFT JOIN rec_asked_floor fb ON fb.item = p.other
  WHERE (NOT rb.asked OR p.item < p.other) AND CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) >= least(coalesce(fa.floor, 0), coalesce(rb.floor, fb.floor, 0));;
-- F2: the floors in rec_cut
CREATE OR REPLACE TEMP TABLE rec_cut AS SELECT c.no, c.n, c.asked, coalesce(c.floor, f.floor, 0) AS floor,
  CAST(coalesce(c.floor, f.floor, 0) AS DOUBLE) * CAST(coalesce(c.floor, f.floor, 0) AS DOUBLE) * (1 - 1e-6) AS floor2
  FROM rec_cut0 c LEFT JOIN rec_asked_floor f ON f.item = c.no;;
CREATE OR REPLACE TEMP TABLE out2 AS SELECT ra.no AS pa, rb.no AS pb, p.n
  FROM rec_asked_pairs p JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
  WHERE (NOT rb.asked OR p.item < p.other) AND CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) >= least(ra.floor, rb.floor);;
CREATE OR REPLACE TEMP TABLE out2 AS SELECT ra.no AS pa, rb.no AS pb, p.n
  FROM rec_asked_pairs p JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
  WHERE (NOT rb.asked OR p.item < p.other) AND CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) >= least(ra.floor, rb.floor);;
-- FD: F2 in doubles (the code's)
CREATE OR REPLACE TEMP TABLE outd AS SELECT ra.no AS pa, rb.no AS pb, p.n
  FROM rec_asked_pairs p JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
  WHERE (NOT rb.asked OR p.item < p.other) AND CAST(p.n AS DOUBLE) * p.n >= least(ra.floor2, rb.floor2) * ra.n * rb.n;;
CREATE OR REPLACE TEMP TABLE outd AS SELECT ra.no AS pa, rb.no AS pb, p.n
  FROM rec_asked_pairs p JOIN rec_cut ra ON ra.no = p.item JOIN rec_cut rb ON rb.no = p.other
  WHERE (NOT rb.asked OR p.item < p.other) AND CAST(p.n AS DOUBLE) * p.n >= least(ra.floor2, rb.floor2) * ra.n * rb.n;;
SELECT count(*) FROM (FROM out4 EXCEPT FROM outd) UNION ALL SELECT count(*) FROM (FROM outd EXCEPT FROM out4) UNION ALL SELECT count(*) FROM out4;;

-- Fourteenth session (docs/benchmarks.md section 8, "The cut read streamed"): the scan of the asked items' pairs alone (S)
-- and the same rows written into a table alone (W), beside the twelfth session's statements above (the rows with the
-- changes added into a table, the asked items' floors, the cut in doubles: the read as the code did it before f07258d).
SET dynamic_or_filter_threshold = 2000;;
-- S: the scan alone
SELECT 'SCAN', count(*), sum(n) FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked);;
SELECT 'SCAN', count(*), sum(n) FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked);;
SELECT 'SCANN2', count(*), sum(n) FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked) AND n >= 2;;
-- W: the rows written into a table, nothing added
CREATE OR REPLACE TEMP TABLE x1 AS SELECT item, other, n FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked);;
CREATE OR REPLACE TEMP TABLE x1 AS SELECT item, other, n FROM model_pairs_by_item WHERE project = {project} AND item IN (SELECT no FROM rec_asked);;
