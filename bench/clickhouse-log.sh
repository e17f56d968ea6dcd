#!/usr/bin/env bash
# ClickHouse behind the log (issue 11): durable /v1/events against parse-only, A B A B; a ClickHouse outage of OUTAGE
# seconds (SIGSTOP, then SIGCONT) under load: 503s, drain time, events lost / stored twice; read-your-writes across
# two nodes (acknowledged on A -> visible in a read on B).   bench/clickhouse-log.sh [ROUNDS] [SECONDS] [OUTAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; seconds=${2:-10}; outage=${3:-60}; chport=${CHPORT:-$((20000 + RANDOM % 10000))}; port=${PORT:-$((30000 + RANDOM % 10000))}
dir=$(mktemp -d)
mkdir -p "$dir/ch/data" "$dir/ch/tmp" "$dir/ch/log" "$dir/a" "$dir/b"
cp /etc/clickhouse-server/users.xml "$dir/ch/users.xml"
cat > "$dir/ch/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$dir/ch/log/server.log</log><errorlog>$dir/ch/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host><http_port>$chport</http_port><tcp_port>$((chport + 1))</tcp_port>
  <path>$dir/ch/data/</path><tmp_path>$dir/ch/tmp/</tmp_path><users_config>$dir/ch/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
XML
[ -n "${NOBUILD:-}" ] || dotnet build -c Release src/Footfall.Server >/dev/null
[ -n "${NOBUILD:-}" ] || dotnet build -c Release bench/Footfall.LoadGen >/dev/null
(cd "$dir/ch" && exec "$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)" --config-file="$dir/ch/config.xml" >/dev/null 2>&1) &
ch=$!
pids=($ch)
trap 'kill -CONT $ch 2>/dev/null; for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$chport/ping" >/dev/null; do sleep 0.2; done
chq() { curl -s "http://127.0.0.1:$chport/" --data-binary "$1"; }
serve() { # NAME PORT
  FOOTFALL_ADMIN_TOKEN=bench dotnet src/Footfall.Server/bin/Release/net10.0/footfall.dll serve --urls "http://127.0.0.1:$2" --data "$dir/$1" \
    --store clickhouse --clickhouse "Host=127.0.0.1;Port=$chport;Username=default;Database=bench" >>"$dir/$1.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$2/healthz" >/dev/null; do sleep 0.1; done
}
serve a $port
created=$(curl -s -H 'Authorization: Bearer bench' -H 'Content-Type: application/json' -d '{"name":"bench"}' http://127.0.0.1:$port/v1/admin/projects)
project=$(echo "$created" | python3 -c "import json,sys;print(json.load(sys.stdin)['id'])")
secret=$(echo "$created" | python3 -c "import json,sys;print(json.load(sys.stdin)['secretKey'])")
metric() { curl -s http://127.0.0.1:$port/metrics | awk -v m="$1" '$1 ~ "^"m {s+=$2} END {printf "%d", s}'; }
load() { dotnet bench/Footfall.LoadGen/bin/Release/net10.0/Footfall.LoadGen.dll http://127.0.0.1:$port "$project" "$@"; }
acked=0
count() { echo "$1" | sed -n 's/.* requests=\([0-9]*\) non200=\([0-9]*\).*/\1 \2/p'; }
for round in $(seq 1 "$rounds"); do
  load --batch 50 --connections 32 --seconds "$seconds" --path /v1/events/validate
  applied0=$(metric footfall_apply_events_total); t0=$(date +%s.%N)
  out=$(load --batch 50 --connections 32 --seconds "$seconds" --path /v1/events); echo "$out"
  read -r requests failed <<<"$(count "$out")"; acked=$((acked + (requests - failed) * 50))
  t1=$(date +%s.%N)
  while [ "$(metric footfall_apply_lag_bytes)" != 0 ]; do sleep 0.05; done
  t2=$(date +%s.%N); applied1=$(metric footfall_apply_events_total)
  echo "applier: caught up $(echo "$t2 - $t1" | bc) s after the load; $((applied1 - applied0)) events applied in $(echo "$t2 - $t0" | bc) s"
done

echo "outage: ClickHouse SIGSTOP for $outage s under load (load runs $((outage + 20)) s)"
load --batch 50 --connections 32 --seconds $((outage + 20)) --path /v1/events >"$dir/outage.txt" &
loadpid=$!
sleep 10; kill -STOP $ch; sleep "$outage"; kill -CONT $ch; tc=$(date +%s.%N)
wait $loadpid; cat "$dir/outage.txt"
read -r requests failed <<<"$(count "$(cat "$dir/outage.txt")")"; acked=$((acked + (requests - failed) * 50))
while [ "$(metric footfall_apply_lag_bytes)" != 0 ]; do sleep 0.1; done
echo "drained $(echo "$(date +%s.%N) - $tc" | bc) s after SIGCONT (the load ran 10 s of it)"
stored=$(chq "SELECT count(), uniqExact(eid) FROM bench.events WHERE project = '$project'")
echo "acknowledged events: $acked; stored rows, distinct ids: $stored"

serve b $((port + 1))
for i in $(seq 1 40); do
  t0=$(date +%s%N)
  curl -sf -H "X-Project-Id: $project" -H 'Content-Type: application/json' -d "[{\"action\":\"signup\",\"userId\":\"ryw-$i\"}]" \
    http://127.0.0.1:$port/v1/events >/dev/null
  until curl -s -H "Authorization: Bearer $secret" "http://127.0.0.1:$((port + 1))/v1/people/activity?userId=ryw-$i" | grep -q signup; do :; done
  echo "$(( ($(date +%s%N) - t0) / 1000000 ))"
done | sort -n | awk '{a[NR]=$1} END {print "acknowledged on A -> visible on B, ms: p50 " a[int(NR*0.5)] ", p90 " a[int(NR*0.9)] ", max " a[NR]}'
