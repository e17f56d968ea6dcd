#!/usr/bin/env bash
# Grows a ClickHouse database for read benchmarks (docs/benchmarks.md §8) from one that Footfall's applier loaded: the
# source's events are copied COPIES times, copy k shifted k * SPAN_MS later in time with event ids and session ids
# suffixed "~k" (so the same persons keep coming back over a longer history, as a shop's year does), with the
# applier's attributed conversions of those events shifted alike (conversions across two copies are not added), and,
# with BASE=1, the tables events do not derive (projects, links, persons, attributes, experiences, settings, commits,
# person_repairs, attributed_definitions) copied once. The destination's schema must exist (start a Footfall node on it first: on a cluster
# too, where the inserts go through the Distributed tables and every node's views fill the derived tables).
# Used because ClickHouse's applier loads 1-5K events/s on the shared 2-core box: 10M events would take hours.
#   [BASE=1] [LAST=N] bench/clickhouse-repeat.sh DST_URL DST_DB SRC_HOST:TCP_PORT SRC_DB SPAN_MS FIRST_COPY LAST_COPY
# LAST=N copies only the first N events (by time) in the last copy, to land on a round total.
set -euo pipefail
dst=$1; db=$2; src=$3; srcdb=$4; span=$5; first=$6; last=$7
q() { curl -sf "$dst/?database=$db&insert_distributed_sync=1&max_execution_time=3600" --data-binary "$1"; }
from() { echo "remote('$src', $srcdb, $1)"; }
if [ "${BASE:-0}" = 1 ]; then
  for t in projects links persons attributes experiences settings commits person_repairs attributed_definitions; do
    cols=$(curl -sf "$dst/" --data-binary "SELECT arrayStringConcat(groupArray(name), ', ') FROM system.columns WHERE database = '$db' AND table = '$t' AND default_kind = ''")
    q "INSERT INTO $t ($cols) SELECT $cols FROM $(from "$t")"
  done
fi
cols="project, action, time_ms, actor, eid, has_key, ord, received_ms, user_id, guest_id, session_id, experience, variant, target, source_id, label, params, source, node, log_pos, log_seq"
for k in $(seq "$first" "$last"); do
  limit=""; [ "$k" = "$last" ] && [ -n "${LAST:-}" ] && limit="ORDER BY time_ms LIMIT $LAST"
  if [ "$k" = 0 ]; then shifted=$cols; else
    shifted="project, action, time_ms + $k * $span, actor, concat(eid, '~$k'), has_key, ord + $k * 1000000000, received_ms, user_id, guest_id,
      if(isNull(session_id), session_id, concat(assumeNotNull(session_id), '~$k')), experience, variant, target, source_id, label, params, source, node, log_pos, log_seq"
  fi
  t0=$(date +%s.%N)
  q "INSERT INTO events ($cols) SELECT $shifted FROM $(from events) WHERE position(eid, '~') = 0 $limit"
  acols="project, experience, days, action, variant, time_ms, eid, actor_hash"; ashifted=$acols
  [ "$k" = 0 ] || ashifted="project, experience, days, action, variant, time_ms + $k * $span, concat(eid, '~$k'), actor_hash"
  climit=""; [ -n "$limit" ] && climit="AND time_ms <= (SELECT max(time_ms) FROM (SELECT time_ms FROM $(from events) WHERE position(eid, '~') = 0 $limit))"
  q "INSERT INTO attributed ($acols) SELECT $ashifted FROM $(from attributed) WHERE position(eid, '~') = 0 $climit"
  echo "copy $k: $(echo "$(date +%s.%N) - $t0" | bc) s; events now $(q 'SELECT count() FROM events')"
done
