#!/usr/bin/env bash
# Ingest rate and restart time at size (issue 09's growth table, docs/benchmarks.md §8). Data folders imported with
# `footfall import` (bench/README.md), taken in alternated rounds (A B A B ...) so all see the same machine load. Per
# round and folder, on a scratch copy (the load adds events, which would grow the next round's folder):
#   start a server, time start -> /healthz 200 (cold start); LoadGen durable /v1/events for SECONDS (the acknowledged
#   rate); time until the applier has caught up (the applied rate: acknowledged events / (load + catch-up time));
#   kill -9, start again, time -> /healthz 200 (restart after a crash). With it, the CPU time the two RocksDB indexes
#   (idempotency keys, identities) spent compacting while the server ran, from their LOGs' compaction events.
#   bench/growth-ingest.sh SERVER_DIR ROUNDS SECONDS DATA_DIR=PROJECT_ID...
# SERVER_DIR holds footfall.dll (a Release build of src/Footfall.Server); LoadGen must be built in Release.
set -euo pipefail
server_dir=$1; rounds=$2; seconds=$3; shift 3
port=${PORT:-27195}; url=http://127.0.0.1:$port
loadgen=$(cd "$(dirname "$0")" && pwd)/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll
scratch=$(mktemp -d "${SCRATCH:-/tmp}/growth-ingest.XXXXXX"); server=
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"' EXIT
now() { date +%s.%N; }
serve() {
  dotnet "$server_dir/footfall.dll" serve --urls $url --data "$scratch/data" >>"$scratch/server.log" 2>&1 &
  server=$!
  until curl -sf $url/healthz >/dev/null; do sleep 0.02; done
}
metric() { curl -s $url/metrics | awk -v m="$1" '$1 ~ "^"m {s+=$2} END {printf "%d", s}'; }
for round in $(seq 1 "$rounds"); do
  for pair in "$@"; do
    data=${pair%=*}; project=${pair##*=}
    rm -rf "$scratch/data"
    # The copy grows under the load (WAL, spills): a full disk would stall the run (and the machine) instead of timing it.
    need=$(du -sk "$data" | cut -f1); free=$(df -k --output=avail "$scratch" | tail -1)
    if [ $((need * 3 / 2)) -gt "$free" ]; then echo "not enough free space in $scratch for a copy of $data" >&2; exit 2; fi
    cp -a "$data" "$scratch/data"; rm -f "$scratch/data/server.log"
    t0=$(now); serve; t1=$(now)
    applied0=$(metric footfall_apply_events_total)
    load=$(dotnet "$loadgen" $url "$project" --seconds "$seconds" --batch 50 --connections 32 --path /v1/events)
    t2=$(now)
    while [ "$(metric footfall_apply_lag_bytes)" != 0 ]; do sleep 0.05; done
    t3=$(now); applied=$(( $(metric footfall_apply_events_total) - applied0 ))
    rss=$(grep VmHWM /proc/$server/status | tr -s ' ')
    compaction=$(for index in keys footfall.duckdb.identities; do
      { grep -o '"compaction_time_cpu_micros": [0-9]*' "$scratch/data/$index/LOG" || true; } | awk -v i=$index '{s+=$2} END {printf "%s %.1f s ", i, s/1e6}'; done)
    kill -9 $server; wait $server 2>/dev/null || true
    t4=$(now); serve; t5=$(now)
    kill $server; wait $server 2>/dev/null || true; server=
    echo "round $round $data: start->healthz $(echo "$t1 - $t0" | bc) s;" \
      "$(echo "$load" | grep -o 'events/s=[0-9]* p50_ms=[0-9.]* p99_ms=[0-9.]*' || echo "$load" | tail -1);" \
      "applied $applied in $(echo "$t3 - $t1" | bc) s = $(echo "$applied / ($t3 - $t1)" | bc) events/s (caught up $(echo "$t3 - $t2" | bc) s after the load);" \
      "$rss; compaction CPU ${compaction% }; kill -9 -> healthz $(echo "$t5 - $t4" | bc) s; load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
