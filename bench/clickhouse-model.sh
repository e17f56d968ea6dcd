#!/usr/bin/env bash
# A ClickHouse node's recommendation model (docs/benchmarks.md §14, "Found: a ClickHouse node's recommendation model"):
# starts a node on a scratch folder, times its first trending request (which builds the project's model; builds before
# schema 7 refuse it past Footfall:ClickHouseMaxInteractions), then prints the node's RSS every 20 s for a minute, the
# background refresh running as configured.
#   bench/clickhouse-model.sh SERVER_DIR CONNECTION_STRING SECRET_KEY [ENV=VALUE ...]
# e.g. bench/clickhouse-model.sh src/Footfall.Server/bin/Release/net10.0 "Host=127.0.0.1;Port=18123;Database=ch10m" KEY \
#        Recommendations__HistoryDays=14 Footfall__ClickHouseMaxInteractions=1000000
set -euo pipefail
server_dir=$1; connection=$2; key=$3; shift 3
port=${PORT:-28089}; url=http://127.0.0.1:$port; data=$(mktemp -d)
env "$@" dotnet "$server_dir/footfall.dll" serve --urls "$url" --data "$data" --store clickhouse --clickhouse "$connection" >"$data/server.log" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null; wait $node 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "$url/healthz" >/dev/null; do sleep 0.2; done
echo "$*: first trending $(curl -s -o "$data/answer" -w '%{http_code} in %{time_total} s' -H "Authorization: Bearer $key" "$url/v1/recommendations/trending")" \
  "$(head -c 200 "$data/answer")"
for t in 0 20 40 60; do
  [ "$t" = 0 ] || sleep 20
  echo "  +$t s: RSS $(($(awk '/VmRSS/ {print $2}' /proc/$node/status) / 1024)) MB, peak $(($(awk '/VmHWM/ {print $2}' /proc/$node/status) / 1024)) MB, /healthz $(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")"
done
