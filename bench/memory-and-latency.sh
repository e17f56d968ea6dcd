#!/usr/bin/env bash
# Steady RSS, experience results, every feed, model build and one erasure of a server over an imported data folder
# (docs/benchmarks.md §8). Import first: footfall import shop-1m.ndjson --project ID --data DIR.
#   [PERSON=u123] bench/memory-and-latency.sh SERVER_DIR DATA_DIR SECRET_KEY [PORT] [USERS_FILE]
# PERSON: the user id the person feeds read and the run erases (default u4137905, which DataGen's files hold).
# USERS_FILE: user ids, one a line (e.g. grep -o '"userId":"u[0-9]*"' shop.ndjson | cut -d'"' -f4 | sort -u | shuf -n 300);
# each is asked for once, so every request reads that person's touches from the store, not the model's cache.
# SERVER_DIR holds footfall.dll (a Release build of src/Footfall.Server, of any commit, for before/after runs).
set -euo pipefail
server_dir=$1; data=$2; key=$3; port=${4:-27193}; users=${5:-}; url=http://127.0.0.1:$port; auth="Authorization: Bearer $key"
person=${PERSON:-u4137905}
dotnet "$server_dir/footfall.dll" serve --urls $url --data "$data" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
until curl -sf $url/healthz >/dev/null; do sleep 0.2; done
# Saving an experience back-fills its metric and derives its rollup: each status and time printed (at 100M a save
# waits for the first model build beside it, ~95 s; it answered 503 before: docs/benchmarks.md §8, "The 100M column again").
for e in 1 2 3 4; do
  variants='{"shortUid":"0","weight":50},{"shortUid":"1","weight":50}'; [ $((e % 2)) = 0 ] && variants="$variants"',{"shortUid":"2","weight":50}'
  echo "PUT exp-$e: $(curl -s -o /dev/null -w "%{http_code} %{time_total} s" -X PUT -H "$auth" $url/v1/experiences/exp-$e \
    -d '{"name":"exp-'$e'","variants":['"$variants"'],"metrics":["product_purchase"],"attributionDays":30}')"
done
# time URL N: N requests one after another; prints p50 and p99 (the largest of fewer than 100) in ms.
time_it() {
  for i in $(seq 1 "$2"); do curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$1"; done | sort -n |
    awk '{t[NR]=$1*1000} END {i=int(NR*0.99); if (i<1) i=1; printf "p50 %.1f ms, p99 %.1f ms (%d requests)\n", t[int(NR/2)+1], t[i], NR}'
}
echo "first results (back-fills the metric): $(curl -s -o /dev/null -w '%{time_total}' -H "$auth" $url/v1/experiences/exp-1/results) s"
echo "results exp-1: $(time_it $url/v1/experiences/exp-1/results 30)"
echo "model build (first feed request): $(curl -s -o /dev/null -w '%{time_total}' -H "$auth" "$url/v1/recommendations/trending") s"
echo "trending: $(time_it "$url/v1/recommendations/trending" 100)"
echo "recently-viewed: $(time_it "$url/v1/recommendations/recently-viewed?userId=$person" 100)"
echo "repeat-purchase: $(time_it "$url/v1/recommendations/repeat-purchase?userId=$person" 100)"
echo "also-viewed: $(time_it "$url/v1/recommendations/also-viewed?item=sku-877" 100)"
echo "personal: $(time_it "$url/v1/recommendations/personal?userId=$person" 100)"
echo "person look-up: $(time_it "$url/v1/people?userId=$person" 30)"
if [ -n "$users" ]; then
  echo "recently-viewed, first read of each person: $(while read -r u; do curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$url/v1/recommendations/recently-viewed?userId=$u"; done <"$users" | sort -n |
    awk '{t[NR]=$1*1000} END {printf "p50 %.1f ms, p99 %.1f ms (%d persons)\n", t[int(NR/2)+1], t[int(NR*0.99)], NR}')"
fi
# The feeds' user: a person the model holds (DataGen's first visitor, g1379514, has no touch in the 90-day window at 1M,
# so erasing them left the model as it was and timed nothing of it). A folder measured before has lost them: pass PERSON.
echo "erase one person: $(curl -s -o /dev/null -w '%{time_total}' -X DELETE -H "$auth" "$url/v1/people?userId=$person") s"
echo "server $(grep VmRSS /proc/$server/status | tr -s ' ') $(grep VmHWM /proc/$server/status | tr -s ' ')"
