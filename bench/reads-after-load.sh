#!/usr/bin/env bash
# Reads behind the identity index right after an ingest burst, with the index's L0 files in place (docs/benchmarks.md
# section 8, "The ingest ratio in a later session"): on a copy of DATA_DIR (one whose co-visit counts are kept, so the
# model builds in seconds), start, build the model, LoadGen for 20 s, wait for the applier, print each index's L0 file
# count, then each person of USERS_FILE's first feed read (recently-viewed: their touches from the index), p50 / p99,
# then erase each of ERASE_USERS (comma-separated).
#   bench/reads-after-load.sh SERVER_DIR DATA_DIR PROJECT_ID SECRET_KEY USERS_FILE [ERASE_USERS]
set -euo pipefail
server_dir=$1; data=$2; project=$3; key=$4; users=$5; erase=${6:-}
url=http://127.0.0.1:${PORT:-27302}; auth="Authorization: Bearer $key"
loadgen=$(cd "$(dirname "$0")" && pwd)/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll
copy=$(mktemp -d "${SCRATCH:-/tmp}/reads.XXXXXX"); server=
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; wait 2>/dev/null; rm -rf "$copy"' EXIT
cp -a "$data" "$copy/data"
dotnet "$server_dir/footfall.dll" serve --urls $url --data "$copy/data" >"$copy/server.log" 2>&1 & server=$!
until curl -sf $url/healthz >/dev/null; do sleep 0.1; done
metric() { curl -s $url/metrics | awk -v m="$1" '$1 ~ "^"m {s+=$2} END {printf "%d", s}'; }
echo "model build $(curl -s -o /dev/null -w '%{time_total}' -H "$auth" $url/v1/recommendations/trending) s"
dotnet "$loadgen" $url "$project" --seconds 20 --batch 50 --connections 32 --path /v1/events | grep -o 'events/s=[0-9]*'
while [ "$(metric footfall_apply_lag_bytes)" != 0 ]; do sleep 0.05; done
# The LOG's last "lsm_state" lists the files per level, L0 first.
l0() { grep -o '"lsm_state": \[[0-9]*' "$copy/data/$1/LOG" | tail -1 | grep -o '[0-9]*$'; }
echo "L0 files: keys $(l0 keys), identities $(l0 footfall.duckdb.identities)"
echo "recently-viewed, first read of each person: $(while read -r u; do curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$url/v1/recommendations/recently-viewed?userId=$u"; done <"$users" | sort -n |
    awk '{t[NR]=$1*1000} END {printf "p50 %.1f ms, p99 %.1f ms (%d persons)\n", t[int(NR/2)+1], t[int(NR*0.99)], NR}')"
for one in ${erase//,/ }; do
  echo "erase $one: $(curl -s -o /dev/null -w '%{http_code} %{time_total} s' -X DELETE -H "$auth" "$url/v1/people?userId=$one")"
done
