#!/usr/bin/env bash
# Erasure over HTTP of persons by activity rank (bench/sql/active-users.sql picks them) on a copy of an imported data
# folder (docs/benchmarks.md §8, "The 100M column again"): start (timed to /healthz), the first feed request (the model build),
# then each user id in turn (DELETE /v1/people), timed by curl, with the server's CPU-ms; its RSS at the end.
#   erase-ranks.sh SERVER_DIR DATA_DIR SECRET_KEY USER_IDS(comma-separated)
# IDLE_SECONDS=N: then N s idle, the RSS again and the .NET GC's figures (dotnet-counters, `dotnet tool install -g
# dotnet-counters`): the steady RSS, not the last erasure's wake. The server inherits the environment (DOTNET_*).
set -euo pipefail
server_dir=$1; data=$2; key=$3; users=$4; port=${PORT:-27412}; url=http://127.0.0.1:$port; auth="Authorization: Bearer $key"
copy=$(mktemp -d ${SCRATCH:-/tmp}/erase-ranks.XXXXXX); server=
# The copy is thrown away, also when the copying fails (a full disk): kill -9 spares the clean shutdown's compaction of
# the erased rows (2-4 min at 100M events).
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; wait 2>/dev/null; rm -rf "$copy"' EXIT
cp -r "$data/." "$copy/"
dotnet "$server_dir/footfall.dll" serve --urls $url --data "$copy" >"$copy/server.log" 2>&1 & server=$!
t0=$(date +%s.%N); until curl -sf $url/healthz >/dev/null; do sleep 0.05; done; echo "healthz after $(echo "$(date +%s.%N) - $t0" | bc) s"
echo "model build: $(curl -s -o /dev/null -w '%{time_total}' -H "$auth" $url/v1/recommendations/trending) s; load $(cut -d' ' -f1 /proc/loadavg)"
for one in ${users//,/ }; do
  cpu0=$(awk '{print $14 + $15}' /proc/$server/stat)
  erase=$(curl -s -o /dev/null -w '%{http_code} %{time_total} s' -X DELETE -H "$auth" "$url/v1/people?userId=$one")
  cpu=$(( ($(awk '{print $14 + $15}' /proc/$server/stat) - cpu0) * 1000 / $(getconf CLK_TCK) ))
  echo "erase $one: $erase, $cpu CPU-ms, load $(cut -d' ' -f1 /proc/loadavg)"
done
echo "server $(grep VmRSS /proc/$server/status | tr -s ' ') $(grep VmHWM /proc/$server/status | tr -s ' ')"
if [ -n "${IDLE_SECONDS:-}" ]; then
  sleep "$IDLE_SECONDS"
  echo "server $IDLE_SECONDS s later $(grep VmRSS /proc/$server/status | tr -s ' ')"
  ~/.dotnet/tools/dotnet-counters collect -p $server --counters System.Runtime --format csv -o "$copy/gc.csv" --duration 00:00:04 >/dev/null 2>&1
  for k in 'memory.committed_size' 'heap.size (By)\[gc.heap.generation=loh' 'fragmentation.size (By)\[gc.heap.generation=loh'; do
    echo "  $k: $(grep "$k" "$copy/gc.csv" | tail -1 | awk -F, '{printf "%.0f MB", $NF/1048576}')"
  done
fi
