#!/usr/bin/env python3
"""emissary benchmark at fleet size (issue 23): N templates (default 10,000) in one release daemon, split over
10 jobs, over 2N distinct Consul keys (100 folders) and N/5 Vault KV v2 secrets (each read by 5 templates),
against consul-sim and vault-sim on the same machine. Template i reads two Consul keys of its own and one
shared Vault secret; every job runs one command (a line appended to a file) after its changes. An eleventh job
renders 100 leased database credentials and 100 PKI certificates (vault-sim's engines), a template each.

Prints, for N templates:
1. start: seconds until every file is rendered;
2. idle (nothing changes, 20 s, from one check round after the renders): the daemon's CPU in % of one core (target < 2%), its RSS (target < 150 MiB),
   the requests per second each sim receives, and the blocking queries consul-sim holds;
3. Consul write -> file on disk over 200 changes, one at a time: p50/p99/max (target p99 < 50 ms);
4. Vault write -> file on disk over 50 changes spread over the effective check interval (from the jobs'
   status, else `refresh`): p50/p99/max (target p99 < interval + 100 ms);
5. a burst changing 1,000 templates at once (1,000 Consul PUTs from 16 threads): every file right, p50/p99/max
   from each PUT's answer to its file, and the command runs per job (coalesced per `wait` window);
6. the same idle requests per second with N/10 templates, side by side: flat is the design's point.

Usage: tests/bench/emissary_bench.py [templates]   (VK_BIN_DIR overrides build/bin)
       tests/bench/emissary_bench.py --smoke        (50 templates, short phases: ctest's check that the bench
                                                     still runs; its figures mean nothing)
VK_BENCH_VAULT_CHECK (default 10s; "0s" turns the checks off) and VK_BENCH_BUDGET (max_requests_per_second,
default 100) set the jobs' version checks.
"""
import concurrent.futures
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
os.environ.setdefault("VK_BIN_DIR", os.path.join(HERE, "..", "..", "build", "bin"))

import vkproc  # noqa: E402
from proc_stats import cpu_seconds, rss_mib  # noqa: E402

TOKEN = "bench-admin-token-0123456789"
ROOT = "bench-root-token"
JOBS = 10
GENERATED = 100  # leased database credentials and PKI certificates, each in a template of its own
PER_FOLDER = 100  # templates per Consul folder (two keys each)
VAULT_SHARE = 5  # templates per Vault secret


def call(method, url, body=None, token=None, header="X-Vault-Token"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header(header, token)
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read()
    return json.loads(text) if text.strip() else None


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def pct(samples, q):
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, int(round(len(s) * q)) - 1))]


def summary(samples):
    return (f"p50 {statistics.median(samples):.1f} ms, p99 {pct(samples, 0.99):.1f} ms, "
            f"max {max(samples):.1f} ms")


class Fleet:
    """The sims, the data and what every template's file must hold."""

    def __init__(self, n, tmp):
        self.n, self.tmp = n, tmp
        self.secrets = max(1, n // VAULT_SHARE)
        cport, vport = vkproc.free_port(), vkproc.free_port()
        self.consul_addr, self.vault_addr = f"http://127.0.0.1:{cport}", f"http://127.0.0.1:{vport}"
        self.consul = vkproc.Process([vkproc.binary("consul-sim"), "--listen", f"127.0.0.1:{cport}"],
                                     ready_url=f"{self.consul_addr}/v1/status/leader")
        self.vault = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{vport}",
                                     "--dev-root-token", ROOT], ready_url=f"{self.vault_addr}/v1/sys/health")
        self.values = {}  # Consul key or Vault path -> the value its templates must show
        for f in range((2 * n + 2 * PER_FOLDER - 1) // (2 * PER_FOLDER)):
            call("POST", f"{self.consul_addr}/_sim/consul/load",
                 {"prefix": f"app/f{f}/k", "count": 2 * PER_FOLDER, "size": 16})
        call("POST", f"{self.vault_addr}/_sim/vault/load", {"count": self.secrets, "mount": "secret/", "prefix": "s/"})
        self.generated = min(GENERATED, n)
        self.engines()

    def engines(self):
        """vault-sim's database engine (one role per leased secret) and a PKI mount with a root and a role."""
        v = self.vault_addr
        call("POST", f"{v}/v1/sys/mounts/database", {"type": "database"}, token=ROOT)
        for k in range(self.generated):
            call("POST", f"{v}/v1/database/roles/r{k}", {"db_name": "pg", "creation_statements": ["CREATE"],
                                                        "default_ttl": "1h", "max_ttl": "24h"}, token=ROOT)
        call("POST", f"{v}/v1/sys/mounts/pki", {"type": "pki"}, token=ROOT)
        call("POST", f"{v}/v1/pki/root/generate/internal", {"common_name": "bench root", "ttl": "720h"}, token=ROOT)
        call("POST", f"{v}/v1/pki/roles/web", {"allowed_domains": ["example.com"], "allow_subdomains": True,
                                                "max_ttl": "72h"}, token=ROOT)

    def generated_templates(self):
        """(contents, destination, what the file must contain) of the leased and certificate templates."""
        out = []
        for k in range(self.generated):
            out.append((f'{{{{ with secret "db" "database/creds/r{k}" }}}}user={{{{ .Data.username }}}}\n'
                        f'password={{{{ .Data.password }}}}\n{{{{ end }}}}',
                        os.path.join(self.tmp, "out", "leased", f"{k}.conf"), "user="))
            out.append((f'{{{{ with pkiCert "vault" "pki/issue/web" "common_name=t{k}.example.com" "ttl=48h" }}}}'
                        f'{{{{ .Cert }}}}{{{{ .Key }}}}{{{{ end }}}}',
                        os.path.join(self.tmp, "out", "certs", f"{k}.pem"), "-----BEGIN CERTIFICATE-----"))
        return out

    def keys(self, i):
        f, j = divmod(i, PER_FOLDER)
        return f"app/f{f}/k{2 * j}", f"app/f{f}/k{2 * j + 1}"

    def vault_path(self, i):
        return f"secret/s/{i % self.secrets}"

    def dest(self, i):
        return os.path.join(self.tmp, "out", f"t{i // 1000}", f"{i}.conf")

    def expected(self, i):
        a, b = self.keys(i)
        v = self.vault_path(i)
        return (f"a={self.values.get(a, 'v' * 16)}\nb={self.values.get(b, 'v' * 16)}\n"
                f"v={self.values.get(v, 'synthetic-' + v.rsplit('/', 1)[1])}\n")

    def template(self, i):
        a, b = self.keys(i)
        return (f'a={{{{ secret "kv" "{a}" }}}}\nb={{{{ secret "kv" "{b}" }}}}\n'
                f'v={{{{ secret "vault" "{self.vault_path(i)}" "value" }}}}\n')

    def consul_put(self, key, value):
        call("PUT", f"{self.consul_addr}/v1/kv/{key}", value.encode())
        self.values[key] = value

    def vault_put(self, path, value):
        call("POST", f"{self.vault_addr}/v1/secret/data/{path.removeprefix('secret/')}",
             {"data": {"value": value}}, token=ROOT)
        self.values[path] = value

    def requests(self):
        """Requests each sim answered so far (its per-route counters, summed)."""
        out = {}
        for name, addr in (("consul", self.consul_addr), ("vault", self.vault_addr)):
            out[name] = sum(call("GET", f"{addr}/_sim/counters").values())
        return out

    def stop(self):
        self.consul.stop()
        self.vault.stop()


def start_daemon(fleet, n, tag, vault_check):
    port = vkproc.free_port()
    per_job = (n + JOBS - 1) // JOBS
    jobs = []
    for j in range(JOBS):
        ids = range(j * per_job, min(n, (j + 1) * per_job))
        if not ids:
            continue
        jobs.append({"name": f"bench{j}", "kind": "emissary", "interval": "5m", "timeout": "1m",
                     "sources": {"kv": {"type": "consul", "consul": "c"}, "vault": {"type": "vault", "vault": "v"}},
                     "templates": [{"contents": fleet.template(i), "destination": fleet.dest(i)} for i in ids],
                     "command": ["/bin/sh", "-c", f"echo run >> {fleet.tmp}/runs-{tag}-{j}"],
                     "wait": {"min": "500ms", "max": "2s"}, "vault_check": vault_check,
                     "max_requests_per_second": int(os.environ.get("VK_BENCH_BUDGET", "100"))})
    if tag == "main" and fleet.generated:
        jobs.append({"name": "generated", "kind": "emissary", "interval": "5m", "timeout": "1m",
                     "sources": {"db": {"type": "vault", "vault": "v", "engine": "dynamic"},
                                 "vault": {"type": "vault", "vault": "v"}},
                     "templates": [{"contents": c, "destination": dest} for c, dest, _ in fleet.generated_templates()],
                     "command": ["/bin/sh", "-c", f"echo run >> {fleet.tmp}/runs-generated"],
                     "wait": {"min": "500ms", "max": "2s"}})
    cfg = {"admin": {"listen": f"127.0.0.1:{port}", "token": TOKEN}, "log": {"level": "warn"},
           "consuls": {"c": {"address": fleet.consul_addr}},
           "vaults": {"v": {"address": fleet.vault_addr, "auth": {"method": "token", "token": ROOT}}},
           "jobs": jobs}
    path = os.path.join(fleet.tmp, f"vk-{tag}.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    d = vkproc.Process([vkproc.binary("vaultkeeper"), "--config", path],
                       ready_url=f"http://127.0.0.1:{port}/v1/health", log_path=os.path.join(fleet.tmp, f"vk-{tag}.log"))
    d.admin = f"http://127.0.0.1:{port}"
    d.jobs = min(len(jobs), JOBS)
    return d


def wait_rendered(fleet, ids, timeout):
    pending = set(ids)

    def done():
        for i in list(pending):
            if read(fleet.dest(i)) == fleet.expected(i):
                pending.discard(i)
        return not pending
    vkproc.wait_until(done, timeout, interval=0.2, what=f"{len(ids)} files rendered")


def idle(fleet, d, seconds, settle):
    # Steady state: after the first renders' tail and the commands, and after the first round of version
    # checks (each value's first check after its initial read stores that it is watched, a write that the
    # kernel turns into a copy of the page shared with the command supervisor forked at start).
    time.sleep(settle)
    before, req0, t0 = cpu_seconds(d.pid), fleet.requests(), time.monotonic()
    time.sleep(seconds)
    used, req1, wall = cpu_seconds(d.pid) - before, fleet.requests(), time.monotonic() - t0
    waiters = call("GET", f"{fleet.consul_addr}/_sim/consul/state")["kv_waiters"]
    rates = {k: (req1[k] - req0[k]) / wall for k in req1}
    return used / wall * 100, rates, waiters


def consul_latency(fleet, changes):
    rng = random.Random(1)
    samples = []
    for c in range(changes):
        i = rng.randrange(fleet.n)
        fleet.consul_put(fleet.keys(i)[0], f"change-{c}")
        start, want, dest = time.monotonic(), fleet.expected(i), fleet.dest(i)
        while read(dest) != want:
            if time.monotonic() - start > 10:
                raise TimeoutError(f"consul change {c} (template {i}) not rendered in 10 s")
            time.sleep(0.0005)
        samples.append((time.monotonic() - start) * 1000)
    return samples


def track(fleet, started, timeout):
    """Waits until every template in `started` (id -> monotonic time of its write) shows its expected file;
    returns the latencies in ms."""
    pending, samples = dict(started), []
    deadline = time.monotonic() + timeout
    while pending:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(pending)} files not rendered in {timeout} s")
        for i, t in list(pending.items()):
            if read(fleet.dest(i)) == fleet.expected(i):
                samples.append((time.monotonic() - t) * 1000)
                del pending[i]
        time.sleep(0.002)
    return samples


def vault_latency(fleet, changes, interval):
    """Changes spread over one interval, each timed from its write to every file of its secret."""
    rng = random.Random(2)
    paths = rng.sample(range(fleet.secrets), min(changes, fleet.secrets))
    started, lock = {}, threading.Lock()

    def writer():
        for c, s in enumerate(paths):
            fleet.vault_put(f"secret/s/{s}", f"rotated-{c}")
            now = time.monotonic()
            with lock:
                for i in range(s, fleet.n, fleet.secrets):
                    started[i] = now
            time.sleep(interval / len(paths))
    t = threading.Thread(target=writer)
    t.start()
    samples = []
    deadline = time.monotonic() + interval * 3 + 30
    while t.is_alive() or started:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(started)} vault changes not rendered")
        with lock:
            for i, s in list(started.items()):
                if read(fleet.dest(i)) == fleet.expected(i):
                    samples.append((time.monotonic() - s) * 1000)
                    del started[i]
        time.sleep(0.005)
    t.join()
    return samples


def burst(fleet, d, tag, size):
    ids = list(range(0, fleet.n, max(1, fleet.n // size)))[:size]
    runs_before = [len(read(f"{fleet.tmp}/runs-{tag}-{j}").splitlines()) for j in range(d.jobs)]
    started = {}

    def one(i):
        fleet.consul_put(fleet.keys(i)[1], f"burst-{i}")
        started[i] = time.monotonic()
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(one, ids))
    put_seconds = time.monotonic() - t0
    samples = track(fleet, started, 60)
    time.sleep(2.5)  # the last wait window (max 2 s) closes and its command runs
    runs = [len(read(f"{fleet.tmp}/runs-{tag}-{j}").splitlines()) - runs_before[j] for j in range(d.jobs)]
    return samples, put_seconds, runs


def settle(d, seconds, vault_check):
    """Seconds to wait before an idle measurement: one effective check interval (at least 3 s, at most 3 s in
    the smoke run)."""
    if seconds < 3:
        return seconds
    return max(3.0, effective_interval(d, float(vault_check.removesuffix("s"))) + 1)


def effective_interval(d, fallback):
    """The jobs' effective Vault check interval (max(vault_check, checked paths / budget)) from their status."""
    st = call("GET", f"{d.admin}/v1/emissary/bench0/status", token=f"Bearer {TOKEN}", header="Authorization")
    found = [c.get("check_interval_seconds") for c in st.get("vault_checks") or []]
    return max([f for f in found if f] or [fallback])


def main():
    smoke = sys.argv[1:] == ["--smoke"]
    n = 50 if smoke else int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    idle_seconds = 1 if smoke else 20
    vault_check = os.environ.get("VK_BENCH_VAULT_CHECK", "2s" if smoke else "10s")  # "0s": checks off
    tmp = tempfile.mkdtemp(prefix="vk-emissary-bench-")
    fleet = Fleet(n, tmp)
    try:
        d = start_daemon(fleet, n, "main", vault_check)
        try:
            t0 = time.monotonic()
            wait_rendered(fleet, range(n), 600)
            vkproc.wait_until(lambda: all(want in read(dest) for _, dest, want in fleet.generated_templates()),
                              120, interval=0.2, what="every leased secret and certificate rendered")
            print(f"emissary bench: {n} templates in {d.jobs} jobs over {2 * n} Consul keys and {fleet.secrets} "
                  f"Vault KV v2 secrets, plus {fleet.generated} leased secrets and {fleet.generated} certificates "
                  f"in a job of their own; every file rendered {time.monotonic() - t0:.1f} s after start")
            cpu, rates, waiters = idle(fleet, d, idle_seconds, settle(d, idle_seconds, vault_check))
            rss = rss_mib(d.pid)
            print(f"idle {idle_seconds} s: daemon CPU {cpu:.2f}% of a core (target < 2%: "
                  f"{'met' if cpu < 2 else 'MISSED'}), RSS {rss:.0f} MiB (target < 150: "
                  f"{'met' if rss < 150 else 'MISSED'}); requests/s consul {rates['consul']:.1f}, vault "
                  f"{rates['vault']:.1f}; blocking queries held {waiters}")
            c = consul_latency(fleet, 20 if smoke else 200)
            print(f"consul write -> file, {len(c)} changes: {summary(c)} (target p99 < 50 ms: "
                  f"{'met' if pct(c, 0.99) < 50 else 'MISSED'})")
            interval = effective_interval(d, float(vault_check.removesuffix("s")))
            v = vault_latency(fleet, 5 if smoke else 50, interval)
            bound = interval * 1000 + 100
            print(f"vault write -> file, {len(v)} files of {min(fleet.secrets, 5 if smoke else 50)} changes over "
                  f"{interval:.0f} s: {summary(v)} (target p99 < {bound:.0f} ms: "
                  f"{'met' if pct(v, 0.99) < bound else 'MISSED'})")
            b, put_s, runs = burst(fleet, d, "main", 20 if smoke else 1000)
            print(f"burst: {len(b)} templates changed at once (PUTs took {put_s:.2f} s), every file right: "
                  f"{summary(b)}; command runs per job {runs}")
        finally:
            d.stop()
        small = max(1, n // 10)
        # consul-sim keeps a closed client's blocking queries until their wait ends: count the new ones only
        left = call("GET", f"{fleet.consul_addr}/_sim/consul/state")["kv_waiters"]
        d = start_daemon(fleet, small, "small", vault_check)
        try:
            wait_rendered(fleet, range(small), 300)
            _, small_rates, small_waiters = idle(fleet, d, idle_seconds, settle(d, idle_seconds, vault_check))
            print(f"idle requests/s with {small} templates: consul {small_rates['consul']:.1f}, vault "
                  f"{small_rates['vault']:.1f} (blocking queries {small_waiters - left}); with {n}: consul "
                  f"{rates['consul']:.1f}, vault {rates['vault']:.1f}")
        finally:
            d.stop()
    finally:
        fleet.stop()


if __name__ == "__main__":
    main()
