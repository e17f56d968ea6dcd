#!/usr/bin/env bash
# Durable ingest (/v1/events) against the parse-only ceiling (/v1/events/validate) of the same server,
# alternating A B A B so that machine drift hits both. Loopback only; every run is bounded in time.
#   bench/ingest-vs-ceiling.sh [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; seconds=${2:-10}; port=${PORT:-5190}
data=$(mktemp -d)
dotnet build -c Release src/Footfall.Server >/dev/null
dotnet build -c Release bench/Footfall.LoadGen >/dev/null
dotnet src/Footfall.Server/bin/Release/net10.0/footfall.dll serve --urls http://127.0.0.1:$port --data "$data" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf http://127.0.0.1:$port/healthz >/dev/null; do sleep 0.2; done
project=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['id'])" "$data/default-project.json")
load() { dotnet bench/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll http://127.0.0.1:$port "$project" --seconds "$seconds" "$@"; }
for round in $(seq 1 "$rounds"); do
  load --batch 50 --connections 32 --path /v1/events/validate
  load --batch 50 --connections 32 --path /v1/events
  load --batch 1 --connections 64 --path /v1/events/validate
  load --batch 1 --connections 64 --path /v1/events
done
echo "server peak RSS: $(grep VmHWM /proc/$server/status)"
