#!/usr/bin/env bash
# Erasing one person with the model built, A (another build) against B (this tree's), alternated, on copies of an
# imported data folder (bench/README.md "Loading it"); prints the model build and the erasure's time per round, and
# the server's CPU time during the erasure (user + system, from /proc: less at the mercy of a loaded box than the wall).
# USER_IDS is one user id, or several separated by commas, erased one after another (the first erasure after a start
# also pays the first refresh's writes being checkpointed, and may wait for a background refresh's count).
#   bench/erase-ab.sh DATA_DIR SECRET_KEY OTHER_DLL [ROUNDS] [USER_IDS]
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1; key=$2; other=$3; rounds=${4:-2}; user=${5:-u4137905}; port=${PORT:-27411}; url=http://127.0.0.1:$port
dotnet build -c Release src/Footfall.Server >/dev/null
this=src/Footfall.Server/bin/Release/net10.0/footfall.dll
for round in $(seq 1 "$rounds"); do
  for dll in "$other" "$this"; do
    copy=$(mktemp -d); cp -r "$data/." "$copy/"
    dotnet "$dll" serve --urls $url --data "$copy" >"$copy/server.log" 2>&1 & server=$!
    until curl -sf $url/healthz >/dev/null; do sleep 0.2; done
    build=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $key" $url/v1/recommendations/trending)
    echo "round $round $dll: model build $build s; load $(cut -d' ' -f1 /proc/loadavg)"
    for one in ${user//,/ }; do
      cpu0=$(awk '{print $14 + $15}' /proc/$server/stat)
      erase=$(curl -s -w ' %{http_code} %{time_total} s' -X DELETE -H "Authorization: Bearer $key" "$url/v1/people?userId=$one")
      cpu=$(( ($(awk '{print $14 + $15}' /proc/$server/stat) - cpu0) * 1000 / $(getconf CLK_TCK) ))
      echo "  erase $one: $erase, $cpu CPU-ms"
    done
    kill $server; wait $server 2>/dev/null || true; rm -rf "$copy"
  done
done
