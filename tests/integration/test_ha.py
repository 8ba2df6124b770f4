"""HA as processes: two vaultkeeper replicas share the jobs through per-job Consul locks on one consul-sim.
Each job runs on exactly one replica; kill -9 of the holder hands every job to the other; a restarted
replica stays in standby; no job ever runs on both replicas at once."""
import datetime
import time

import vkproc
from vkdaemon import Daemon, job_spec

TTL = 20  # seconds: ha.session_ttl, the smallest allowed (Consul sessions get half of it)
JOBS = ["alpha", "beta", "gamma"]
# Consul (and consul-sim) invalidate a session 2 x its TTL (= ha.session_ttl) after the last renewal and HA
# locks have no lock-delay, so a crashed holder's jobs are taken over within one session_ttl; 2 s of slack
# covers the test's own polling and process scheduling.
TAKEOVER_LIMIT = TTL + 2


def start_consul():
    port = vkproc.free_port()
    proc = vkproc.Process([vkproc.binary("consul-sim"), "--listen", f"127.0.0.1:{port}"],
                          ready_url=f"http://127.0.0.1:{port}/v1/status/leader")
    return proc, f"http://127.0.0.1:{port}"


def ha_config(consul, replica):
    return {
        "consuls": {"main": {"address": consul}},
        "ha": {"consul": "main", "key": "vk/ha", "session_ttl": f"{TTL}s", "replica_id": replica},
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
        t0 = time.monotonic()

        def all_taken():
            js = jobs_of(survivor)
            return all(js[n]["holder"] == survivor_id and js[n]["state"] != "standby" for n in JOBS)
        vkproc.wait_until(all_taken, TAKEOVER_LIMIT + 5, interval=0.2, what="takeover by the survivor")
        takeover = time.monotonic() - t0
        assert takeover <= TAKEOVER_LIMIT, f"takeover took {takeover:.1f}s"

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
