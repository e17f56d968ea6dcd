#!/usr/bin/env bash
# Experience results, person look-up and activity through the HTTP API of Footfall servers that share one ClickHouse
# database, measured in alternated rounds (server A, server B, A, B, ...) so both see the same machine load.
#   [REPEAT=5] [PERSONS=20] bench/clickhouse-reads.sh KEY ROUNDS URL...
# Each round per server: the results of exp-1..exp-4 REPEAT times each, then the look-up and the first activity page
# of PERSONS persons (signed-in users, their persons linked to guests). Prints p50 / p99 per server, per kind.
# The experiences must be defined (bench/README.md, "Loading it"); CH_URL and CH_DB name the database to draw persons from.
set -euo pipefail
key=$1; rounds=$2; shift 2
ch=${CH_URL:-http://127.0.0.1:18123}; db=${CH_DB:-shop10m}
users=$(curl -sf "$ch/?database=$db" --data-binary \
  "SELECT DISTINCT assumeNotNull(user_id) FROM events WHERE user_id IS NOT NULL AND cityHash64(user_id) % 1000 = 7 LIMIT ${PERSONS:-20}")
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
time_get() { curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $key" "$1"; }
for round in $(seq 1 "$rounds"); do
  for url in "$@"; do
    tag=$(echo "$url" | tr -c 'a-z0-9\n' '_')
    for i in $(seq 1 "${REPEAT:-5}"); do for e in exp-1 exp-2 exp-3 exp-4; do
      time_get "$url/v1/experiences/$e/results" >>"$out/$tag.results"
    done; done
    for u in $users; do
      time_get "$url/v1/people?userId=$u" >>"$out/$tag.people"
      time_get "$url/v1/people/activity?userId=$u&limit=50" >>"$out/$tag.activity"
    done
  done
done
for url in "$@"; do
  tag=$(echo "$url" | tr -c 'a-z0-9\n' '_')
  for kind in results people activity; do
    sort -n "$out/$tag.$kind" | awk -v u="$url" -v k="$kind" '{t[NR]=$1*1000} END {printf "%s %-8s n=%d p50 %.0f ms p99 %.0f ms\n", u, k, NR, t[int(NR*0.5)+1], t[int(NR*0.99)+(NR*0.99>int(NR*0.99))]}'
  done
done
