#!/bin/bash
# The growth table's DuckDB rows on one data folder, in place (docs/benchmarks.md §8, "on a quiet box"):
# start -> /healthz, bench/memory-and-latency.sh (results, feeds, refresh, erasure, RSS), the shutdown with the erasure's
# compaction, restart and kill -9 -> /healthz. Run it on a copy: the erasure changes the folder.
#   bench/growth-table.sh SERVER_DIR DATA_DIR SECRET_KEY LABEL   (Footfall__DuckDbMemory=2GB to set the buffer)
set -u
srv=$1; data=$2; key=$3; label=$4; port=${PORT:-27501}; url=http://127.0.0.1:$port
now() { date +%s.%N; }
echo "== $label $(date +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) file $(( $(stat -c %s $data/footfall.duckdb) / 1048576 )) MB"
t0=$(now); dotnet $srv/footfall.dll serve --urls $url --data $data > $data/first.log 2>&1 & s=$!
until curl -sf $url/healthz >/dev/null; do sleep 0.05; done; t1=$(now)
echo "start->healthz $(echo "$t1 - $t0" | bc) s; RSS $(grep VmRSS /proc/$s/status | tr -s ' ')"
kill $s; wait $s
t0=$(now); bash "$(dirname "$0")/memory-and-latency.sh" $srv $data $key $port; t1=$(now)
echo "memory-and-latency incl. shutdown $(echo "$t1 - $t0" | bc) s; $(grep -o 'Rewrote.*' $data/server.log)"
t0=$(now); dotnet $srv/footfall.dll serve --urls $url --data $data > $data/restart.log 2>&1 & s=$!
until curl -sf $url/healthz >/dev/null; do sleep 0.05; done; t1=$(now)
echo "restart->healthz $(echo "$t1 - $t0" | bc) s"
kill -9 $s; wait $s 2>/dev/null
t0=$(now); dotnet $srv/footfall.dll serve --urls $url --data $data > $data/kill9.log 2>&1 & s=$!
until curl -sf $url/healthz >/dev/null; do sleep 0.05; done; t1=$(now)
echo "kill -9 -> healthz $(echo "$t1 - $t0" | bc) s; load $(cut -d' ' -f1 /proc/loadavg)"
kill $s; wait $s
