#!/usr/bin/env python3
"""sync benchmark: the daemon's origin and destination cycles against vault-sims with 2 ms of latency.

For 10,000 and 100,000 secrets it prints the origin cycle time and its ratio to the lower bound
(secrets x requests per secret x latency / in-flight), the destination's first (full copy) cycle, a
no-change destination cycle, a cycle after 1% of the secrets changed, and the daemon's peak RSS per secret.
Targets (issue 5): ratio <= 1.5 at 64 in flight; no-change destination cycle on 100,000 secrets < 2 s;
< 1 KiB of RSS per secret.

Usage: tests/bench/sync_bench.py [counts...]      (VK_BIN_DIR overrides build/bin; default counts 10000 100000)
       tests/bench/sync_bench.py --smoke            (500 secrets: ctest's check that the bench still runs)
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
os.environ.setdefault("VK_BIN_DIR", os.path.join(HERE, "..", "..", "build", "bin"))

import vkproc  # noqa: E402
from vkdaemon import Daemon  # noqa: E402

LATENCY_MS = 2
IN_FLIGHT = 64


def post(url, body, token=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    if token:
        req.add_header("X-Vault-Token", token)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read() or b"{}")


def start(binary, *args, ready):
    port = vkproc.free_port()
    proc = vkproc.Process([vkproc.binary(binary), "--listen", f"127.0.0.1:{port}", *args],
                          ready_url=f"http://127.0.0.1:{port}{ready}")
    return proc, f"http://127.0.0.1:{port}"


def vault(latency=True):
    args = ["--dev-root-token", "root"] + (["--latency", f"{LATENCY_MS}ms"] if latency else [])
    return start("vault-sim", *args, ready="/v1/sys/health")


def consul():
    return start("consul-sim", ready="/v1/status/leader")


def newest_cycle(d, job):
    status, body, _ = d.call("GET", f"/v1/jobs/{job}/cycles")
    assert status == 200, body
    return body["cycles"][0] if body["cycles"] else None


def run_cycle(d, job, after_id, timeout=900):
    """Triggers `job` unless a cycle newer than after_id already ran; returns that cycle once ended."""
    if after_id is not None:
        d.call("POST", f"/v1/jobs/{job}/trigger")
    def ended():
        c = newest_cycle(d, job)
        return c if c and (after_id is None or c["id"] > after_id) and c["outcome"] != "running" else None
    vkproc.wait_until(lambda: ended() is not None, timeout=timeout, interval=0.05, what=f"{job} cycle")
    c = ended()
    assert c["outcome"] == "ok", c
    return c


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def pin(pid, cpu):
    """All threads of `pid` on one CPU (the sims on one core, the daemon on the other), when there are two."""
    if (os.cpu_count() or 1) >= 2:
        subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(pid)], check=True, capture_output=True)


def lag_buckets(d):
    """vaultkeeper_event_loop_lag_seconds as {le: cumulative count}."""
    text = d.call("GET", "/metrics")[1]
    return {float(m.group(1)): float(m.group(2)) for m in
            re.finditer(r'vaultkeeper_event_loop_lag_seconds_bucket\{le="([^"]+)"\} ([0-9.e+]+)', text)
            if m.group(1) != "+Inf"} | {float("inf"): float(re.search(
                r'vaultkeeper_event_loop_lag_seconds_count ([0-9.e+]+)', text).group(1))}


def bucket_quantile(before, after, q):
    """The upper bound of the histogram bucket holding quantile q of the samples taken between two reads."""
    total = after[float("inf")] - before[float("inf")]
    for le in sorted(after):
        if total and (after[le] - before.get(le, 0)) / total >= q:
            return le
    return float("inf")


class AdminProbe:
    """GETs the admin API in a loop from another thread while cycles run: the latencies a dashboard sees."""

    ROUTES = ("/v1/jobs", "/v1/sync/origin/status", "/v1/sync/dest/status", "/metrics")

    def __init__(self, d):
        self.d = d
        self.times = {r: [] for r in self.ROUTES}
        self.failures = []
        self.running = True
        self.lag_before = lag_buckets(d)
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while self.running:
            for route in self.ROUTES:
                t0 = time.perf_counter()
                try:
                    status = self.d.call("GET", route)[0]
                except OSError as e:  # a reset or a timeout: what a dashboard would see too
                    self.failures.append(f"{route}: {e} after {time.perf_counter() - t0:.1f} s")
                    continue
                self.times[route].append(time.perf_counter() - t0)
                if status != 200:
                    self.failures.append(f"{route}: status {status}")
            time.sleep(0.005)

    def stop(self):
        self.running = False
        self.thread.join(timeout=30)
        self.lag_after = lag_buckets(self.d)

    def report(self):
        lag_after = self.lag_after
        for route, ts in self.times.items():
            ts = sorted(ts)
            if ts:
                p50, p99 = ts[len(ts) // 2], ts[min(len(ts) - 1, int(len(ts) * 0.99))]
                target = "50 ms" if route == "/metrics" else "5 ms"
                print(f"  GET {route:24} {len(ts):5} requests, p50 {p50 * 1000:6.2f} ms, p99 {p99 * 1000:7.2f} ms"
                      f" (target p99 < {target})")
        for f in self.failures[:10]:
            print(f"  FAILED {f}")
        print(f"  io thread lag p50 <= {bucket_quantile(self.lag_before, lag_after, 0.5) * 1000:g} ms, "
              f"p99 <= {bucket_quantile(self.lag_before, lag_after, 0.99) * 1000:g} ms (a 10 ms timer's lateness)")


def buckets_for(n):
    """64 buckets up to 100,000 secrets, 256 at a million (each bucket's JSON under Consul's value limit)."""
    return 64 if n <= 100_000 else 256


def config(ov, dv, oc, dc, buckets=64):
    common = {"interval": "1h", "timeout": "30m", "workers": IN_FLIGHT}
    return {
        "log": {"level": "warn"},
        "vaults": {"o": {"address": ov, "token": "root", "max_connections": IN_FLIGHT},
                   "d": {"address": dv, "token": "root", "max_connections": IN_FLIGHT}},
        "consuls": {"oc": {"address": oc}, "dc": {"address": dc}},
        "jobs": [
            {"name": "origin", "kind": "sync", "role": "origin", "buckets": buckets,
             "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]}, **common},
            {"name": "dest", "kind": "sync", "role": "destination", "watch": False,
             "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
             "destination": {"vault": "d", "consul": "dc"}, **common},
        ],
    }


def change(vault_addr, n):
    def write(i):
        post(f"{vault_addr}/v1/secret/data/bench/{i}", {"data": {"index": i, "value": "changed"}}, "root")
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        list(pool.map(write, range(n)))


def bench(n):
    procs = []
    try:
        (ovp, ov), (dvp, dv), (ocp, oc), (dcp, dc) = vault(), vault(), consul(), consul()
        procs += [ovp, dvp, ocp, dcp]
        for p in procs:
            pin(p.pid, 0)
        loaded = post(f"{ov}/_sim/vault/load", {"count": n, "mount": "secret/", "prefix": "bench/"})
        assert loaded.get("loaded", n) == n, loaded
        # Baseline: the same daemon with its jobs disabled (no sync info held).
        cfg = config(ov, dv, oc, dc, buckets_for(n))
        idle_cfg = json.loads(json.dumps(cfg))
        for j in idle_cfg["jobs"]:
            j["enabled"] = False
        idle = Daemon(idle_cfg, tmpdir=tempfile.mkdtemp(prefix="vk-bench-"))
        time.sleep(0.5)
        base_kib = peak_rss_kib(idle.proc.pid)
        idle.stop()

        d = Daemon(cfg, tmpdir=tempfile.mkdtemp(prefix="vk-bench-"))
        procs.append(d.proc)
        pin(d.proc.pid, 1)
        probe = AdminProbe(d)  # through the origin's first cycle and the destination's first copy
        origin = run_cycle(d, "origin", None)
        t_origin = origin["duration_seconds"]
        # One LIST of the folder plus one metadata read per secret.
        lower = (n + 1) * (LATENCY_MS / 1000.0) / IN_FLIGHT
        # The destination's start-up cycle may have run before the origin published: trigger one now.
        vkproc.wait_until(lambda: (newest_cycle(d, "dest") or {}).get("outcome", "running") != "running",
                          timeout=60, what="dest start-up cycle")
        first = run_cycle(d, "dest", newest_cycle(d, "dest")["id"])
        probe.stop()
        nochange = run_cycle(d, "dest", first["id"])
        changed_n = max(1, n // 100)
        change(ov, changed_n)
        origin2 = run_cycle(d, "origin", origin["id"])
        changed = run_cycle(d, "dest", nochange["id"])
        assert changed["counters"].get("update", 0) == changed_n, changed["counters"]
        peak = peak_rss_kib(d.proc.pid)
        print(f"--- {n:,} secrets, {buckets_for(n)} buckets, vault-sim latency {LATENCY_MS} ms, {IN_FLIGHT} in flight")
        print(f"origin cycle:               {t_origin:8.2f} s   (lower bound {lower:.2f} s, ratio {t_origin / lower:.2f}; target <= 1.5)")
        print(f"origin cycle after 1% change:{origin2['duration_seconds']:7.2f} s   (keys written {origin2['counters'].get('keys_written')})")
        print(f"destination first cycle:    {first['duration_seconds']:8.2f} s   (copied {first['counters'].get('add', 0):,})")
        print(f"destination, no change:     {nochange['duration_seconds']:8.3f} s   (target < 2 s at 100,000)")
        print(f"destination, 1% changed:    {changed['duration_seconds']:8.2f} s   ({changed_n:,} updated)")
        print(f"peak RSS:                   {peak / 1024:8.1f} MiB (idle daemon {base_kib / 1024:.1f} MiB); "
              f"{(peak - base_kib) * 1024 / n:.0f} bytes per secret above idle, {peak * 1024 / n:.0f} in all (target < 1024)")
        print("admin API during the origin's first cycle and the destination's first copy:")
        probe.report()
        d.stop()
    finally:
        for p in procs:
            try:
                p.stop()
            except Exception:
                pass


def main():
    counts = [500] if sys.argv[1:] == ["--smoke"] else [int(a) for a in sys.argv[1:]] or [10000, 100000]
    for n in counts:
        bench(n)


if __name__ == "__main__":
    main()
