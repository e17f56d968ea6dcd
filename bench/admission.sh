#!/usr/bin/env bash
# Admission under floods (issue 08): 300 connections x ~1 MiB bodies for SECONDS (peak RSS, /healthz timed from its own
# process, refusals), then 50-event batches at and past saturation (p99 of the acknowledged, the rest refused).
# Each round starts a fresh server; with OTHER_DLL (e.g. main's build) the rounds alternate A B A B.
#   bench/admission.sh [ROUNDS] [SECONDS] [OTHER_DLL]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; seconds=${2:-15}; other=${3:-}; port=${PORT:-5194}
dotnet build -c Release src/Footfall.Server >/dev/null
dotnet build -c Release bench/Footfall.LoadGen >/dev/null
this=src/Footfall.Server/bin/Release/net10.0/footfall.dll
run() { # DLL LABEL
  local data; data=$(mktemp -d)
  dotnet "$1" serve --urls http://127.0.0.1:$port --data "$data" >"$data/server.log" 2>&1 &
  local server=$!
  until curl -sf http://127.0.0.1:$port/healthz >/dev/null; do sleep 0.1; done
  local project; project=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['id'])" "$data/default-project.json")
  load() { dotnet bench/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll http://127.0.0.1:$port "$project" --pid $server "$@"; }
  bench/healthz-probe.py http://127.0.0.1:$port "$seconds" 50 >"$data/probe" &
  local probe=$!
  echo "$2 flood: $(load --batch 1000 --body-bytes 1048000 --connections 300 --seconds "$seconds") $(wait $probe; cat "$data/probe")"
  for connections in 32 128 300; do
    echo "$2 batches: $(load --batch 50 --connections $connections --seconds 10)"
  done
  echo "$2 server peak RSS: $(grep VmHWM /proc/$server/status | tr -s ' ')"
  kill $server; wait $server || true; rm -rf "$data"
}
for round in $(seq 1 "$rounds"); do
  run $this "this"
  [ -n "$other" ] && run "$other" "other"
done
