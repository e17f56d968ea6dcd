#!/usr/bin/env bash
# Start to /healthz and the idle server's memory on a big folder, two builds alternated (docs/benchmarks.md §8, the
# identity index). Each round serves a fresh copy of each build's folder (already upgraded by that build, e.g. the bases
# bench/identity-import-ab.sh leaves), times start -> /healthz 200, then reads VmRSS and VmHWM 30 s later (the build
# before the index loads its identifier hashes beside start-up).
# usage: bench/identity-restart-ab.sh ROUNDS A_DLL A_FOLDER B_DLL B_FOLDER
set -euo pipefail
rounds=$1; shift
port=${PORT:-27263}; url=http://127.0.0.1:$port
scratch=$(mktemp -d /tmp/identity-restart.XXXXXX); server=
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"' EXIT
for round in $(seq "$rounds"); do
  set -- "$@"
  for pair in "A $1 $2" "B $3 $4"; do
    read -r name dll folder <<< "$pair"
    rm -rf "$scratch/data"; cp -a "$folder" "$scratch/data"; rm -f "$scratch/data/footfall.lock"
    t0=$(date +%s.%N)
    dotnet "$dll" serve --urls $url --data "$scratch/data" > "$scratch/server.log" 2>&1 &
    server=$!
    until curl -sf $url/healthz > /dev/null; do sleep 0.02; done
    t1=$(date +%s.%N)
    sleep 30
    memory=$(grep -E 'VmRSS|VmHWM' /proc/$server/status | tr -s ' ' | tr '\n' ' ')
    kill $server; wait $server 2>/dev/null || true; server=
    echo "round $round $name: start->healthz $(echo "$t1 - $t0" | bc) s; 30 s later $memory; load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
