#!/usr/bin/env bash
# The log applier's rate on a ClickHouse-mode server: imports FILE through the server, then waits until its applier
# has stored every acknowledged entry (footfall_apply_lag_bytes back to 0). Prints acknowledged and applied events/s.
#   bench/clickhouse-apply.sh URL PROJECT FILE [FOOTFALL_DLL]
set -euo pipefail
url=$1; project=$2; file=$3; dll=${4:-src/Footfall.Server/bin/Release/net10.0/footfall.dll}
lines=$(grep -c . "$file")
lag() { curl -sf "$url/metrics" | awk '/^footfall_apply_lag_bytes/ {print $2}'; }
t0=$(date +%s.%N)
dotnet "$dll" import "$file" --project "$project" --server "$url" >/dev/null
t1=$(date +%s.%N)
until [ "$(lag)" = 0 ]; do sleep 0.2; done
t2=$(date +%s.%N)
echo "$url $file: $lines events, acknowledged in $(echo "$t1 - $t0" | bc) s, applied in $(echo "$t2 - $t0" | bc) s:" \
  "$(echo "$lines / ($t2 - $t0)" | bc) events/s applied"
