-- User ids of an imported folder ranked by their product touches in the last {days} days (bench/model-refresh-ab.sh's
-- USER): the 1st, 100th, 1,000th, 2,000th, 10,000th and 100,000th most active, with their touches.
SELECT key, n, r FROM (
  SELECT i.key, count(*) AS n, row_number() OVER (ORDER BY count(*) DESC, i.key) AS r
  FROM product_touches t JOIN idents i ON i.id = t.ident
  WHERE i.key LIKE 'u:%' AND t.time >= now() - INTERVAL {days} DAY GROUP BY i.key)
WHERE r IN (1, 100, 1000, 2000, 10000, 100000) ORDER BY r;;
