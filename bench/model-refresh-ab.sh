#!/usr/bin/env bash
# Model refreshes under a steady load, builds alternated on fresh copies of an imported data folder (docs/benchmarks.md
# §8, "Co-visit counts kept between refreshes"). Per round and build: start; the first feed request (the first model
# build); LoadGen paced at RATE events/s for SECONDS while the background refresher runs (its default schedule); each
# refresh's duration from the server's debug log line; then the erasure of each of USERS (comma-separated user ids, one
# after another, each with its model recount; bench/sql/active-users.sql picks them); the server's RSS at the end and
# its peak (VmHWM).
#   bench/model-refresh-ab.sh DATA_DIR PROJECT_ID SECRET_KEY USERS RATE SECONDS ROUNDS SERVER_DIR...
# SERVER_DIR holds footfall.dll (a Release build of src/Footfall.Server); LoadGen must be built in Release.
set -euo pipefail
data=$1; project=$2; key=$3; users=$4; rate=$5; seconds=$6; rounds=$7; shift 7
port=${PORT:-27421}; url=http://127.0.0.1:$port; auth="Authorization: Bearer $key"
loadgen=$(cd "$(dirname "$0")" && pwd)/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll
scratch=$(mktemp -d "${SCRATCH:-/tmp}/model-refresh.XXXXXX"); server=
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"' EXIT
for round in $(seq 1 "$rounds"); do
  for dir in "$@"; do
    rm -rf "$scratch/data"; cp -a "$data" "$scratch/data"; rm -f "$scratch/data/footfall.lock"
    env Serilog__MinimumLevel__Override__Footfall.Recommendations.RecommendationModels=Debug \
      dotnet "$dir/footfall.dll" serve --urls $url --data "$scratch/data" >"$scratch/server.log" 2>&1 & server=$!
    until curl -sf $url/healthz >/dev/null; do sleep 0.1; done
    echo "== round $round $dir (load $(cut -d' ' -f1 /proc/loadavg))"
    echo "first feed request (the first model build): $(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "$auth" $url/v1/recommendations/trending) s"
    dotnet "$loadgen" $url "$project" --seconds "$seconds" --rate "$rate" --batch 10 --connections 4 --path /v1/events | tail -1
    # Refreshes after the first build: each one's duration, in the order they ran.
    refreshes=$(grep "recommendations of \"*$project" "$scratch/server.log" | grep -o 'items in [0-9.]* ms' | awk '{print $3}' | tail -n +2)
    echo "refreshes during the load (ms): $(echo $refreshes | tr ' ' ',') median $(echo "$refreshes" | sort -n | awk '{t[NR]=$1} END {if (NR) print t[int((NR+1)/2)]; else print "-"}')"
    for user in ${users//,/ }; do
      echo "erase $user: $(curl -s -w '%{http_code} %{time_total} s' -X DELETE -H "$auth" "$url/v1/people?userId=$user")"
    done
    echo "server: $(grep VmRSS /proc/$server/status | tr -s ' ') $(grep VmHWM /proc/$server/status | tr -s ' '); load $(cut -d' ' -f1 /proc/loadavg)"
    kill $server; wait $server 2>/dev/null || true; server=
  done
done
