#!/usr/bin/env bash
# A 2-shard ClickHouse cluster on loopback for benchmarks (docs/benchmarks.md §8): Debian's zookeeper and two
# clickhouse-server processes, one per shard, in cluster `footfall` with internal_replication (as the tests'
# ClickHouseCluster, without its second replica). Node N answers HTTP on BASE+10N and TCP on BASE+10N+1.
#   bench/clickhouse-cluster.sh start DIR [BASE]     (leaves the processes running; their PIDs in DIR/pids)
#   bench/clickhouse-cluster.sh stop DIR
# A Footfall server then runs with --store clickhouse --clickhouse "Host=127.0.0.1;Port=BASE+10;..." --clickhouse-cluster footfall.
set -euo pipefail
command=$1; dir=$2; base=${3:-19100}
if [ "$command" = stop ]; then
  for pid in $(cat "$dir/pids"); do kill "$pid" 2>/dev/null || true; done
  rm -f "$dir/pids"; exit 0
fi
mkdir -p "$dir/zk/data"; : >"$dir/pids"
zk=$((base + 1))
cat >"$dir/zk/zoo.cfg" <<CFG
tickTime=500
dataDir=$dir/zk/data
clientPort=$zk
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
CFG
# The script execs java, so the PID is the server's.
JVMFLAGS=-Xmx128m setsid /usr/share/zookeeper/bin/zkServer.sh start-foreground "$dir/zk/zoo.cfg" >"$dir/zk/out.log" 2>&1 &
echo $! >>"$dir/pids"
until [ "$(echo ruok | timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$zk; cat >&3; cat <&3" 2>/dev/null)" = imok ]; do sleep 0.2; done
shards=""
for n in 1 2; do
  shards="$shards<shard><internal_replication>true</internal_replication><replica><host>127.0.0.1</host><port>$((base + 10 * n + 1))</port></replica></shard>"
done
for n in 1 2; do
  node=$dir/node$n; mkdir -p "$node/data" "$node/tmp" "$node/log"; cp /etc/clickhouse-server/users.xml "$node/users.xml"
  cat >"$node/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$node/log/server.log</log><errorlog>$node/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host><http_port>$((base + 10 * n))</http_port><tcp_port>$((base + 10 * n + 1))</tcp_port>
  <path>$node/data/</path><tmp_path>$node/tmp/</tmp_path><users_config>$node/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <zookeeper><node><host>127.0.0.1</host><port>$zk</port></node></zookeeper>
  <macros><shard>0$n</shard><replica>s${n}r1</replica></macros>
  <interserver_http_host>127.0.0.1</interserver_http_host><interserver_http_port>$((base + 10 * n + 2))</interserver_http_port>
  <remote_servers><footfall>$shards</footfall></remote_servers>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
XML
  (cd "$node" && exec setsid /usr/sbin/clickhouse-server --config-file="$node/config.xml" >/dev/null 2>&1) &
  echo $! >>"$dir/pids"
done
for n in 1 2; do until curl -sf "http://127.0.0.1:$((base + 10 * n))/ping" >/dev/null; do sleep 0.2; done; done
echo "cluster footfall up: HTTP 127.0.0.1:$((base + 10)) and :$((base + 20)), zookeeper :$zk; PIDs $(tr '\n' ' ' <"$dir/pids")"
