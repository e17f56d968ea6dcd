#!/usr/bin/env bash
# Log-first ingest: durable (/v1/events, acknowledged on the log) against parse-only (/v1/events/validate), A B A B,
# then the applier: its lag when the load stops, how long it takes to catch up (applied events/s), the SIGTERM
# drain, and the restart time on the data the run left.   bench/log-first.sh [ROUNDS] [SECONDS]
# FOOTFALL_DLL=path/to/footfall.dll runs another build (e.g. a copy of main's) instead of building this tree's.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}; seconds=${2:-10}; port=${PORT:-5191}
data=$(mktemp -d)
dll=${FOOTFALL_DLL:-src/Footfall.Server/bin/Release/net10.0/footfall.dll}
[ -n "${FOOTFALL_DLL:-}" ] || dotnet build -c Release src/Footfall.Server >/dev/null
dotnet build -c Release bench/Footfall.LoadGen >/dev/null
serve() { dotnet "$dll" serve --urls http://127.0.0.1:$port --data "$data" >>"$data/server.log" 2>&1 & server=$!; }
healthy() { until curl -sf http://127.0.0.1:$port/healthz >/dev/null; do sleep 0.05; done; }
metric() { curl -s http://127.0.0.1:$port/metrics | awk -v m="$1" '$1 ~ "^"m {s+=$2} END {printf "%d", s}'; }
serve
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
healthy
project=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['id'])" "$data/default-project.json")
load() { dotnet bench/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll http://127.0.0.1:$port "$project" --seconds "$seconds" "$@"; }
for round in $(seq 1 "$rounds"); do
  load --batch 50 --connections 32 --path /v1/events/validate
  applied0=$(metric footfall_apply_events_total); t0=$(date +%s.%N)
  load --batch 50 --connections 32 --path /v1/events
  lag=$(metric footfall_apply_lag_bytes); t1=$(date +%s.%N)
  while [ "$(metric footfall_apply_lag_bytes)" != 0 ]; do sleep 0.05; done
  t2=$(date +%s.%N); applied1=$(metric footfall_apply_events_total)
  echo "applier: $lag bytes behind when the load stopped, caught up $(echo "$t2 - $t1" | bc) s later;" \
       "$((applied1 - applied0)) events applied in $(echo "$t2 - $t0" | bc) s"
  load --batch 1 --connections 64 --path /v1/events/validate
  load --batch 1 --connections 64 --path /v1/events
done
while [ "$(metric footfall_apply_lag_bytes)" != 0 ]; do sleep 0.05; done
stored=$(metric footfall_apply_events_total)
echo "events stored: $stored; server peak RSS: $(grep VmHWM /proc/$server/status)"
t0=$(date +%s.%N); kill -TERM $server; wait $server || true; t1=$(date +%s.%N)
echo "SIGTERM drain + exit: $(echo "$t1 - $t0" | bc) s; log after: $(ls -l "$data/log" | tail -n +2)"
t0=$(date +%s.%N); serve; healthy; t1=$(date +%s.%N)
echo "restart to healthy on $stored events: $(echo "$t1 - $t0" | bc) s"
