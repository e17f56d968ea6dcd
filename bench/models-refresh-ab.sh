#!/usr/bin/env bash
# The model refresh, its peak RSS and one erasure (bench/models-ab.sh without the feeds), builds and data folders
# alternated, each run given as one argument "LABEL DLL DATA_DIR [SERVER ARGS...]" (a fresh copy of DATA_DIR per run):
#   bench/models-refresh-ab.sh SECRET_KEY USERS_FILE ROUNDS RUN...   (USERS_FILE: its first user is the one erased)
set -euo pipefail
key=$1; users=$2; rounds=$3; shift 3
port=${PORT:-27463}; url=http://127.0.0.1:$port; auth="Authorization: Bearer $key"
for round in $(seq 1 "$rounds"); do
  for run in "$@"; do
    read -r label dll data extra <<<"$run"
    copy=$(mktemp -d /tmp/models-refresh.XXXXXX); cp -r "$data/." "$copy/"; rm -f "$copy/footfall.lock"
    started=$(date +%s.%N)
    dotnet "$dll" serve --urls $url --data "$copy" $extra >"$copy/server.log" 2>&1 & server=$!
    until curl -sf $url/healthz >/dev/null; do sleep 0.2; done
    echo "== round $round $label (load $(cut -d' ' -f1 /proc/loadavg)): healthz after $(echo "$(date +%s.%N) - $started" | bc)s"
    echo "model refresh: $(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "$auth" $url/v1/recommendations/trending) s"
    echo "after refresh: $(grep VmRSS /proc/$server/status | tr -s ' ') $(grep VmHWM /proc/$server/status | tr -s ' ')"
    user=$(head -1 "$users")
    echo "erase $user: $(curl -s -w '%{http_code} %{time_total} s' -X DELETE -H "$auth" "$url/v1/people?userId=$user")"
    echo "end: $(grep VmRSS /proc/$server/status | tr -s ' ') $(grep VmHWM /proc/$server/status | tr -s ' '); load $(cut -d' ' -f1 /proc/loadavg)"
    kill $server; wait $server 2>/dev/null || true; rm -rf "$copy"
  done
done
