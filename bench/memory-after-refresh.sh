#!/usr/bin/env bash
# Where a big folder's server memory goes after a model build (docs/benchmarks.md §8, "Where the memory goes at
# 100M"): start, results of exp-1..4 (saved before, e.g. by memory-and-latency.sh), the first feed request (the model
# build), the first feed read of each person in USERS_FILE; then VmRSS, again 20 s and 60 s later, smaps_rollup,
# 5 s of dotnet-counters (GC heap sizes) and a dotnet-gcdump report (live objects). Nothing is erased or ingested.
#   bench/memory-after-refresh.sh SERVER_DIR DATA_DIR SECRET_KEY USERS_FILE [ENV=VALUE...]
# ENV=VALUE pairs go to the server's environment (e.g. DOTNET_gcServer=0). Needs dotnet-counters and dotnet-gcdump.
set -euo pipefail
server_dir=$1; data=$2; key=$3; users=$4; shift 4; port=${PORT:-27198}; url=http://127.0.0.1:$port; auth="Authorization: Bearer $key"
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null' EXIT
env "$@" dotnet "$server_dir/footfall.dll" serve --urls $url --data "$data" >"$data/server.log" 2>&1 &
server=$!
until curl -sf $url/healthz >/dev/null; do sleep 0.1; done
for e in 1 2 3 4; do curl -s -o /dev/null -H "$auth" $url/v1/experiences/exp-$e/results; done
echo "after results: $(grep VmRSS /proc/$server/status | tr -s ' ')"
echo "model build: $(curl -s -o /dev/null -w '%{time_total}' -H "$auth" $url/v1/recommendations/trending) s"
while read -r u; do curl -s -o /dev/null -H "$auth" "$url/v1/recommendations/recently-viewed?userId=$u"; done <"$users"
echo "after the feeds: $(grep -E 'VmRSS|VmHWM' /proc/$server/status | tr -s ' ' | tr '\n' ' ')"
sleep 20; echo "+20 s: $(grep VmRSS /proc/$server/status | tr -s ' ')"
sleep 40; echo "+60 s: $(grep VmRSS /proc/$server/status | tr -s ' ')"
grep -E "Rss|Anonymous|Pss_File" /proc/$server/smaps_rollup | tr -s ' ' | tr '\n' ' '; echo
counters=$(mktemp); dump=$(mktemp -u).gcdump
timeout 20 ~/.dotnet/tools/dotnet-counters collect -p $server --counters System.Runtime --format csv -o "$counters" --duration 00:00:00:05 >/dev/null 2>&1 || true
awk -F, '{print $3","$5}' "$counters" | sort -u -t, -k1,1 | grep -E "committed_size|heap.size|working_set" || true
timeout 120 ~/.dotnet/tools/dotnet-gcdump collect -p $server -o "$dump" >/dev/null 2>&1 && ~/.dotnet/tools/dotnet-gcdump report "$dump" 2>/dev/null | head -12
rm -f "$counters" "$dump"
