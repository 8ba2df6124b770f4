"""HA as processes: two or three vaultkeeper replicas share the jobs through per-job Consul locks on one
consul-sim. Each job runs on exactly one replica; kill -9 of the holder hands every job to the other; a
restarted replica stays in standby; no job ever runs on both replicas at once -- nor the command of an
emissary job, which holds a per-job flock (tests/support/flockprobe.py) across SIGTERM, kill -9 and a Consul
outage."""
import datetime
import os
import signal
import tempfile
import time

import flockprobe
import vkproc
from vkdaemon import Daemon, job_spec

TTL = 20  # seconds: ha.session_ttl, the smallest allowed (Consul sessions get half of it)
JOBS = ["alpha", "beta", "gamma"]
# Consul (and consul-sim) invalidate a session 2 x its TTL (= ha.session_ttl) after the last renewal and HA
# locks have no lock-delay, so a crashed holder's jobs are taken over within one session_ttl; 2 s of slack
# covers the test's own polling and process scheduling. That bound is checked in real time by
# test_kill_9_takes_the_command_down_and_the_survivor_waits_for_the_dead_session; the other kill -9 test
# advances consul-sim's clock past the expiry instead and checks the survivor's reaction to it.
TAKEOVER_LIMIT = TTL + 2
REACTION_LIMIT = 5  # seconds from Consul freeing the locks to the survivor running every job


def start_consul():
    port = vkproc.free_port()
    proc = vkproc.Process([vkproc.binary("consul-sim"), "--listen", f"127.0.0.1:{port}"],
                          ready_url=f"http://127.0.0.1:{port}/v1/status/leader")
    return proc, f"http://127.0.0.1:{port}"


def ha_config(consul, replica):
    return {
        "consuls": {"main": {"address": consul}},
        # The locks on their own (first come takes all): balancing is test_ha_balance.py's.
        "ha": {"consul": "main", "key": "vk/ha", "session_ttl": f"{TTL}s", "replica_id": replica, "balance": False},
        "jobs": [job_spec(name, interval="1s", sleep="300ms") for name in JOBS],
    }


def jobs_of(d):
    status, body, _ = d.call("GET", "/v1/jobs")
    assert status == 200, body
    return {j["name"]: j for j in body["jobs"]} if isinstance(body, dict) else {j["name"]: j for j in body}


def cycles_of(d, job):
    status, body, _ = d.call("GET", f"/v1/jobs/{job}/cycles")
    assert status == 200, body
    return body["cycles"]


def ts(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def spans(cycles, cut=None):
    """(start, end) of each cycle; a cycle still running ends at `cut` (the kill) or now."""
    return [(ts(c["start"]), ts(c["end"]) if c["end"] else (cut or time.time())) for c in cycles]


def holders_settled(a, b):
    """Every job has one holder, agreed by both replicas, active there and standby on the other."""
    ja, jb = jobs_of(a), jobs_of(b)
    by_id = {"r1": ja, "r2": jb}
    for name in JOBS:
        h = ja[name]["holder"]
        if h not in by_id or jb[name]["holder"] != h:
            return None
        other = jb if h == "r1" else ja
        if by_id[h][name]["state"] == "standby" or other[name]["state"] != "standby":
            return None
    return {name: ja[name]["holder"] for name in JOBS}


def assert_no_overlap(*span_lists):
    merged = sorted(s for spans_ in span_lists for s in spans_)
    for (s1, e1), (s2, e2) in zip(merged, merged[1:]):
        assert s2 >= e1 - 0.01, f"cycles overlap: {(s1, e1)} and {(s2, e2)}"


def test_jobs_run_on_one_replica_and_fail_over_after_kill_9():
    consul, addr = start_consul()
    r1 = r2 = r1_again = None
    try:
        r1 = Daemon(ha_config(addr, "r1"))
        r2 = Daemon(ha_config(addr, "r2"))
        holders = vkproc.wait_until(lambda: holders_settled(r1, r2), 15, what="every job held once")
        by_holder = {"r1": r1, "r2": r2}
        # Let a few cycles run: each holder's own cycles are the clock.
        vkproc.wait_until(lambda: all(len(cycles_of(by_holder[h], n)) >= 3 for n, h in holders.items()), 20,
                          what="three cycles of every job on its holder")
        assert holders_settled(r1, r2) == holders, "holders changed without a failure"
        by_id = {"r1": r1, "r2": r2}
        for name, h in holders.items():
            standby = r2 if h == "r1" else r1
            assert cycles_of(standby, name) == [], f"{name} ran on the standby replica"
            assert len(cycles_of(by_id[h], name)) >= 2, f"{name} did not run on its holder {h}"

        # Crash the holder of the first job without any chance to release its locks.
        victim_id = holders[JOBS[0]]
        victim, survivor = (r1, r2) if victim_id == "r1" else (r2, r1)
        survivor_id = "r2" if victim_id == "r1" else "r1"
        before = {name: cycles_of(victim, name) for name in JOBS}
        victim.proc.kill()
        killed_at = time.time()
        # The dead replica's sessions run out (2 x TTL = ha.session_ttl) on consul-sim's clock, moved forward.
        status, _ = vkproc.json_call("POST", addr + "/_sim/consul/advance", {"by": f"{TTL}s"})[:2]
        assert status == 200
        t0 = time.monotonic()

        def all_taken():
            js = jobs_of(survivor)
            return all(js[n]["holder"] == survivor_id and js[n]["state"] != "standby" for n in JOBS)
        vkproc.wait_until(all_taken, REACTION_LIMIT + 5, interval=0.2, what="takeover by the survivor")
        takeover = time.monotonic() - t0
        assert takeover <= REACTION_LIMIT, f"takeover took {takeover:.1f}s after the sessions expired"

        # The survivor never ran a victim-held job while the victim was alive.
        for name in JOBS:
            if holders[name] == victim_id:
                vkproc.wait_until(lambda: cycles_of(survivor, name), 5, what=f"{name} runs on the survivor")
                assert_no_overlap(spans(before[name], cut=killed_at), spans(cycles_of(survivor, name)))
                assert all(ts(c["start"]) >= killed_at - 0.05 for c in cycles_of(survivor, name))

        # The crashed replica comes back under the same id: it stays in standby and runs nothing.
        victim_cfg = ha_config(addr, victim_id)
        r1_again = Daemon(victim_cfg)
        vkproc.wait_until(lambda: all(j["state"] == "standby" and j["holder"] == survivor_id
                                      for j in jobs_of(r1_again).values()), 10, what="the restarted replica in standby")
        # The survivor's own cycles are the clock: while it completes two more of each job, the restarted replica
        # (which has seen the lock held) must run nothing.
        counts = {n: len(cycles_of(survivor, n)) for n in JOBS}
        vkproc.wait_until(lambda: all(len(cycles_of(survivor, n)) >= counts[n] + 2 for n in JOBS), 20,
                          what="the survivor keeps running every job")
        js = jobs_of(r1_again)
        for name in JOBS:
            assert js[name]["state"] == "standby", js[name]
            assert js[name]["holder"] == survivor_id, js[name]
            assert cycles_of(r1_again, name) == []
    finally:
        for d in (r1_again, r2, r1):
            if d:
                d.stop()
        consul.stop()


def test_graceful_stop_hands_jobs_over_at_once():
    consul, addr = start_consul()
    r1 = r2 = None
    try:
        r1 = Daemon(ha_config(addr, "r1"))
        vkproc.wait_until(lambda: all(j["holder"] == "r1" and j["state"] != "standby"
                                      for j in jobs_of(r1).values()), 10, what="r1 holds every job")
        r2 = Daemon(ha_config(addr, "r2"))
        vkproc.wait_until(lambda: all(j["holder"] == "r1" for j in jobs_of(r2).values()), 10,
                          what="r2 sees r1 as holder")
        assert all(j["state"] == "standby" for j in jobs_of(r2).values())
        t0 = time.monotonic()
        assert r1.stop() == 0  # SIGTERM: jobs stop, then the locks are released
        vkproc.wait_until(lambda: all(j["holder"] == "r2" and j["state"] != "standby"
                                      for j in jobs_of(r2).values()), 10, interval=0.1, what="handover")
        # A released lock starts no lock-delay: the standby replica takes over within seconds, not a TTL.
        assert time.monotonic() - t0 < 5
    finally:
        for d in (r2, r1):
            if d:
                d.stop()
        consul.stop()


def _vault_post(addr, path, body):
    status, answer = vkproc.json_call("POST", f"{addr}{path}", body, token="root")
    assert status in (200, 204), answer


def _consul_keys(addr, prefix):
    status, keys = vkproc.json_call("GET", f"{addr}/v1/kv/{prefix}?keys")
    assert status in (200, 404), keys
    return keys if status == 200 else []


def test_lock_consul_unreachable_mid_cycle_cancels_the_cycle_and_saves_nothing():
    """Issue 15, "an HA replica that loses its lock mid-cycle because Consul becomes unreachable (not only an
    expired session) cancels that cycle at once and nothing is saved": the lock's Consul is killed while a slow
    sync origin cycle walks Vault; once the lock counts as lost (one session TTL without a renewal) the cycle is
    cancelled, and the data Consul (still up) never receives the sync index."""
    lock_consul, lock_addr = start_consul()
    data_consul, data_addr = start_consul()
    vport = vkproc.free_port()
    vault_addr = f"http://127.0.0.1:{vport}"
    vault = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{vport}", "--dev-root-token", "root"],
                           ready_url=f"{vault_addr}/v1/sys/health")
    d = None
    try:
        for i in range(60):
            _vault_post(vault_addr, f"/v1/secret/data/app/s{i}", {"data": {"v": str(i)}})
        # One worker at 400 ms a request: the walk takes far longer than the lock's TTL.
        _vault_post(vault_addr, "/_sim/latency", {"ms": 400})
        d = Daemon({
            "vaults": {"o": {"address": vault_addr, "token": "root"}},
            "consuls": {"lock": {"address": lock_addr}, "data": {"address": data_addr}},
            "ha": {"consul": "lock", "key": "vk/ha", "session_ttl": f"{TTL}s", "replica_id": "r1"},
            "jobs": [{"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "5m",
                      "origin": {"vault": "o", "consul": "data", "mounts": ["secret/"]}, "buckets": 2,
                      "workers": 1}],
        })
        vkproc.wait_until(lambda: (cycles_of(d, "origin") or [{}])[0].get("outcome") == "running", 60,
                          interval=0.2, what="the origin cycle runs on the lock holder")
        lock_consul.kill()
        t0 = time.monotonic()
        ended = vkproc.wait_until(
            lambda: (lambda c: c if c and c[0]["outcome"] != "running" else None)(cycles_of(d, "origin")),
            TTL + 15, interval=0.2, what="the cycle ends after the lock is lost")
        # Sessions get half of session_ttl and the lock counts as lost one session TTL after the last renewal.
        assert time.monotonic() - t0 <= TTL + 5
        assert ended[0]["outcome"] == "cancelled", ended[0]
        assert jobs_of(d)["origin"]["state"] == "standby"
        assert _consul_keys(data_addr, "vsync/") == []  # no bucket, no index: nothing saved
    finally:
        if d:
            d.stop()
        vault.stop()
        data_consul.stop()
        lock_consul.stop()


def _consul_key(addr, key):
    status, body = vkproc.json_call("GET", f"{addr}/v1/kv/{key}")
    assert status in (200, 404), body
    return body[0] if status == 200 else None


def test_clean_shutdown_releases_every_lock_without_a_warning():
    """Issue 19: a SIGTERM logged "HA lock: destroying the session failed ... cancelled" although the locks were
    released: each lock was cancelled again once the one before it had finished, cutting its own clean-up
    short. Made certain here: r0 holds alpha, so r1's alpha lock (the first stopped) only destroys its session
    while beta's and gamma's release and destroy (Consul answering in 50 ms) are still in flight."""
    consul, addr = start_consul()
    r0 = r1 = None
    try:
        r0_cfg = ha_config(addr, "r0")
        r0_cfg["jobs"] = r0_cfg["jobs"][:1]
        r0 = Daemon(r0_cfg)
        vkproc.wait_until(lambda: jobs_of(r0)[JOBS[0]]["holder"] == "r0", 10, what="r0 holds alpha")
        r1 = Daemon(ha_config(addr, "r1"))
        vkproc.wait_until(lambda: [jobs_of(r1)[n]["holder"] for n in JOBS] == ["r0", "r1", "r1"], 10,
                          what="r1 holds beta and gamma, waits for alpha")
        status, _ = vkproc.json_call("POST", f"{addr}/_sim/latency", {"ms": 50})
        assert status in (200, 204)
        assert r1.stop() == 0
        log = r1.log()
        assert "destroying the session failed" not in log, log
        assert "release failed" not in log, log
        for name in JOBS[1:]:
            entry = _consul_key(addr, f"vk/ha/{name}")
            assert entry is not None and not entry.get("Session"), entry
        status, sessions = vkproc.json_call("GET", f"{addr}/v1/session/list")
        assert status == 200 and len(sessions) == 1, sessions  # r0's alone
    finally:
        for d in (r1, r0):
            if d:
                d.stop()
        consul.stop()


class Guarded:
    """Replicas sharing one emissary job, "guard", whose command is flockprobe: it holds the job's flock for
    `hold` seconds and logs a collision when another replica's command still holds it. Each replica renders
    into its own directory, so a replica that takes the job over renders (and runs the command) at once."""

    def __init__(self, consul_addr, hold=60):
        self.dir = tempfile.mkdtemp(prefix="vk-ha-guard-")
        self.seed = os.path.join(self.dir, "seed")
        os.makedirs(self.seed)
        self.set_seed("v1")
        self.lockfile = os.path.join(self.dir, "guard.lock")
        self.log = flockprobe.Log(os.path.join(self.dir, "probe.log"))
        self.consul = consul_addr
        self.hold = hold
        self.replicas = {}

    def set_seed(self, value):
        tmp = os.path.join(self.seed, ".value.tmp")
        with open(tmp, "w") as f:
            f.write(value)
        os.rename(tmp, os.path.join(self.seed, "value"))

    def config(self, replica):
        return {
            "consuls": {"main": {"address": self.consul}},
            "ha": {"consul": "main", "key": "vk/ha", "session_ttl": f"{TTL}s", "replica_id": replica},
            "jobs": [{"name": "guard", "kind": "emissary", "interval": "1s", "timeout": "5m", "refresh": "1s",
                      "sources": {"files": {"type": "file", "root": self.seed}},
                      "templates": [{"contents": '{{ secret "files" "value" }}',
                                     "destination": os.path.join(self.dir, replica, "out")}],
                      "command": flockprobe.command(self.lockfile, self.log.path, self.hold, replica),
                      "command_timeout": "120s"}],
        }

    def start(self, *replicas):
        for r in replicas:
            self.replicas[r] = Daemon(self.config(r))

    def running_command(self):
        """(replica, pid) of a command that started and has not ended, held by that replica; else None."""
        ended = {e[1] for e in self.log.events("end")}
        running = [e for e in self.log.starts() if e[1] not in ended and not gone(e[1])]
        if len(running) != 1:
            return None
        _, pid, tag, _ = running[0]
        d = self.replicas.get(tag)
        if d is None:
            return None
        job = d.job("guard")
        return (tag, pid) if job["holder"] == tag and job["state"] == "running" else None

    def wait_command(self, timeout, other_than=None):
        def check():
            r = self.running_command()
            return r if r and r[0] != other_than else None
        return vkproc.wait_until(check, timeout, interval=0.1, what="the guard's command running on its holder")

    def stop(self):
        for d in self.replicas.values():
            d.stop()
        # A command that outlived its daemon (the bug these tests catch) must not outlive the test.
        for _, pid, _, _ in self.log.starts():
            if not gone(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def gone(pid):
    """Dead and reaped (or a zombie of a parent not ours): its command line is empty."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read() == b""
    except OSError:
        return True


def test_sigterm_kills_the_command_before_the_lock_goes_so_commands_never_overlap():
    """Issue 19: SIGTERM cancelled the cycle and released the lock at once while the command it had started ran
    on; the next holder ran the same job's command beside it. Now the command is killed and reaped before the
    lock is released: across two handovers among three replicas, no two commands hold the job's flock."""
    consul, addr = start_consul()
    g = Guarded(addr)
    try:
        g.start("r1", "r2", "r3")
        for _ in range(2):
            holder, pid = g.wait_command(20)
            assert g.replicas.pop(holder).stop() == 0
            # The daemon has exited: its command is gone with it, not left running.
            assert gone(pid), f"the command {pid} outlived the replica that ran it"
            g.wait_command(10, other_than=holder)  # the next holder took over at once and runs it
        assert g.log.collisions() == [], g.log.entries()
    finally:
        g.stop()
        consul.stop()


def test_kill_9_takes_the_command_down_and_the_survivor_waits_for_the_dead_session():
    """Issue 19: a command lived on past kill -9 of its daemon (its own process group) and overlapped the
    survivor's; the survivor showed the dead replica as holder until its session expired. Now the supervisor
    kills the group when the daemon dies; the survivor shows the lock as expiring, naming the replica whose
    session it waits for, and takes over within session_ttl of the crash (Consul invalidates a session twice
    its TTL, session_ttl / 2, after the last renewal)."""
    consul, addr = start_consul()
    g = Guarded(addr)
    try:
        g.start("r1", "r2")
        victim_id, pid = g.wait_command(20)
        survivor_id = "r2" if victim_id == "r1" else "r1"
        survivor = g.replicas[survivor_id]
        g.replicas.pop(victim_id).proc.kill()
        t0 = time.monotonic()
        vkproc.wait_until(lambda: gone(pid), 5, interval=0.05, what="the command killed with its daemon")
        expiring = survivor.wait_job("guard", lambda j: j["lock"] == "expiring", TTL / 2 + 5,
                                     what="the dead holder's session seen expiring")
        assert expiring["lock_waiting_for"] == victim_id, expiring
        assert expiring["holder"] == "" and expiring["state"] == "standby", expiring
        g.wait_command(TTL + 5, other_than=victim_id)
        takeover = time.monotonic() - t0
        assert takeover <= TAKEOVER_LIMIT, f"takeover took {takeover:.1f}s"
        job = survivor.job("guard")
        assert job["lock"] == "held" and job["holder"] == survivor_id and job["lock_waiting_for"] is None, job
        assert g.log.collisions() == [], g.log.entries()
    finally:
        g.stop()
        consul.stop()


def test_consul_outage_kills_the_command_within_one_session_ttl_and_nothing_overlaps():
    """Issue 19: a replica cut off from Consul (here: consul-sim stopped with SIGSTOP) counts its lock as lost by
    3/4 of the session TTL after its last renewal and kills and reaps the job's command before one session TTL
    (session_ttl / 2) has passed, so it is gone before Consul could let another replica in; once Consul is
    back, the next holder's command runs alone."""
    consul, addr = start_consul()
    g = Guarded(addr)
    try:
        g.start("r1", "r2")
        holder, pid = g.wait_command(20)
        before = len(g.log.starts())
        consul.signal(signal.SIGSTOP)
        t0 = time.monotonic()
        g.set_seed("v2")  # whoever holds the job next has a change to render, and runs the command again
        vkproc.wait_until(lambda: gone(pid), TTL / 2 + 3, interval=0.05, what="the command killed")
        killed_after = time.monotonic() - t0
        assert killed_after <= TTL / 2 + 0.5, f"the command died {killed_after:.1f}s after the outage began"
        consul.signal(signal.SIGCONT)
        vkproc.wait_until(lambda: len(g.log.starts()) > before and g.running_command(), 2 * TTL + 10,
                          interval=0.2, what="the command running again after the outage")
        assert g.log.collisions() == [], g.log.entries()
    finally:
        consul.signal(signal.SIGCONT)
        g.stop()
        consul.stop()
