#!/usr/bin/env python3
"""GET /healthz every INTERVAL ms on one kept-alive connection, from a process of its own (so a busy load generator
does not time itself), for SECONDS; prints n, failures, p50, p99 and max in ms.   healthz-probe.py URL SECONDS [INTERVAL]"""
import http.client, sys, time
from urllib.parse import urlparse
url, seconds = urlparse(sys.argv[1]), float(sys.argv[2])
interval = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.05
times, failed, end = [], 0, time.monotonic() + seconds
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
while time.monotonic() < end:
    start = time.perf_counter()
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            times.append((time.perf_counter() - start) * 1000)
        else:
            failed += 1
    except OSError:
        failed += 1
        conn.close()
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    time.sleep(interval)
times.sort()
pick = lambda p: times[min(len(times) - 1, int(len(times) * p))] if times else float("nan")
print(f"healthz_n={len(times)} healthz_failed={failed} healthz_p50_ms={pick(0.5):.2f} healthz_p99_ms={pick(0.99):.2f} healthz_max_ms={max(times, default=float('nan')):.2f}")
