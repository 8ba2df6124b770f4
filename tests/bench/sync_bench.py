#!/usr/bin/env python3
"""sync benchmark (issue 22): the daemon's origin and destination cycles against vault-sims with 2 ms latency.

Per size (default 10,000 and 100,000 secrets; 1000000 accepted; --smoke: 500, what ctest runs) the origin
vault-sim is seeded with /_sim/vault/seed (paths 2-6 deep, values 50-2,000 bytes) and it prints, with targets:
- the ceiling: vault_client_bench --metadata against the same origin sim at the daemon's in-flight count,
  measured right before the daemon starts; the origin walk rate (secrets/s) as a ratio to it (target >= 0.9
  at 1M) and the latency bound N x latency / in-flight;
- peak RSS (VmHWM) above an idle daemon per secret, separately for the origin cycle (the destination job of
  that daemon still waits for a publish) and the destination's first copy (in a daemon running only the
  destination job, into fresh sims) (target < 300 B at 1M), and for one daemon running both;
- the destination's first copy rate, a no-change cycle (target < 0.1 s), 1% changed (target < 5 s at 1M),
  1% deleted at the origin then approved by plan id, the bucket count, the Consul value bytes written per
  cycle (consul-sim's /_sim/consul/state) and the largest bucket's fill;
- GET /v1/jobs, /v1/sync/{name}/status (target p99 < 5 ms) and /metrics (p99 < 50 ms) while the origin's
  second cycle runs beside the destination's first copy (the first cycle, whose walk rate is compared with
  the ceiling, runs unprobed like the ceiling's measurement), and the io thread's lag;
- an identity check (GET /_sim/vault/digest of both sims) after the first copy, the changes and the deletes.
The sims run on core 0, the daemon and vault_client_bench on core 1. --smoke asserts no figures but fails
when a cycle fails or the destination differs from the origin.

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


def run_cycle(d, job, after_id, timeout=900, trigger=True):
    """Triggers `job` (unless after_id is None: its start-up cycle, or not trigger: a cycle something else
    starts); returns the first cycle newer than after_id once it ended ok."""
    if after_id is not None and trigger:
        d.call("POST", f"/v1/jobs/{job}/trigger")
    def ended():
        c = newest_cycle(d, job)
        return c if c and (after_id is None or c["id"] > after_id) and c["outcome"] != "running" else None
    vkproc.wait_until(lambda: ended() is not None, timeout=timeout, interval=0.05, what=f"{job} cycle")
    c = ended()
    assert c["outcome"] == "ok", c
    return c


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


def cpu_seconds(pid):
    """User + system CPU seconds of a process (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class AdminProbe:
    """GETs the admin API in a loop from another thread while cycles run: the latencies a dashboard sees."""

    ROUTES = ("/v1/jobs", "/v1/sync/origin/status", "/v1/sync/dest/status", "/metrics")

    def __init__(self, d):
        self.d = d
        self.times = {r: [] for r in self.ROUTES}
        self.failures = []
        self.running = True
        self.lag_before = lag_buckets(d)
        self.cpu = [cpu_seconds(d.proc.pid), time.monotonic()]
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
            time.sleep(0.001)

    def stop(self):
        self.running = False
        self.thread.join(timeout=30)
        self.lag_after = lag_buckets(self.d)
        self.busy = (cpu_seconds(self.d.proc.pid) - self.cpu[0]) / (time.monotonic() - self.cpu[1])
        # Lag histograms of daemons this probe watched before (pause/resume), summed with this one's.
        for before, after in getattr(self, "earlier_lag", []):
            self.lag_before = {le: self.lag_before.get(le, 0) - after[le] + before.get(le, 0) for le in after}

    def pause(self):
        """Stops probing (the daemon is about to stop); resume() goes on with another daemon."""
        self.running = False
        self.thread.join(timeout=30)
        self.earlier_lag = getattr(self, "earlier_lag", []) + [(self.lag_before, lag_buckets(self.d))]

    def resume(self, d):
        self.d, self.running, self.lag_before = d, True, lag_buckets(d)
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def report(self):
        lag_after = self.lag_after
        for route, ts in self.times.items():
            ts = sorted(ts)
            if ts:
                p50, p99 = ts[len(ts) // 2], ts[min(len(ts) - 1, int(len(ts) * 0.99))]
                target = "50 ms" if route == "/metrics" else "5 ms"
                few = "" if len(ts) >= 1000 else " (fewer than 1,000: the cycles were short)"
                print(f"  GET {route:24} {len(ts):5} requests, p50 {p50 * 1000:6.2f} ms, p99 {p99 * 1000:7.2f} ms"
                      f" (target p99 < {target}){few}")
        for f in self.failures[:10]:
            print(f"  FAILED {f}")
        print(f"  io thread lag p50 <= {bucket_quantile(self.lag_before, lag_after, 0.5) * 1000:g} ms, "
              f"p99 <= {bucket_quantile(self.lag_before, lag_after, 0.99) * 1000:g} ms (a 10 ms timer's lateness); "
              f"daemon CPU {self.busy:.0%} of its core meanwhile")


def get(url):
    with urllib.request.urlopen(url, timeout=600) as r:
        return json.loads(r.read() or b"{}")


def call(url, method, body=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                 method=method, headers={"X-Vault-Token": "root"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status


def buckets_for(n):
    """64 buckets up to 100,000 secrets, 512 at a million (each bucket within the 383 KiB a bucket may hold)."""
    return 64 if n <= 100_000 else 512


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
            # max_delete_percent 0: the 1% of deletes is held until approved by plan id.
            {"name": "dest", "kind": "sync", "role": "destination", "watch": False, "max_delete_percent": 0,
             "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]},
             "destination": {"vault": "d", "consul": "dc"}, **common},
        ],
    }


def metadata_ceiling(vault_addr, seconds, paths_file):
    """vault_client_bench --metadata at the daemon's in-flight count, on the daemon's core: reads/s. Also
    dumps the LISTed paths (the 1% to change and delete are taken from them)."""
    cmd = ["taskset", "-c", "1"] if (os.cpu_count() or 1) >= 2 else []
    cmd += [vkproc.binary("vault_client_bench"), "--metadata", "--address", vault_addr, "--token", "root",
            "--inflight", str(IN_FLIGHT), "--seconds", str(seconds), "--dump-paths", paths_file]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900).stdout
    return float(re.search(r"metadata_reads_per_second=([0-9.]+)", out).group(1))


class PeakRss:
    """VmHWM (peak RSS) of one process."""

    def __init__(self, pid):
        self.pid = pid

    def read(self, field="VmHWM:"):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
        return 0


def consul_bytes(addr):
    return get(f"{addr}/_sim/consul/state")["value_bytes_written"]


def digest(addr):
    return get(f"{addr}/_sim/vault/digest?mount=secret/")


def check_identity(ov, dv, when):
    o, d = digest(ov), digest(dv)
    assert o == d, f"destination differs from origin after {when}: {o} vs {d}"
    return o["secrets"]


def parallel(fn, items):
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        list(pool.map(fn, items))


def change(vault_addr, paths):
    parallel(lambda p: post(f"{vault_addr}/v1/secret/data/{p}", {"data": {"value": f"changed {p}"}}, "root"),
             paths)


def delete(vault_addr, paths):
    parallel(lambda p: call(f"{vault_addr}/v1/secret/data/{p}", "DELETE"), paths)


def approve_held_deletes(d, held):
    status, plan, _ = d.call("GET", "/v1/sync/dest/plan")
    assert status == 200 and len(plan["delete"]) == held, (status, {k: plan.get(k) for k in ("plan", "deletion_guard")})
    last = newest_cycle(d, "dest")["id"]
    status, body, _ = d.call("POST", "/v1/sync/dest/approve-deletes", {"plan": plan["plan"]})
    assert status == 202, (status, body)
    return run_cycle(d, "dest", last, trigger=False)


class Phase:
    """One measured cycle: its duration, the Consul value bytes written meanwhile and the seconds of its
    phases (the job's last_cycle.seconds, read right after the cycle)."""

    def __init__(self, cycle, consul_bytes_written, d=None, job=None):
        self.cycle, self.bytes = cycle, consul_bytes_written
        self.seconds = cycle["duration_seconds"]
        self.phases = phases_of(d, job) if d else {}

    def split(self):
        return ", ".join(f"{k} {v:.2f}" for k, v in self.phases.items()) or "?"


def phases_of(d, job):
    return d.call("GET", f"/v1/sync/{job}/status")[1].get("last_cycle", {}).get("seconds", {})


def measured(d, job, after_id, consul_addr, trigger=True):
    before = consul_bytes(consul_addr)
    c = run_cycle(d, job, after_id, trigger=trigger)
    return Phase(c, consul_bytes(consul_addr) - before, d, job)


def start_daemon(cfg, procs):
    d = Daemon(cfg, tmpdir=tempfile.mkdtemp(prefix="vk-bench-"))
    procs.append(d.proc)
    pin(d.proc.pid, 1)
    return d


def destination_alone(cfg, procs):
    """The first copy in a daemon running only the destination job, into a fresh destination Vault and
    Consul: a destination's own memory (in production the origin job runs in another region's daemon).
    Returns the copy's cycle and the daemon's peak RSS (KiB)."""
    (dvp, dv), (dcp, dc) = vault(), consul()
    for p in (dvp, dcp):
        procs.append(p)
        pin(p.pid, 0)
    alone = json.loads(json.dumps(cfg))
    alone["vaults"]["d"]["address"], alone["consuls"]["dc"]["address"] = dv, dc
    alone["jobs"][0]["enabled"] = False
    d = start_daemon(alone, procs)
    try:
        copy = run_cycle(d, "dest", None)  # its start-up cycle: the origin has published
        return copy, PeakRss(d.proc.pid).read()
    finally:
        d.stop()
        dvp.stop()
        dcp.stop()


def bench(n, smoke):
    procs = []
    workdir = tempfile.mkdtemp(prefix="vk-bench-")
    try:
        (ovp, ov), (dvp, dv), (ocp, oc), (dcp, dc) = vault(), vault(), consul(), consul()
        procs += [ovp, dvp, ocp, dcp]
        for p in procs:
            pin(p.pid, 0)
        seeded = post(f"{ov}/_sim/vault/seed", {"count": n, "mount": "secret/", "seed": 1})
        assert seeded["seeded"] == n, seeded
        paths_file = os.path.join(workdir, "paths")
        ceiling = metadata_ceiling(ov, 1 if smoke else 5, paths_file)
        with open(paths_file) as f:
            paths = [line.rstrip("\n") for line in f]
        assert len(paths) == n, (len(paths), n)
        # Baseline: the same daemon with its jobs disabled (no sync info held).
        cfg = config(ov, dv, oc, dc, buckets_for(n))
        idle_cfg = json.loads(json.dumps(cfg))
        for j in idle_cfg["jobs"]:
            j["enabled"] = False
        idle = Daemon(idle_cfg, tmpdir=tempfile.mkdtemp(prefix="vk-bench-"))
        time.sleep(0.5)
        base_kib = PeakRss(idle.proc.pid).read()
        idle.stop()

        d = start_daemon(cfg, procs)
        rss = PeakRss(d.proc.pid)
        oc_before = consul_bytes(oc)
        origin = Phase(run_cycle(d, "origin", None), None, d, "origin")
        origin.bytes = consul_bytes(oc) - oc_before
        origin_peak = rss.read()  # the destination job holds nothing yet: it waits for the first publish
        status = d.call("GET", "/v1/sync/origin/status")[1]["last_cycle"]
        # The destination's start-up cycle ran while the origin had not published yet (it waited): wait for
        # its end, then run the first copy and a second origin cycle at once in this daemon (the admin API's
        # latency while both run).
        vkproc.wait_until(lambda: (newest_cycle(d, "dest") or {}).get("outcome", "running") != "running",
                          timeout=60, what="dest start-up cycle")
        # The walk rate is measured unprobed (the ceiling is too); the probe starts with the second phase.
        probe = AdminProbe(d)
        d.call("POST", "/v1/jobs/origin/trigger")
        first = measured(d, "dest", newest_cycle(d, "dest")["id"], dc)
        beside = run_cycle(d, "origin", origin.cycle["id"], trigger=False)
        both_peak = rss.read()
        probe.stop()
        assert first.cycle["counters"].get("add", 0) == n, \
            ("the first copy copies every secret (did the start-up cycle copy already?)", first.cycle["counters"])
        check_identity(ov, dv, "the first copy")
        alone_copy, dest_peak = destination_alone(cfg, procs)
        assert alone_copy["counters"].get("add", 0) == n, alone_copy["counters"]

        nochange = measured(d, "dest", first.cycle["id"], dc)
        step = 100
        changed_paths, deleted_paths = paths[::step], paths[step // 2::step]
        change(ov, changed_paths)
        origin2 = measured(d, "origin", beside["id"], oc)
        changed = measured(d, "dest", nochange.cycle["id"], dc)
        assert changed.cycle["counters"].get("update", 0) == len(changed_paths), changed.cycle["counters"]
        check_identity(ov, dv, "1% changes")
        delete(ov, deleted_paths)
        origin3 = measured(d, "origin", origin2.cycle["id"], oc)
        held = run_cycle(d, "dest", changed.cycle["id"])
        assert held["counters"].get("deletes_held") == len(deleted_paths), held["counters"]
        before = consul_bytes(dc)
        approved = Phase(approve_held_deletes(d, len(deleted_paths)), None, d, "dest")
        approved.bytes = consul_bytes(dc) - before
        assert approved.cycle["counters"].get("delete") == len(deleted_paths), approved.cycle["counters"]
        live = check_identity(ov, dv, "1% deletes approved by plan id")
        assert live == n - len(deleted_paths), live

        lat = LATENCY_MS / 1000.0
        bound = n * lat / IN_FLIGHT
        walk = status.get("walk_seconds", origin.seconds)  # LISTs and metadata reads, without the publish
        walk_rate = n / walk
        per_secret = lambda kib: (kib - base_kib) * 1024 / n  # noqa: E731
        fill = status.get("fill_ratio")
        print(f"--- {n:,} secrets (seeded in {seeded['seconds']:.1f} s), {status.get('buckets', buckets_for(n))} "
              f"buckets, vault-sim latency {LATENCY_MS} ms, {IN_FLIGHT} in flight")
        print(f"metadata-read ceiling:      {ceiling:10.0f} reads/s (vault_client_bench --metadata, same sim)")
        print(f"origin cycle:               {origin.seconds:8.2f} s   (walk {walk:.2f} s over {status.get('folders', '?')} "
              f"folders; latency bound {bound:.2f} s, ratio {origin.seconds / bound:.2f}); Consul "
              f"{origin.bytes / 1024:,.0f} KiB written")
        print(f"  its phases (s):           {origin.split()}")
        print(f"origin walk rate:           {walk_rate:10.0f} secrets/s, {walk_rate / ceiling:.2f} of the ceiling "
              f"(target >= 0.9 at 1M)")
        print(f"origin after 1% change:     {origin2.seconds:8.2f} s   keys written "
              f"{origin2.cycle['counters'].get('keys_written')}, Consul {origin2.bytes / 1024:,.0f} KiB")
        print(f"  its phases (s):           {origin2.split()}")
        print(f"origin after 1% delete:     {origin3.seconds:8.2f} s   keys written "
              f"{origin3.cycle['counters'].get('keys_written')}, Consul {origin3.bytes / 1024:,.0f} KiB")
        print(f"largest bucket:             fill {fill if fill is None else f'{fill:.3f}'} of Consul's 512 KiB value limit"
              + (f" (~{fill * 512:.0f} KiB)" if fill is not None else ""))
        print(f"destination first copy:     {first.seconds:8.2f} s   {n / first.seconds:8.0f} secrets/s, "
              f"Consul {first.bytes / 1024:,.0f} KiB written")
        print(f"  its phases (s):           {first.split()}")
        print(f"destination, no change:     {nochange.seconds:8.3f} s   (target < 0.1 s), Consul "
              f"{nochange.bytes / 1024:,.0f} KiB")
        print(f"destination, 1% changed:    {changed.seconds:8.2f} s   ({len(changed_paths):,} updated; target < 5 s "
              f"at 1M), Consul {changed.bytes / 1024:,.0f} KiB")
        print(f"  its phases (s):           {changed.split()}")
        print(f"destination, 1% deleted:    {approved.seconds:8.2f} s   ({len(deleted_paths):,} held, then deleted "
              f"once approved by plan id), Consul {approved.bytes / 1024:,.0f} KiB")
        print(f"  its phases (s):           {approved.split()}")
        print(f"identity:                   destination equals origin after the first copy, the changes and the "
              f"deletes ({live:,} live secrets)")
        print(f"idle daemon:                {base_kib / 1024:8.1f} MiB")
        print(f"peak RSS, origin cycle:     {origin_peak / 1024:8.1f} MiB, {per_secret(origin_peak):6.0f} B per secret "
              f"above idle (target < 300 at 1M)")
        print(f"peak RSS, first copy:       {dest_peak / 1024:8.1f} MiB, {per_secret(dest_peak):6.0f} B per secret "
              f"above idle (target < 300 at 1M; a daemon running only the destination job, copy "
              f"{alone_copy['duration_seconds']:.2f} s)")
        print(f"peak RSS, both jobs:        {both_peak / 1024:8.1f} MiB, {per_secret(both_peak):6.0f} B per secret "
              f"above idle (origin and destination in one daemon, the first copy beside an origin cycle)")
        print("admin API while the origin's second cycle runs beside the destination's first copy:")
        probe.report()
        assert not probe.failures, probe.failures[:5]
        d.stop()
    finally:
        for p in procs:
            try:
                p.stop()
            except Exception:
                pass


def main():
    smoke = sys.argv[1:] == ["--smoke"]
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {0})  # this script and its admin probe beside the sims, not the daemon
    counts = [500] if smoke else [int(a) for a in sys.argv[1:]] or [10000, 100000]
    for n in counts:
        bench(n, smoke)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
