#!/usr/bin/env bash
# The rest of issue 08's ingest figures on the DuckDB store (log-first), each side by side within a round, rounds
# alternated:  bench/ingest-figures.sh [ROUNDS]   or, on a big data folder only, bench/ingest-figures.sh ROUNDS FOLDER PROJECT
#  - p99 at half of the maximum durable rate (50-event batches, paced), the longest pause between acknowledgements
#    and acknowledged -> visible (the applier's lag, sampled at 10 Hz: an upper bound for every event);
#  - ingest with 2 results pollers / without;
#  - the longest pause of acknowledgements over 60 s of steady load (paced at half the maximum);
#  - on a big data folder (bench/README.md: DataGen --events 10M, then import): restart to /healthz, and 1,000
#    retried ids (DataGen's e1-N) in requests of 50 beside a steady writer, whose p99 and pauses are compared.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; big=${2:-}; big_project=${3:-}; port=${PORT:-47312}
data=$(mktemp -d)
dotnet build -c Release src/Footfall.Server >/dev/null
dotnet build -c Release bench/Footfall.LoadGen >/dev/null
server=
serve() { dotnet src/Footfall.Server/bin/Release/net10.0/footfall.dll serve --urls http://127.0.0.1:$port --data "$1" >>"$data/server.log" 2>&1 & server=$!; }
healthy() { until curl -sf http://127.0.0.1:$port/healthz >/dev/null; do sleep 0.02; done; }
stop() { kill -TERM $server; wait $server || true; }
metric() { curl -s http://127.0.0.1:$port/metrics | awk -v m="$1" '$1 ~ "^"m {s+=$2} END {printf "%s", s+0}'; }
load() { dotnet bench/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll http://127.0.0.1:$port "$project" "$@"; }
field() { grep -o "$1=[0-9.]*" | cut -d= -f2; }
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
if [ -z "$big" ]; then
mkdir "$data/small"
serve "$data/small"; healthy
read -r project key < <(python3 -c "import json,sys;d=json.load(open(sys.argv[1]));print(d['id'],d['secretKey'])" "$data/small/default-project.json")
curl -sf -X PUT -H "Authorization: Bearer $key" http://127.0.0.1:$port/v1/experiences/exp \
  -d '{"name":"bench","variants":[{"shortUid":"0","weight":50},{"shortUid":"1","weight":50}],"metrics":["product_purchase"],"attributionDays":30}' >/dev/null
for round in $(seq 1 "$rounds"); do
  echo "== round $round"
  out=$(load --batch 50 --connections 32 --seconds 10 --path /v1/events); echo "max: $out"; max=$(echo "$out" | field events/s)
  # The applier's lag in bytes, sampled, over the log bytes acknowledged per second: how long an acknowledged event
  # waits to be visible. (footfall_apply_lag_seconds is the time since the applier was last wholly caught up, which
  # under steady load keeps growing however fresh what it applies is.)
  ( while true; do echo "$(metric footfall_apply_lag_bytes) $(metric footfall_apply_lag_seconds)"; sleep 0.1; done ) >"$data/lag" & sampler=$!
  out=$(load --batch 50 --connections 32 --seconds 20 --rate $((max / 2)) --path /v1/events); echo "half: $out"
  kill $sampler; wait $sampler 2>/dev/null || true
  # LoadGen's events take ~80 bytes in the log (bench/log-first.sh: the position after 52,620 events was 4,226,808).
  bytes_per_event=${BYTES_PER_EVENT:-80}
  rate=$(echo "$out" | field events/s)
  sort -n "$data/lag" | awk -v b="$bytes_per_event" -v r="$rate" '{v[NR]=$1} END {printf "acknowledged -> visible (applier lag bytes, %d samples at 10 Hz, %d bytes an event, %d events/s): p99 %.3f s, max %.3f s\n", NR, b, r, v[int(NR*0.99)+1]/b/r, v[NR]/b/r}'
  # The same from footfall_apply_lag_seconds: the age of the oldest acknowledged entry not yet applied.
  sort -n -k2 "$data/lag" | awk '{v[NR]=$2} END {printf "acknowledged -> visible (footfall_apply_lag_seconds, %d samples): p99 %.3f s, max %.3f s\n", NR, v[int(NR*0.99)+1], v[NR]}'
  load --batch 50 --connections 32 --seconds 10 --path /v1/events | sed 's/^/no pollers: /'
  load --get --bearer "$key" --connections 2 --seconds 12 --path /v1/experiences/exp/results >"$data/polls" & pollers=$!
  load --batch 50 --connections 32 --seconds 10 --path /v1/events | sed 's/^/2 pollers:  /'
  wait $pollers; sed 's/^/  the pollers: /' "$data/polls"
done
echo "== 60 s of steady load at half the last maximum ($((max / 2)) events/s)"
load --batch 50 --connections 32 --seconds 60 --rate $((max / 2)) --path /v1/events
stop
else
  project=$big_project
  for round in $(seq 1 "$rounds"); do
    t0=$(date +%s.%N); serve "$big"; healthy; t1=$(date +%s.%N)
    echo "restart to /healthz on $big: $(echo "$t1 - $t0" | bc) s (stored events: $(du -sh "$big" | cut -f1) on disk)"
    load --batch 50 --connections 8 --seconds 6 --rate 10000 --path /v1/events | sed 's/^/writer alone:         /'
    load --batch 50 --connections 8 --seconds 6 --rate 10000 --path /v1/events >"$data/writer" & writer=$!
    sleep 2
    load --batch 50 --connections 4 --events 1000 --ids-from e1- --ids-range 10000000 --path /v1/events | sed 's/^/1,000 retried ids:    /'
    wait $writer; sed 's/^/writer beside them:   /' "$data/writer"
    stop
  done
fi
