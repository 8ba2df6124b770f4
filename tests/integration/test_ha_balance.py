"""HA balancing as processes, through Consul locks and Kubernetes Leases alike: 12 jobs and 3 replicas. The
first replica takes every job; the two that join bring it to 4/4/4 within one interval (jobs handed back
between their cycles, taken by the least loaded); a replica killed with -9 leaves its jobs to the other two
(6/6 once its locks expire); back under the same id, it gets its 4 again. A poller records every replica's
view of every job throughout: no job's cycles ever overlap across replicas (each replica's own cycle
records), and no job goes unheld for longer than one takeover time. GET /v1/ha and the web page list the
replicas."""
import json
import os
import subprocess
import threading
import time

import pytest

import vkproc
from k8ssim import K8sSim
from test_ha import assert_no_overlap, cycles_of, jobs_of, spans, start_consul
from vkdaemon import ADMIN_TOKEN, Daemon, job_spec

JOBS = [f"job{i:02d}" for i in range(12)]
INTERVAL = 3.0
TTL = 20  # Consul: ha.session_ttl; the killed replica's sessions are invalidated at once instead
LEASE, RENEW, RETRY = 3.0, 2.0, 0.5  # Kubernetes


class ConsulLocks:
    takeover = 5.0  # from the victim's sessions' invalidation to every job held again

    def __init__(self):
        self.proc, self.addr = start_consul()

    def config(self, replica):
        return {"consuls": {"main": {"address": self.addr}},
                "ha": {"consul": "main", "key": "vk/ha", "session_ttl": f"{TTL}s", "replica_id": replica}}

    def expire_dead_holders(self, victim):
        # What Consul does once the victim's sessions go unrenewed past their TTL: invalidate them (the
        # sessions' behaviours apply). Only the victim's: advancing the clock would expire the live ones too.
        status, sessions = vkproc.json_call("GET", self.addr + "/v1/session/list")[:2]
        assert status == 200
        theirs = [s["ID"] for s in sessions if s["Name"].startswith(f"vaultkeeper {victim}: ")]
        assert len(theirs) >= len(JOBS) // 3 + 1, sessions  # at least its held jobs' locks and its member lock
        for sid in theirs:
            assert vkproc.json_call("PUT", self.addr + f"/v1/session/destroy/{sid}")[0] == 200

    def close(self):
        self.proc.stop()


class KubernetesLeases:
    takeover = LEASE + 2 * 1.2 * RETRY + 3 * RETRY + 2.0  # expiry + client-go's retries + our grace + polling

    def __init__(self):
        self.sim = K8sSim()

    def config(self, replica):
        s = self.sim
        return {"kubernetes": {"dev": {"api_server": s.url, "token": {"file": s.token_file}, "ca_file": s.cert}},
                "ha": {"kubernetes": "dev", "namespace": "vault", "lease_duration": f"{LEASE}s",
                       "renew_deadline": f"{RENEW}s", "retry_period": f"{RETRY}s", "replica_id": replica}}

    def expire_dead_holders(self, victim):
        pass  # Leases expire on the observers' clocks

    def close(self):
        self.sim.close()


@pytest.fixture(params=["consul", "kubernetes"])
def locks(request):
    backend = ConsulLocks() if request.param == "consul" else KubernetesLeases()
    yield backend
    backend.close()


def daemon(locks, replica):
    cfg = locks.config(replica)
    cfg["jobs"] = [job_spec(name, interval=f"{INTERVAL}s", sleep="300ms") for name in JOBS]
    return Daemon(cfg)


class HolderLog:
    """Polls every live replica's view of every job: (time, replica, job, active)."""

    def __init__(self, replicas):
        self.replicas = replicas
        self.rows = []
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            for rid, d in list(self.replicas.items()):
                try:
                    view = jobs_of(d)
                except Exception:
                    continue  # killed meanwhile
                now = time.time()
                self.rows += [(now, rid, n, j["state"] != "standby") for n, j in view.items()]
            time.sleep(0.1)

    def stop(self):
        self.stopping = True
        self.thread.join(10)

    def longest_unheld(self, after):
        """The longest time any job was seen active on no replica, from `after` on."""
        worst = 0.0
        for name in JOBS:
            active_at = sorted(t for t, _, n, a in self.rows if n == name and a and t >= after)
            points = [after] + active_at
            worst = max([worst] + [b - a for a, b in zip(points, points[1:])])
        return worst


def show_replicas_in_browser(d, self_id, expected):
    """The web page of `d` lists the replicas (tests/browser/replicas.test.mjs, Debian's chromium)."""
    browser_dir = os.path.join(os.path.dirname(__file__), "..", "browser")
    assert os.path.isdir(os.path.join(browser_dir, "node_modules", "playwright-core")), \
        "run scripts/install-deps.sh (npm ci in tests/browser) first"
    env = dict(os.environ, VK_URL=d.url(""), VK_TOKEN=ADMIN_TOKEN, VK_SELF=self_id, VK_EXPECT=json.dumps(expected))
    r = subprocess.run(["node", "replicas.test.mjs"], cwd=browser_dir, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def counts(replicas):
    """Jobs per replica when every replica agrees on every job's holder and only the holder is active."""
    views = {rid: jobs_of(d) for rid, d in replicas.items()}
    per = {rid: 0 for rid in replicas}
    for name in JOBS:
        holders = {v[name]["holder"] for v in views.values()}
        if len(holders) != 1:
            return None
        h = holders.pop()
        if h not in views or any((views[r][name]["state"] != "standby") != (r == h) for r in views):
            return None
        per[h] += 1
    return per


def balanced(replicas, each):
    c = counts(replicas)
    return c if c and all(n == each for n in c.values()) else None


def wait_balanced(replicas, each, timeout, what):
    """Waits for `each` jobs on every replica; on timeout, says what every replica saw."""
    try:
        vkproc.wait_until(lambda: balanced(replicas, each), timeout, interval=0.2, what=what)
    except TimeoutError as e:
        views = {rid: {n: (j["holder"], j["state"]) for n, j in jobs_of(d).items()} for rid, d in replicas.items()}
        raise AssertionError(f"{e}; the replicas' views: {views}") from None


def test_twelve_jobs_spread_over_three_replicas_and_follow_a_kill_and_a_restart(locks):
    replicas = {"r1": daemon(locks, "r1")}
    log = HolderLog(replicas)
    ended = []  # cycles of killed replicas, cut at the kill
    try:
        wait_balanced(replicas, 12, 20, "r1 holding all 12 jobs")
        replicas["r2"] = daemon(locks, "r2")
        replicas["r3"] = daemon(locks, "r3")
        t0 = time.monotonic()
        wait_balanced(replicas, 4, INTERVAL + 15, "4 jobs on each replica")
        joined = time.monotonic() - t0
        print(f"balanced {joined:.1f} s after two replicas joined")
        status, ha, _ = replicas["r2"].call("GET", "/v1/ha")
        assert status == 200 and ha["enabled"] and ha["balance"] and ha["replica_id"] == "r2", ha
        assert {(r["id"], r["jobs"], r["self"]) for r in ha["replicas"]} == {
            ("r1", 4, False), ("r2", 4, True), ("r3", 4, False)}, ha
        show_replicas_in_browser(replicas["r2"], "r2", {"r1": 4, "r2": 4, "r3": 4})

        victim = replicas.pop("r1")
        cut = time.time()
        ended += [(n, spans(cycles_of(victim, n), cut)) for n in JOBS]
        victim.proc.kill()
        locks.expire_dead_holders("r1")
        freed = time.time()
        wait_balanced(replicas, 6, locks.takeover + 10,
                      "the killed replica's jobs spread over the other two")
        print(f"6/6 {time.time() - freed:.1f} s after the victim's locks were freed")
        assert log.longest_unheld(freed) <= locks.takeover, "a job stayed unheld longer than one takeover"

        replicas["r1"] = daemon(locks, "r1")
        wait_balanced(replicas, 4, INTERVAL + 15 + locks.takeover,
                      "4 jobs on each replica again")
        rejoined_at = time.time()
        vkproc.wait_until(lambda: all(cycles_of(d, n) for d in replicas.values() for n in JOBS
                                      if jobs_of(d)[n]["state"] != "standby"), 2 * INTERVAL + 5,
                          what="a cycle of every job on its holder")
        # Settled: holders stay put for two more intervals (no churn).
        assert counts(replicas) == {"r1": 4, "r2": 4, "r3": 4}
        settled = {n: j["holder"] for n, j in jobs_of(replicas["r2"]).items()}
        before = {n: len(cycles_of(replicas[settled[n]], n)) for n in JOBS}
        vkproc.wait_until(lambda: all(len(cycles_of(replicas[settled[n]], n)) >= before[n] + 2 for n in JOBS),
                          3 * INTERVAL + 5, what="two more cycles of every job")
        assert {n: jobs_of(replicas["r3"])[n]["holder"] for n in JOBS} == settled, "holders moved once balanced"
        assert log.longest_unheld(rejoined_at) <= INTERVAL, "a job went unheld after balancing"
        # No job ever ran on two replicas at once, across the whole test.
        for name in JOBS:
            assert_no_overlap(*[s for n, s in ended if n == name],
                              *[spans(cycles_of(d, name)) for d in replicas.values()])
        assert joined <= INTERVAL + 10
    finally:
        log.stop()
        for d in replicas.values():
            d.stop()
