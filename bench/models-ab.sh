#!/usr/bin/env bash
# Recommendation models, builds alternated on fresh copies of an imported data folder (docs/benchmarks.md §8, "Models
# from the store"): start to /healthz (migrations and their back-fills), model refresh (the first feed request waits
# for it), every feed's p50 / p99 over distinct persons and items (each a store read for the models that read persons
# on demand), the erasure of one person, and the server's RSS after the feeds (VmRSS) and at its peak (VmHWM).
#   bench/models-ab.sh DATA_DIR SECRET_KEY USERS_FILE ITEMS_FILE ROUNDS DLL...
# Each DLL argument may carry server options after the path ("A/footfall.dll --duckdb-memory 512MB"): it is split on
# spaces, so a path must not hold one.
# USERS_FILE / ITEMS_FILE: user ids / product ids with touches in the window, one a line (100 of each); the first user
# is the one erased.
set -euo pipefail
data=$1; key=$2; users=$3; items=$4; rounds=$5; shift 5
port=${PORT:-27419}; url=http://127.0.0.1:$port; auth="Authorization: Bearer $key"
# stats: reads seconds, one a line; prints p50 and p99 in ms (p99 = the largest of fewer than 100).
stats() { sort -n | awk '{t[NR]=$1*1000} END {i=int(NR*0.99); if (i<1) i=1; printf "p50 %.1f p99 %.1f ms (%d)", t[int(NR/2)+1], t[i], NR}'; }
get() { curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$url$1"; }
for round in $(seq 1 "$rounds"); do
  for dll in "$@"; do
    copy=$(mktemp -d /tmp/models-ab.XXXXXX); cp -r "$data/." "$copy/"; rm -f "$copy/footfall.lock"
    started=$(date +%s.%N)
    read -r -a build <<<"$dll"
    dotnet "${build[0]}" serve --urls $url --data "$copy" "${build[@]:1}" >"$copy/server.log" 2>&1 & server=$!
    until curl -sf $url/healthz >/dev/null; do sleep 0.2; done
    healthz=$(echo "$(date +%s.%N) - $started" | bc)
    echo "== round $round $dll (load $(cut -d' ' -f1 /proc/loadavg)): healthz after ${healthz}s"
    echo "model refresh (first feed request): $(get /v1/recommendations/trending) s"
    echo "trending 24h: $(for i in $(seq 100); do get /v1/recommendations/trending; done | stats)"
    echo "trending 24h, first request of each of 50 categories: $(for i in $(seq 0 49); do get "/v1/recommendations/trending?category=c$i"; done | stats)"
    echo "trending hours 1..100: $(for i in $(seq 100); do get "/v1/recommendations/trending?hours=$i"; done | stats)"
    for feed in recently-viewed repeat-purchase personal; do
      echo "$feed: $(while read -r u; do get "/v1/recommendations/$feed?userId=$u"; done <"$users" | stats)"
    done
    echo "also-viewed: $(while read -r i; do get "/v1/recommendations/also-viewed?item=$i"; done <"$items" | stats)"
    echo "server after feeds: $(grep VmRSS /proc/$server/status | tr -s ' ') $(grep VmHWM /proc/$server/status | tr -s ' ')"
    user=$(head -1 "$users")
    echo "erase $user: $(curl -s -w '%{http_code} %{time_total} s' -X DELETE -H "$auth" "$url/v1/people?userId=$user")"
    echo "server at end: $(grep VmRSS /proc/$server/status | tr -s ' ') $(grep VmHWM /proc/$server/status | tr -s ' '); load $(cut -d' ' -f1 /proc/loadavg)"
    kill $server; wait $server 2>/dev/null || true; rm -rf "$copy"
  done
done
