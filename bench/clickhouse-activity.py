#!/usr/bin/env python3
"""How an activity page's events read narrows `events` on ClickHouse (docs/benchmarks.md §14): for each identifier, the
newest 51 events read by the list of their times (what Footfall sends) and by (action, time) pairs, three times each;
prints (rows, ClickHouse's elapsed ms, rows read).
  bench/clickhouse-activity.py CH_URL DATABASE PROJECT IDENTIFIER_KEY...   (keys as stored: u:u123, g:g123)"""
import json, sys, urllib.parse, urllib.request

url, database, project, *actors = sys.argv[1:]
endpoint = f"{url}/?database={urllib.parse.quote(database)}"
columns = ("eid, has_key, action, time_ms, received_ms, user_id, guest_id, session_id, experience, variant, target, "
           "source_id, label, params, source, ord")

def run(sql):
    return urllib.request.urlopen(urllib.request.Request(endpoint, data=sql.encode())).read().decode()

def stats(sql):
    d = json.loads(run(sql + " FORMAT JSON"))
    return d["rows"], round(d["statistics"]["elapsed"] * 1000, 1), d["statistics"]["rows_read"]

for actor in actors:
    where = f"project = '{project}' AND actor IN ('{actor}')"
    page = [l.split("\t") for l in run(f"SELECT action, time_ms FROM events WHERE {where} ORDER BY time_ms DESC LIMIT 51").splitlines() if l]
    times = ",".join(t for _, t in page)
    pairs = ",".join(f"('{a}',{t})" for a, t in page)
    for _ in range(3):
        order = "ORDER BY time_ms DESC LIMIT 1 BY eid"
        print(actor, "times", stats(f"SELECT {columns} FROM events WHERE {where} AND time_ms IN ({times}) {order}"),
              "pairs", stats(f"SELECT {columns} FROM events WHERE {where} AND (action, time_ms) IN ({pairs}) {order}"))
