#!/usr/bin/env bash
# The personal feed's latency on a ClickHouse-mode node (docs/benchmarks.md §14, "Recommendation models computed in
# ClickHouse"): starts a node of SERVER_DIR on DATABASE (refresh off), builds the model with one trending request, then
# asks the personal feed once for each user of USERS_FILE (one id a line) and prints p50 and max. Alternate two builds.
#   bench/clickhouse-feed-latency.sh SERVER_DIR PORT SECRET_KEY DATABASE USERS_FILE
set -euo pipefail
dir=$1; port=$2; key=$3; db=$4; users=$5; data=$(mktemp -d)
Recommendations__RefreshSeconds=0 dotnet "$dir/footfall.dll" serve --urls "http://127.0.0.1:$port" --data "$data" --store clickhouse \
  --clickhouse "Host=127.0.0.1;Port=18123;Database=$db" >"$data/server.log" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null; wait $node 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
auth="Authorization: Bearer $key"
curl -s -o /dev/null -H "$auth" "http://127.0.0.1:$port/v1/recommendations/trending"
while read -r u; do curl -s -o /dev/null -w "%{time_total}\n" -H "$auth" "http://127.0.0.1:$port/v1/recommendations/personal?userId=$u"; done <"$users" |
  sort -n | awk -v d="$dir" '{a[NR]=$1} END {print d, "personal,", NR, "requests: p50", a[int(NR/2)+1]*1000, "ms, max", a[NR]*1000, "ms"}'
