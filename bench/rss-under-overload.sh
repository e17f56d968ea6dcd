#!/usr/bin/env bash
# The server's memory under a sustained overload (docs/benchmarks.md section 8, "The ingest ratio in a later session"):
# on a copy of DATA_DIR, LoadGen for SECONDS (acknowledged about twice as fast as applied, so the log's backlog grows),
# then the applier's catch-up; every 5 s VmRSS / RssAnon / RssFile and the backlog, the .NET GC's figures from
# dotnet-counters (`dotnet tool install -g dotnet-counters`) into OUT/counters.csv, the peak and `pmap -x` at the end.
#   bench/rss-under-overload.sh SERVER_DIR DATA_DIR PROJECT_ID SECONDS OUT_DIR [ENV=VALUE...]
# ENV=VALUE pairs go to the server's environment (e.g. MALLOC_ARENA_MAX=2, DOTNET_gcServer=0).
set -euo pipefail
build=$1; data=$2; project=$3; seconds=$4; out=$5; shift 5; url=http://127.0.0.1:${PORT:-27303}
mkdir -p "$out"
loadgen=$(cd "$(dirname "$0")" && pwd)/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll
copy=$(mktemp -d "${SCRATCH:-/tmp}/rss.XXXXXX"); server=
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; wait 2>/dev/null; rm -rf "$copy"' EXIT
cp -a "$data" "$copy/data"
env "$@" dotnet $build/footfall.dll serve --urls $url --data "$copy/data" >"$copy/server.log" 2>&1 & server=$!
until curl -sf $url/healthz >/dev/null; do sleep 0.1; done
~/.dotnet/tools/dotnet-counters collect --process-id $server --format csv -o "$out/counters.csv" --refresh-interval 5 --counters System.Runtime >/dev/null 2>&1 &
counters=$!
metric() { curl -s $url/metrics | awk -v m="$1" '$1 ~ "^"m {s+=$2} END {printf "%d", s}'; }
dotnet "$loadgen" $url "$project" --seconds "$seconds" --batch 50 --connections 32 --path /v1/events > $copy/load.txt &
load=$!
while kill -0 $load 2>/dev/null || [ "$(metric footfall_apply_lag_bytes)" != 0 ]; do
  echo "$(date -u +%H:%M:%S) $(grep -E 'VmRSS|RssAnon|RssFile' /proc/$server/status | tr -s ' \t' ' ' | paste -sd' ') lag $(metric footfall_apply_lag_bytes)"
  sleep 5
done
grep -o 'events/s=[0-9]*' $copy/load.txt
grep VmHWM /proc/$server/status
pmap -x $server > "$out/pmap.txt"
kill $counters
