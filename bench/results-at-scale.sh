#!/usr/bin/env bash
# Experience-results latency through the HTTP API as stored events grow (1M, then 10M), and the server's memory.
# Events go in through /v1/events with the load generator (5% impressions of one two-variant experience, 5%
# purchases, carts and views; 40,000 persons); after each step the results endpoint is timed 30 times.
#   bench/results-at-scale.sh [STEPS...]   (default: 1000000 10000000, cumulative)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("${@:-1000000 10000000}"); steps=(${steps[@]}); port=${PORT:-5192}
data=$(mktemp -d)
dotnet build -c Release src/Footfall.Server >/dev/null
dotnet build -c Release bench/Footfall.LoadGen >/dev/null
dotnet src/Footfall.Server/bin/Release/net10.0/footfall.dll serve --urls http://127.0.0.1:$port --data "$data" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf http://127.0.0.1:$port/healthz >/dev/null; do sleep 0.2; done
read -r project key < <(python3 -c "import json,sys;d=json.load(open(sys.argv[1]));print(d['id'],d['secretKey'])" "$data/default-project.json")
curl -sf -X PUT -H "Authorization: Bearer $key" http://127.0.0.1:$port/v1/experiences/exp \
  -d '{"name":"bench","variants":[{"shortUid":"0","weight":50},{"shortUid":"1","weight":50}],"metrics":["product_purchase"],"attributionDays":30}' >/dev/null
stored=0
for target in "${steps[@]}"; do
  started=$(date +%s)
  dotnet bench/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll http://127.0.0.1:$port "$project" \
    --batch 500 --connections 8 --seconds 3600 --events $((target - stored))
  stored=$target
  echo "loaded to $stored events in $(( $(date +%s) - started )) s; server $(grep -E 'VmRSS' /proc/$server/status | tr -s ' ') $(grep -E 'VmHWM' /proc/$server/status | tr -s ' ')"
  for i in $(seq 1 30); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $key" http://127.0.0.1:$port/v1/experiences/exp/results
  done | sort -n | awk '{t[NR]=$1*1000} END {printf "results at %s events: median %.1f ms, p90 %.1f ms, max %.1f ms (30 requests)\n", "'$stored'", t[int(NR/2)+1], t[int(NR*0.9)], t[NR]}'
  curl -s -H "Authorization: Bearer $key" http://127.0.0.1:$port/v1/experiences/exp/results | head -c 300; echo
done
