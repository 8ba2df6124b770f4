"""HA through Kubernetes Leases, as processes: three vaultkeeper replicas share the jobs through one
coordination.k8s.io/v1 Lease per job on k8s-sim (TLS, bearer token). Each job runs on exactly one replica; kill -9
of a holder hands its jobs to the others within lease_duration + 2 x 1.2 x retry_period (client-go's bound);
a graceful stop hands them back at once (the Lease's holder cleared); no job's cycles ever overlap across
replicas."""
import json
import ssl
import time
import urllib.request

import pytest

import vkproc
from k8ssim import TOKEN, K8sSim
from test_ha import assert_no_overlap, cycles_of, jobs_of, spans
from vkdaemon import Daemon, job_spec

JOBS = ["alpha", "beta", "gamma", "delta"]
LEASE, RENEW, RETRY = 3.0, 2.0, 0.5  # seconds: lease_duration > renew_deadline > 1.2 x retry_period
TAKEOVER_LIMIT = LEASE + 2 * 1.2 * RETRY + 2.0  # + the test's polling and process scheduling


@pytest.fixture
def sim():
    s = K8sSim()
    yield s
    s.close()


def ha_config(sim, replica):
    return {
        "kubernetes": {"dev": {"api_server": sim.url, "token": {"file": sim.token_file}, "ca_file": sim.cert}},
        "ha": {"kubernetes": "dev", "namespace": "vault", "lease_duration": f"{LEASE}s",
               "renew_deadline": f"{RENEW}s", "retry_period": f"{RETRY}s", "replica_id": replica,
               "balance": False},  # the Leases on their own: balancing is test_ha_balance.py's
        "jobs": [job_spec(name, interval="1s", sleep="200ms") for name in JOBS],
    }


def leases(sim):
    ctx = ssl.create_default_context(cafile=sim.cert)
    req = urllib.request.Request(f"{sim.url}/apis/coordination.k8s.io/v1/namespaces/vault/leases",
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
        items = json.loads(r.read())["items"]
    return {i["metadata"]["name"]: i["spec"] for i in items}


def settled(replicas):
    """Every job has one holder that every replica agrees on, active there and standby elsewhere."""
    views = {rid: jobs_of(d) for rid, d in replicas.items()}
    out = {}
    for name in JOBS:
        holders = {v[name]["holder"] for v in views.values()}
        if len(holders) != 1:
            return None
        h = holders.pop()
        if h not in views or views[h][name]["state"] == "standby":
            return None
        if any(views[r][name]["state"] != "standby" for r in views if r != h):
            return None
        out[name] = h
    return out


def test_each_job_runs_on_one_replica_and_a_killed_holder_is_taken_over_in_time(sim):
    replicas = {rid: Daemon(ha_config(sim, rid)) for rid in ("r1", "r2", "r3")}
    try:
        holders = vkproc.wait_until(lambda: settled(replicas), 20, interval=0.2, what="every job held once")
        held = leases(sim)
        for name, h in holders.items():
            spec = held[f"vaultkeeper-{name}"]
            assert spec["holderIdentity"] == h and spec["leaseDurationSeconds"] == int(LEASE), spec
        victim_id = holders[JOBS[0]]
        victim = replicas.pop(victim_id)
        vkproc.wait_until(lambda: all(len(cycles_of(victim, n)) >= 2 for n, h in holders.items() if h == victim_id),
                          15, what="the victim running its jobs")
        before = {name: cycles_of(victim, name) for name in JOBS}
        victim.proc.kill()
        cut = time.time()
        t0 = time.monotonic()
        after = vkproc.wait_until(lambda: settled(replicas), TAKEOVER_LIMIT + 5, interval=0.1,
                                  what="the killed replica's jobs taken over")
        took = time.monotonic() - t0
        assert took <= TAKEOVER_LIMIT, f"takeover took {took:.1f}s"
        assert victim_id not in after.values()
        # Nobody ran a job while its holder was alive: each job's cycles on all replicas never overlap.
        vkproc.wait_until(lambda: all(len(cycles_of(replicas[after[n]], n)) >= 1 for n in JOBS), 10,
                          what="a cycle of every job on its new holder")
        for name in JOBS:
            assert_no_overlap(spans(before[name], cut), *[spans(cycles_of(d, name)) for d in replicas.values()])
        transitions = leases(sim)[f"vaultkeeper-{JOBS[0]}"]["leaseTransitions"]
        assert transitions >= 1
    finally:
        for d in replicas.values():
            d.stop()


def test_a_graceful_stop_hands_the_leases_back_at_once(sim):
    r1 = Daemon(ha_config(sim, "r1"))
    r2 = None
    try:
        vkproc.wait_until(lambda: all(j["holder"] == "r1" and j["state"] != "standby" for j in jobs_of(r1).values()),
                          10, interval=0.1, what="r1 holding every job")
        r2 = Daemon(ha_config(sim, "r2"))
        vkproc.wait_until(lambda: all(j["holder"] == "r1" for j in jobs_of(r2).values()), 10, interval=0.1,
                          what="r2 seeing r1 hold every job")
        r1.stop()
        t0 = time.monotonic()
        assert all(spec["holderIdentity"] in ("", "r2") for spec in leases(sim).values())
        vkproc.wait_until(lambda: all(j["holder"] == "r2" and j["state"] != "standby"
                                      for j in jobs_of(r2).values()), 2 * 2.2 * RETRY + 2, interval=0.05,
                          what="r2 taking every job at its next tries")
        assert time.monotonic() - t0 < LEASE  # not after an expiry
        assert "HA lease released" in r1.log()
    finally:
        r1.stop()
        if r2:
            r2.stop()
