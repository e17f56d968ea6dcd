#!/usr/bin/env bash
# kill -9 -> /healthz on a big folder (docs/benchmarks.md §8, "Restart after kill -9 at 100M"). Serves DATA_DIR in
# place (use a scratch copy: the load adds events), runs LoadGen for SECONDS, waits until the applier has caught up
# (unless KILL_EARLY=1: then the kill lands while it applies, with DuckDB's WAL and the identity index behind), kills
# the server with SIGKILL, starts it again and times start -> /healthz 200. The restart's log, each line stamped with
# the wall clock in ms, is left in DATA_DIR/restart.log (what each start-up step took). It also prints the applied rate
# (events applied / (load + catch-up)). FEED_KEY=SECRET asks for a feed first, so a model build runs beside the load
# and the kill.
#   [KILL_EARLY=1] [FEED_KEY=SECRET] bench/restart-after-kill.sh SERVER_DIR DATA_DIR PROJECT_ID SECONDS
set -euo pipefail
server_dir=$1; data=$2; project=$3; seconds=$4; port=${PORT:-27199}; url=http://127.0.0.1:$port
loadgen=$(cd "$(dirname "$0")" && pwd)/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll
metric() { curl -s $url/metrics | awk -v m="$1" '$1 ~ "^"m {s+=$2} END {printf "%d", s}'; }
stamp() { while IFS= read -r line; do echo "$(date +%T.%3N) $line"; done; }
server=
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; wait 2>/dev/null' EXIT
dotnet "$server_dir/footfall.dll" serve --urls $url --data "$data" > >(stamp >"$data/load.log") 2>&1 &
server=$!
until curl -sf $url/healthz >/dev/null; do sleep 0.05; done
[ -n "${FEED_KEY:-}" ] && { curl -s -o /dev/null -H "Authorization: Bearer $FEED_KEY" $url/v1/recommendations/trending & sleep 2; }
applied0=$(metric footfall_apply_events_total); t_load=$(date +%s.%N)
dotnet "$loadgen" $url "$project" --seconds "$seconds" --batch 50 --connections 32 --path /v1/events | tail -1
if [ -z "${KILL_EARLY:-}" ]; then
  while [ "$(metric footfall_apply_lag_bytes)" != 0 ]; do sleep 0.05; done
  applied=$(( $(metric footfall_apply_events_total) - applied0 )); t_applied=$(date +%s.%N)
  echo "applied $applied in $(echo "$t_applied - $t_load" | bc) s = $(echo "$applied / ($t_applied - $t_load)" | bc) events/s"
fi
kill -9 $server; wait $server 2>/dev/null || true
t0=$(date +%s.%N)
dotnet "$server_dir/footfall.dll" serve --urls $url --data "$data" > >(stamp >"$data/restart.log") 2>&1 &
server=$!
until curl -sf $url/healthz >/dev/null; do sleep 0.02; done
t1=$(date +%s.%N)
echo "kill -9 -> /healthz $(echo "$t1 - $t0" | bc) s; load $(cut -d' ' -f1 /proc/loadavg)"
kill $server; wait $server 2>/dev/null || true; server=
