#!/usr/bin/env python3
"""keeper benchmark at fleet size: C Vault clusters (default 50, three vault-sim nodes each, one sim process per
cluster) kept by one release daemon, one keeper job per cluster, each with three file shard stores (5 shares,
threshold 3, interval 1 s).

Prints, for C clusters (3C nodes):
1. init: seconds from the daemon's start until every cluster is initialised and every node unsealed;
2. idle (nothing to do, 10 s): the daemon's CPU in % of one core and its RSS;
3. a fleet resealed (every node of every cluster restarted sealed), side by side in the same run:
   - direct: a 16-thread client submitting each node's three shares (read from the stores) itself, the
     floor for the same calls;
   - restart: the daemon started on the sealed fleet, until every node is unsealed (start-up, store checks,
     first cycle);
   - running: the daemon already running when the fleet is resealed (includes up to one interval's wait);
   and the ratio restart / direct;
4. rekey: every job asked to rekey at once, until every job's current set is the new one and every node is
   unsealed: seconds, and the daemon's peak RSS (VmHWM) over the whole run.

Usage: tests/bench/keeper_bench.py [clusters]   (VK_BIN_DIR overrides build/bin)
       tests/bench/keeper_bench.py --smoke       (2 clusters, short idle: ctest's check that the bench still runs;
                                                  its figures mean nothing)
"""
import base64
import concurrent.futures
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
os.environ.setdefault("VK_BIN_DIR", os.path.join(HERE, "..", "..", "build", "bin"))

import vkproc  # noqa: E402
from keeperenv import KEK, open_sealed  # noqa: E402
from proc_stats import cpu_seconds, peak_rss_kib, rss_mib  # noqa: E402

TOKEN = "bench-admin-token-0123456789"
NODES = 3
SHARES, THRESHOLD = 5, 3
STORES = ("a", "b", "c")


def call(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read()
    return json.loads(text) if text.strip() else None


class Cluster:
    """One vault-sim process serving a three-node cluster, and the directories of its job's stores."""

    def __init__(self, i, tmp):
        self.name = f"keeper-{i:03d}"
        self.dir = os.path.join(tmp, self.name)
        self.port = vkproc.free_port(NODES)
        self.sim = vkproc.Process(
            [vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{self.port}", "--nodes", str(NODES),
             "--data-dir", os.path.join(self.dir, "vault")],
            ready_url=self.node(0) + "/v1/sys/seal-status", log_path=os.path.join(tmp, self.name + ".log"))

    def node(self, n):
        return f"http://127.0.0.1:{self.port + n}"

    def job(self):
        return {"name": self.name, "kind": "keeper", "interval": "1s", "timeout": "30s", "vault": self.name,
                "nodes": [self.node(n) for n in range(NODES)],
                "init": {"secret_shares": SHARES, "secret_threshold": THRESHOLD},
                "stores": [{"name": s, "type": "file", "path": os.path.join(self.dir, s),
                            "kek": base64.b64encode(KEK).decode()} for s in STORES]}

    def sealed(self):
        return [n["sealed"] for n in call("GET", self.node(0) + "/_sim/vault/status")["nodes"]]

    def initialised(self):
        return call("GET", self.node(0) + "/v1/sys/init")["initialized"]

    def reseal(self):
        for n in range(NODES):
            call("POST", self.node(0) + "/_sim/vault/restart", {"node": n})

    def shares(self):
        """The current set's keys, read from the stores as the keeper wrote them."""
        record = None
        for s in STORES:
            path = os.path.join(self.dir, s, "keeper-state")
            if os.path.exists(path):
                with open(path, "rb") as f:
                    r = json.loads(open_sealed(f.read(), "keeper-state"))
                record = r if record is None or r["seq"] > record["seq"] else record
        current = record["current"]["id"]
        keys = {}
        for s in STORES:
            for name in os.listdir(os.path.join(self.dir, s)):
                if name.startswith(current + "-shard-"):
                    with open(os.path.join(self.dir, s, name), "rb") as f:
                        shard = json.loads(open_sealed(f.read(), name))
                    keys[shard["index"]] = shard["key"]
        return [keys[i] for i in sorted(keys)]

    def unseal_node(self, n, keys):
        for k in keys[:THRESHOLD]:
            if not call("PUT", self.node(n) + "/v1/sys/unseal", {"key": k})["sealed"]:
                return
        raise RuntimeError(f"{self.name} node {n} still sealed after {THRESHOLD} shares")


class Daemon:
    def __init__(self, clusters, tmp):
        self.port = vkproc.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cfg = {"admin": {"listen": f"127.0.0.1:{self.port}", "token": TOKEN}, "log": {"level": "warn"},
               "vaults": {c.name: {"address": c.node(0)} for c in clusters},
               "jobs": [c.job() for c in clusters]}
        path = os.path.join(tmp, "vk.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        self.proc = vkproc.Process([vkproc.binary("vaultkeeper"), "--config", path],
                                   ready_url=self.url + "/v1/health", log_path=os.path.join(tmp, "vk.log"))

    def current_set(self, job):
        status = call("GET", f"{self.url}/v1/keeper/{job}/status", token=TOKEN)
        return (status["procedure"]["current"] or {}).get("id"), status["procedure"]["step"]


def wait_unsealed(clusters, timeout, what):
    pending = set(range(len(clusters)))

    def done():
        for i in list(pending):
            if not any(clusters[i].sealed()):
                pending.discard(i)
        return not pending
    vkproc.wait_until(done, timeout, interval=0.05, what=what)


def timed(fn):
    t0 = time.monotonic()
    fn()
    return time.monotonic() - t0


def reseal_all(clusters):
    for c in clusters:
        c.reseal()
    assert all(all(c.sealed()) for c in clusters), "a restarted node is not sealed"


def direct_unseal(clusters, keys):
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda cn: cn[0].unseal_node(cn[1], keys[cn[0].name]),
                      [(c, n) for c in clusters for n in range(NODES)]))


def rekey_all(daemon, clusters, timeout):
    before = {c.name: daemon.current_set(c.name)[0] for c in clusters}
    for c in clusters:
        call("POST", f"{daemon.url}/v1/keeper/{c.name}/rekey", token=TOKEN)

    def done():
        for c in clusters:
            current, step = daemon.current_set(c.name)
            if current == before[c.name] or step != "idle" or any(c.sealed()):
                return False
        return True
    vkproc.wait_until(done, timeout, interval=0.1, what="every job rekeyed")


def main():
    smoke = "--smoke" in sys.argv
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = 2 if smoke else int(args[0]) if args else 50
    idle_seconds = 1 if smoke else 10
    tmp = tempfile.mkdtemp(prefix="vk-keeper-bench-")
    clusters, daemon = [], None
    try:
        clusters = [Cluster(i, tmp) for i in range(count)]
        print(f"keeper bench: {count} clusters, {count * NODES} nodes, {SHARES} shares / threshold {THRESHOLD}, "
              f"three file stores per job, interval 1 s")
        t0 = time.monotonic()
        daemon = Daemon(clusters, tmp)
        wait_unsealed(clusters, 60 + count, "every cluster initialised and unsealed")
        assert all(c.initialised() for c in clusters)
        print(f"init: {time.monotonic() - t0:.2f} s to initialise and unseal every cluster")

        time.sleep(2)  # the cycle after the init's: stores read back, nothing left to do
        cpu0, w0 = cpu_seconds(daemon.proc.pid), time.monotonic()
        time.sleep(idle_seconds)
        cpu = (cpu_seconds(daemon.proc.pid) - cpu0) / (time.monotonic() - w0) * 100
        print(f"idle: CPU {cpu:.1f}% of one core, RSS {rss_mib(daemon.proc.pid):.1f} MiB")

        keys = {c.name: c.shares() for c in clusters}
        daemon.proc.stop()
        reseal_all(clusters)
        direct = timed(lambda: direct_unseal(clusters, keys))
        reseal_all(clusters)
        t0 = time.monotonic()
        daemon = Daemon(clusters, tmp)
        wait_unsealed(clusters, 60 + count, "the fleet unsealed after a restart")
        restart = time.monotonic() - t0
        reseal_all(clusters)
        running = timed(lambda: wait_unsealed(clusters, 60 + count, "the fleet unsealed by the running daemon"))
        print(f"reseal: direct {direct:.2f} s, daemon restart {restart:.2f} s (ratio {restart / direct:.2f}), "
              f"daemon running {running:.2f} s (includes up to one 1 s interval)")

        rekey = timed(lambda: rekey_all(daemon, clusters, 120 + 2 * count))
        print(f"rekey: {rekey:.2f} s for every job; peak RSS of the restarted daemon (reseal, rekey) "
              f"{peak_rss_kib(daemon.proc.pid) / 1024:.1f} MiB")
    finally:
        if daemon:
            daemon.proc.stop()
        for c in clusters:
            c.sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
