#!/usr/bin/env bash
# Experience results over HTTP, start to /healthz and RSS of two server builds on copies of imported data folders,
# alternated round by round (docs/benchmarks.md §8, "Results over HTTP").
#   bench/results-ab.sh ROUNDS KEY BEFORE_DIR BEFORE_DATA AFTER_DIR AFTER_DATA [serve args...]
# *_DIR hold footfall.dll (Release builds); *_DATA are folders each build has opened once (migrated, experiences
# exp-1..exp-4 defined as bench/README.md says). Each round copies the folder, starts the server, times /healthz,
# exp-1 (2 variants) and exp-2 (3 variants) results 30 times each, the experience list and exp-1's timeline 10 times.
set -euo pipefail
rounds=$1; key=$2; shift 2
builds=("$1" "$3"); datas=("$2" "$4"); shift 4
port=${PORT:-27391}; url=http://127.0.0.1:$port; auth="Authorization: Bearer $key"; work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
time_it() {
  for i in $(seq 1 "$2"); do curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$1"; done | sort -n |
    awk '{t[NR]=$1*1000} END {i=int(NR*0.99); if (i<1) i=1; printf "%.1f/%.1f", t[int(NR/2)+1], t[i]}'
}
echo "round build load healthz_s results_exp1_p50/p99_ms results_exp2_p50/p99_ms list_p50/p99_ms timeline_p50/p99_ms rss_mb"
for r in $(seq 1 "$rounds"); do
  for b in 0 1; do
    rm -rf "$work/data"; cp -r "${datas[$b]}" "$work/data"; rm -f "$work/data/footfall.lock"
    load=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    dotnet "${builds[$b]}/footfall.dll" serve --urls $url --data "$work/data" "$@" >"$work/server.log" 2>&1 &
    server=$!
    until curl -sf $url/healthz >/dev/null; do sleep 0.05; done
    healthz=$(echo "$(date +%s.%N) - $start" | bc)
    curl -s -o /dev/null -H "$auth" $url/v1/experiences/exp-1/results   # the first read opens DuckDB's buffers
    e1=$(time_it $url/v1/experiences/exp-1/results 30)
    e2=$(time_it $url/v1/experiences/exp-2/results 30)
    list=$(time_it $url/v1/experiences 10)
    timeline=$(time_it $url/v1/experiences/exp-1/timeline 10)
    rss=$(awk '/VmRSS/ {printf "%d", $2/1024}' /proc/$server/status)
    kill -9 $server; wait $server 2>/dev/null || true
    echo "$r $(basename "${builds[$b]}") $load $healthz $e1 $e2 $list $timeline $rss"
  done
done
