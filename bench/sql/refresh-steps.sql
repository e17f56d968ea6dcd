-- A model refresh's SQL (DuckDbEventStore.ReadItemWindowAsync), one step at a time, on a copy of a data folder's
-- file: docs/benchmarks.md section 8, "The refresh's steps at 100M". The window is the last {days} days (90) of
-- project {project} (1). Item numbers come from a temp table here instead of the $order list parameter.
SET memory_limit = '512MB';;
SET threads = 2;;
CREATE TEMP TABLE o AS SELECT item, row_number() OVER (ORDER BY min(CAST(epoch_us(time) AS HUGEINT) * 18446744073709551616 + seq)) AS no
FROM product_touches WHERE project = {project} AND time >= now() - INTERVAL {days} DAY GROUP BY item;;
CREATE TEMP TABLE rec_vt AS SELECT coalesce(m.person, t.ident) AS person, coalesce(t.session, epoch_us(t.time) // 86400000000 + 719162) AS visit,
  o.no AS item, max(CAST(epoch_us(time) AS HUGEINT) * 18446744073709551616 + seq) AS newest
FROM product_touches t LEFT JOIN (FROM idents WHERE person <> id) m ON m.id = t.ident JOIN o ON o.item = t.item
WHERE t.project = {project} AND t.time >= now() - INTERVAL {days} DAY AND t.action IN ('product_view', 'add_to_cart', 'product_purchase')
GROUP BY ALL;;
CREATE TEMP TABLE rec_big AS SELECT person, visit FROM rec_vt GROUP BY ALL HAVING count(*) > 20;;
CREATE TEMP TABLE rec_vi AS SELECT person, visit, item FROM rec_vt ANTI JOIN rec_big USING (person, visit);;
INSERT INTO rec_vi SELECT person, visit, item FROM (SELECT * FROM rec_vt WHERE (person, visit) IN (SELECT (person, visit) FROM rec_big))
QUALIFY row_number() OVER (PARTITION BY person, visit ORDER BY newest DESC) <= 20;;
SELECT count(*) AS visit_items, count(DISTINCT (person, visit)) AS visits FROM rec_vi;;
SELECT n AS items_in_visit, count(*) AS visits FROM (SELECT person, visit, count(*) n FROM rec_vi GROUP BY ALL) GROUP BY n ORDER BY n;;
CREATE TEMP TABLE rec_pairs AS SELECT a.item AS a, b.item AS b, count(*) AS n
FROM rec_vi a JOIN rec_vi b ON a.person = b.person AND a.visit = b.visit AND a.item < b.item GROUP BY ALL;;
SELECT count(*) AS pairs FROM rec_pairs;;
CREATE TEMP TABLE ranked AS WITH reach AS (SELECT item, count(*) AS n FROM rec_vi GROUP BY item),
scored AS (SELECT p.a, p.b, CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) AS s FROM rec_pairs p JOIN reach ra ON ra.item = p.a JOIN reach rb ON rb.item = p.b)
SELECT item, other, s, row_number() OVER (PARTITION BY item ORDER BY s DESC, other) AS r
FROM (SELECT a AS item, b AS other, s FROM scored UNION ALL SELECT b, a, s FROM scored) QUALIFY r <= 50
