#!/usr/bin/env bash
# A person's look-up and first activity page over HTTP, each person of USERS_FILE asked once (docs/benchmarks.md §8,
# "A person's events by their seqs"): start on DATA_DIR (reads only; the start may checkpoint), build the model first
# (the first feed request) so no background refresh runs beside the reads, then GET /v1/people and
# GET /v1/people/activity?limit=50 for each person; p50 / p99 of each, and how many answered other than 200.
# EXPORT_USERS=u1,u2: then each one's whole export (GET /v1/people/export), its status and time.
#   bench/person-reads.sh SERVER_DIR DATA_DIR SECRET_KEY USERS_FILE
set -euo pipefail
server_dir=$1; data=$2; key=$3; users=$4; url=http://127.0.0.1:${PORT:-27305}; auth="Authorization: Bearer $key"
dotnet "$server_dir/footfall.dll" serve --urls $url --data "$data" >"$data/server.log" 2>&1 & server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
until curl -sf $url/healthz >/dev/null; do sleep 0.1; done
echo "model build $(curl -s -o /dev/null -w '%{time_total}' -H "$auth" $url/v1/recommendations/trending) s; load $(cut -d' ' -f1 /proc/loadavg)"
each() {
  while read -r u; do curl -s -o /dev/null -w '%{time_total} %{http_code}\n' -H "$auth" "$url$1$u"; done <"$users" | sort -n |
    awk '{t[NR]=$1*1000; if ($2 != 200) f++} END {printf "p50 %.1f ms, p99 %.1f ms (%d persons, %d not 200)\n", t[int(NR/2)+1], t[int(NR*0.99)], NR, f}'
}
echo "look-up: $(each '/v1/people?userId=')"
echo "activity: $(each '/v1/people/activity?limit=50&userId=')"
exports=${EXPORT_USERS:-}
for one in ${exports//,/ }; do
  echo "export $one: $(curl -s -o /dev/null -w '%{http_code} %{time_total} s, %{size_download} bytes' -H "$auth" "$url/v1/people/export?userId=$one")"
done
