-- What an erasure's exact co-visit recount (DuckDbEventStore.ReadCoVisitsAsync) reads for the items identifier
-- {ident} touched in the last {days} days: the visits holding them (rec_v), then every item of those visits (rec_vt).
-- docs/benchmarks.md section 8, "The store's part of an erasure at 100M" (the models' part).
SET memory_limit = '512MB';;
CREATE TEMP TABLE items AS SELECT DISTINCT item FROM product_touches
WHERE ident = {ident} AND action IN ('product_view', 'add_to_cart', 'product_purchase') AND time >= now() - INTERVAL {days} DAY;;
SELECT count(*) AS items_touched FROM items;;
CREATE TEMP TABLE rec_v AS SELECT DISTINCT person, visit FROM (
  SELECT coalesce(m.person, t.ident) AS person, t.item, coalesce(t.session, epoch_us(t.time) // 86400000000 + 719162) AS visit
  FROM product_touches t LEFT JOIN (FROM idents WHERE person <> id) m ON m.id = t.ident
  WHERE t.project = {project} AND t.time >= now() - INTERVAL {days} DAY AND t.action IN ('product_view', 'add_to_cart', 'product_purchase'))
WHERE item IN (SELECT item FROM items);;
SELECT count(*) AS visits, count(DISTINCT person) AS persons FROM rec_v;;
CREATE TEMP TABLE rec_vt AS SELECT person, visit, item, max(CAST(epoch_us(time) AS HUGEINT) * 18446744073709551616 + seq) AS newest FROM (
  SELECT coalesce(m.person, t.ident) AS person, t.item, t.time, t.seq, coalesce(t.session, epoch_us(t.time) // 86400000000 + 719162) AS visit
  FROM product_touches t LEFT JOIN (FROM idents WHERE person <> id) m ON m.id = t.ident
  WHERE t.project = {project} AND t.time >= now() - INTERVAL {days} DAY AND t.action IN ('product_view', 'add_to_cart', 'product_purchase'))
SEMI JOIN rec_v USING (person, visit) GROUP BY ALL
