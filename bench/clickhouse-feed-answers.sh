#!/usr/bin/env bash
# Every feed's answer for fixed items and persons of a ClickHouse-mode node, responseIds removed, one line each: run it
# against two builds on the same database and diff the outputs (docs/benchmarks.md §14, "Recommendation models computed
# in ClickHouse"). The lists are the database's 10 most viewed items, 10 users who viewed and 10 guests who bought.
#   bench/clickhouse-feed-answers.sh NODE_URL SECRET_KEY CLICKHOUSE_HTTP_URL DATABASE > answers.txt
set -euo pipefail
url=$1; key=$2; ch=$3; db=$4
q() { curl -sf "$ch/?database=$db" --data-binary "$1"; }
get() { curl -sf -H "Authorization: Bearer $key" "$url/v1/recommendations/$1" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("responseId",None); print(json.dumps(d,sort_keys=True))'; }
for i in $(q "SELECT visitParamExtractString(target, 'product') AS item FROM events WHERE action = 'product_view' GROUP BY item ORDER BY count() DESC, item LIMIT 10"); do echo "also-viewed $i $(get "also-viewed?item=$i")"; done
for u in $(q "SELECT DISTINCT user_id FROM events WHERE isNotNull(user_id) AND action = 'product_view' ORDER BY user_id LIMIT 10"); do
  echo "personal $u $(get "personal?userId=$u")"; echo "recent $u $(get "recently-viewed?userId=$u")"; done
for g in $(q "SELECT DISTINCT guest_id FROM events WHERE isNotNull(guest_id) AND action = 'product_purchase' ORDER BY guest_id LIMIT 10"); do
  echo "personal $g $(get "personal?guestId=$g")"; echo "repeat $g $(get "repeat-purchase?guestId=$g")"; done
echo "trending $(get "trending?hours=168")"
