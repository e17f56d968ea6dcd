#!/usr/bin/env bash
# DuckDB and ClickHouse through the same IEventStore, one after the other in one run: ingest events/s and
# experience-results latency. Starts its own clickhouse-server on loopback (apt-get install -y clickhouse-server).
#   bench/stores-side-by-side.sh [EVENTS] [BATCH]; with ERASE=N set, the cost of erasing N persons instead of results
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}; batch=${2:-5000}; port=${PORT:-18123}
dir=$(mktemp -d)
mkdir -p "$dir/data" "$dir/tmp" "$dir/log"
cp /etc/clickhouse-server/users.xml "$dir/users.xml"
cat > "$dir/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host><http_port>$port</http_port><tcp_port>$((port + 1))</tcp_port>
  <path>$dir/data/</path><tmp_path>$dir/tmp/</tmp_path><users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
XML
server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
(cd "$dir" && exec "$server" --config-file="$dir/config.xml" >/dev/null 2>&1) &
ch=$!
trap 'kill $ch 2>/dev/null; wait $ch 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/ping" >/dev/null; do sleep 0.2; done
dotnet build -c Release bench/Footfall.StoreBench >/dev/null
dotnet bench/Footfall.StoreBench/bin/Release/net10.0/Footfall.StoreBench.dll \
  --clickhouse "Host=127.0.0.1;Port=$port;Username=default;Database=bench" --events "$events" --batch "$batch" --runs 9 ${ERASE:+--erase "$ERASE"}
