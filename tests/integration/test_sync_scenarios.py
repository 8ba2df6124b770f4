"""The sync job kind end to end (a second, independently written set of scenarios), as processes: an origin vault-sim and a destination-region vault-sim, a
consul-sim on each side, and one vaultkeeper daemon running an origin job and two destination jobs ("east"
copies secret/ as is, "west" rewrites secret/data/<app> to west/data/<app> through a transform).

The sims (syncstack.sync_sims) are shared by the whole module. Each test that changes Vault or Consul state gets
them wiped and its own daemon (`fresh_stack`); the read-only checks share one prepared daemon (`synced_env`). Cycles are started with POST /v1/jobs/{name}/trigger and awaited through
GET /v1/jobs/{name}/cycles: `run_cycle` returns the first cycle that started after the call, once it ended.
"""
import hashlib
import json
import re

import pytest

import vkproc
from syncstack import fresh_stack, http, reuse, sync_sims  # noqa: F401 (fixtures)

BUCKETS = 4


# --- the environment ------------------------------------------------------------------------------------------

def origin_job(**over):
    return {"name": "origin", "kind": "sync", "interval": "1s", "timeout": "20s", "role": "origin",
            "origin": {"vault": "origin", "consul": "oc", "mounts": ["secret/"], "sync_path": "vsync/"},
            "buckets": BUCKETS, "workers": 16, "max_publish_drop_percent": 100, **over}


def east_job(**over):
    return {"name": "east", "kind": "sync", "interval": "2s", "timeout": "20s", "role": "destination",
            "origin": {"vault": "origin", "consul": "oc", "mounts": ["secret/"]},
            "destination": {"vault": "dest", "consul": "dc", "sync_path": "east/"}, **over}


def west_job(**over):
    return {"name": "west", "kind": "sync", "interval": "2s", "timeout": "20s", "role": "destination",
            "origin": {"vault": "origin", "consul": "oc", "mounts": ["secret/"]},
            "destination": {"vault": "dest", "consul": "dc", "sync_path": "west/"},
            "transforms": [{"name": "to-west", "from": "secret/data/(?P<app>.+)", "to": "west/data/app"}],
            "max_delete_percent": 20, **over}


def default_jobs():
    return [origin_job(), east_job(), west_job()]


def seed(vault, paths, tag="v1"):
    data = {p: {"value": f"{p}-{tag}", "n": i} for i, p in enumerate(paths)}
    for p, d in data.items():
        vault.write(p, d)
    return data


def assert_live(env, path, data, *, west=True):
    """The destination holds `data` as the latest version of secret/<path> (east) and west/<path> (west)."""
    targets = [("secret", "east")] + ([("west", "west")] if west else [])
    for mount, job in targets:
        state, got = env.dest.state(path, mount)
        assert state == "live" and got == data, \
            f"{job}: destination {mount}/data/{path}: expected live {data}, got {state} {got}{env.log_tail()}"


def assert_gone(env, path, *, west=True):
    targets = [("secret", "east")] + ([("west", "west")] if west else [])
    for mount, job in targets:
        state, got = env.dest.state(path, mount)
        assert state in ("deleted", "destroyed"), \
            f"{job}: destination {mount}/data/{path}: expected its latest version deleted, got {state} {got}" \
            f"{env.log_tail()}"


def bucket_of(path, n=BUCKETS):
    d = hashlib.sha256(path.encode()).digest()
    return ((d[0] << 8) | d[1]) % n


# --- the shared, read-only environment -----------------------------------------------------------------------

SHARED_PATHS = ["layout/alpha", "layout/beta", "layout/gamma", "layout/deep/delta", "layout/deep/er/eps", "zeta"]


def prepare_synced(env):
    data = seed(env.origin, SHARED_PATHS)
    env.start_daemon(default_jobs() + [{"name": "plain", "kind": "test", "interval": "1h"}])
    env.sync()
    for p, d in data.items():
        assert_live(env, p, d)
    env.data = data


@pytest.fixture
def synced_env(sync_sims):
    """The module's sims with SHARED_PATHS synced by one daemon, kept from one read-only test to the next."""
    return reuse(sync_sims, "synced", prepare_synced)


def test_consul_layout_of_origin_and_destinations(synced_env):
    env = synced_env
    kv = env.oc.recurse("vsync/origin/")
    expected_keys = {f"vsync/origin/{i}" for i in range(BUCKETS)} | {"vsync/origin/index"}
    assert set(kv) == expected_keys, f"origin Consul keys under vsync/origin/: {sorted(kv)}"

    index = json.loads(kv["vsync/origin/index"][0])
    assert isinstance(index, list) and len(index) == BUCKETS, f"index is not a list of {BUCKETS}: {index!r}"
    assert all(isinstance(h, str) and re.fullmatch(r"[0-9a-f]{64}", h) for h in index), \
        f"index entries are not sha256 hex strings: {index}"

    seen = {}
    for i in range(BUCKETS):
        bucket = json.loads(kv[f"vsync/origin/{i}"][0])
        assert isinstance(bucket, dict), f"bucket {i} is not a JSON object: {bucket!r}"
        for path, entry in bucket.items():
            assert bucket_of(path) == i, f"{path} is in bucket {i}, vsync puts it in bucket {bucket_of(path)}"
            seen[path] = entry
    assert set(seen) == {f"secret/data/{p}" for p in SHARED_PATHS}, f"paths in the buckets: {sorted(seen)}"
    for p in SHARED_PATHS:
        entry = seen[f"secret/data/{p}"]
        meta = env.origin.metadata(p)
        assert set(entry) == {"version", "updateTime", "type"}, f"secret/data/{p}: {entry}"
        assert entry["type"] == "kvV2", f"secret/data/{p}: {entry}"
        assert entry["version"] == meta["current_version"], f"secret/data/{p}: {entry} vs metadata {meta}"
        assert entry["updateTime"] == meta["updated_time"], f"secret/data/{p}: {entry} vs metadata {meta}"

    # Each destination keeps its own info in its region's Consul; once in sync it mirrors the origin's
    # (keyed by origin paths, also for the transformed west), so the index hashes are equal.
    for prefix in ("east/destination/", "west/destination/"):
        dkv = env.dc.recurse(prefix)
        assert set(dkv) == {f"{prefix}{i}" for i in range(BUCKETS)} | {f"{prefix}index"}, \
            f"destination Consul keys under {prefix}: {sorted(dkv)}"
        assert json.loads(dkv[f"{prefix}index"][0]) == index, \
            f"{prefix}index differs from the origin's index: {dkv[prefix + 'index'][0]} vs {index}"
    assert env.oc.recurse("east/") == {} and env.dc.recurse("vsync/origin/") == {}, \
        "a job wrote its sync info into the other region's Consul"


def metric_samples(text, name):
    """[(labels dict, value)] of the samples of `name` in a Prometheus exposition."""
    out = []
    for line in text.splitlines():
        m = re.fullmatch(re.escape(name) + r"(?:\{(.*)\})?\s+(\S+)", line.strip())
        if m:
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1) or ""))
            out.append((labels, float(m.group(2))))
    return out


def metric(text, name, **labels):
    values = [v for ls, v in metric_samples(text, name) if all(ls.get(k) == v2 for k, v2 in labels.items())]
    assert values, f"no sample {name}{labels} in /metrics; samples of {name}: {metric_samples(text, name)}"
    return values[0]


def test_metrics(synced_env):
    env = synced_env
    status, text, headers = env.daemon.call("GET", "/metrics", token=None)
    assert status == 200, f"GET /metrics -> {status} {text}"
    n = len(SHARED_PATHS)
    assert metric(text, "vaultkeeper_sync_secrets", job="east") == n
    assert metric(text, "vaultkeeper_sync_secrets", job="west") == n
    assert metric(text, "vaultkeeper_sync_secrets", job="origin") == n
    assert metric(text, "vaultkeeper_sync_operations_total", job="east", op="add") == n, \
        "east copied each secret once"
    assert metric(text, "vaultkeeper_sync_operations_total", job="west", op="add") == n
    assert metric(text, "vaultkeeper_sync_deletes_held", job="east") == 0
    assert metric(text, "vaultkeeper_sync_failed_paths", job="east") == 0
    for p in SHARED_PATHS:
        assert p not in text, f"a secret path ({p}) appears in /metrics"


def test_status_plan_and_errors(synced_env):
    env = synced_env
    d = env.daemon
    n = len(SHARED_PATHS)

    status, body, _ = d.call("GET", "/v1/sync/east/status")
    assert status == 200 and body["role"] == "destination" and body["job"] == "east", f"{status} {body}"
    assert body["held_deletes"] == 0 and body["failed_paths"] == 0, body
    status, body, _ = d.call("GET", "/v1/sync/origin/status")
    assert status == 200 and body["role"] == "origin" and body["sync_prefix"] == "vsync/origin/", f"{status} {body}"
    assert d.job("east")["status"]["role"] == "destination"

    for job in ("east", "west"):
        status, body, _ = d.call("GET", f"/v1/sync/{job}/plan")
        assert status == 200, f"GET /v1/sync/{job}/plan -> {status} {body}"
        assert (body["add"], body["update"], body["delete"]) == ([], [], []), f"{job} in sync, yet plan: {body}"
        assert body["synced"] == n and body["deletion_guard"]["hold"] is False, body

    # Issue 10 point 3: an origin serves plan (its publish guard) and approve-deletes too.
    status, body, _ = d.call("GET", "/v1/sync/origin/plan")
    assert status == 200 and body["plan"] is None, f"plan of an origin job: {status} {body}"
    status, body, _ = d.call("POST", "/v1/sync/origin/approve-deletes", {"plan": "x"})
    assert status == 409, f"approve-deletes of an origin holding nothing: expected 409, got {status} {body}"
    status, body, _ = d.call("POST", "/v1/sync/east/approve-deletes", {"plan": "x"})
    assert status == 409, f"approve-deletes with nothing held: expected 409, got {status} {body}"
    status, body, _ = d.call("POST", "/v1/sync/east/approve-deletes")
    assert status == 400 and "/plan" in json.dumps(body), f"approve-deletes without a plan id: {status} {body}"
    for path in ("/v1/sync/nope/plan", "/v1/sync/nope/status", "/v1/sync/plain/plan"):
        status, body, _ = d.call("GET", path)
        assert status == 404, f"GET {path}: expected 404, got {status} {body}"
    status, body, _ = d.call("GET", "/v1/sync/east/plan", token=None)
    assert status == 401, f"GET /v1/sync/east/plan without a token: expected 401, got {status} {body}"


# --- tests with their own processes -------------------------------------------------------------------------

def test_create_update_delete_undelete_destroy_and_recreate_propagate(fresh_stack):
    env = fresh_stack
    paths = [f"life/s{i}" for i in range(10)]  # 10 secrets: one delete is 10%, under the 20% guard
    data = seed(env.origin, paths)
    env.start_daemon(default_jobs())

    # create
    env.sync()
    for p in paths:
        assert_live(env, p, data[p])
    assert env.dest.state("life/s0", "secret")[0] == "live"
    assert env.dest.state("west/data/life/s0", "secret")[0] == "missing", "west wrote under secret/"
    assert env.dest.state("life/s0", "west")[0] == "live"

    # update
    data["life/s0"] = {"value": "updated", "extra": "field"}
    env.origin.write("life/s0", data["life/s0"])
    env.sync()
    assert_live(env, "life/s0", data["life/s0"])

    # soft delete of the latest version
    env.origin.delete_latest("life/s1")
    env.sync()
    assert_gone(env, "life/s1")
    for p in paths:
        if p != "life/s1":
            assert_live(env, p, data[p])

    # undelete
    env.origin.undelete("life/s1", [1])
    env.sync()
    assert_live(env, "life/s1", data["life/s1"])

    # destroy the current version
    v = env.origin.metadata("life/s2")["current_version"]
    env.origin.destroy("life/s2", [v])
    env.sync()
    assert_gone(env, "life/s2")

    # metadata deleted and the secret written again: version 1 again, later updated_time
    before = env.origin.metadata("life/s3")
    env.origin.delete_metadata("life/s3")
    data["life/s3"] = {"value": "recreated"}
    env.origin.write("life/s3", data["life/s3"])
    after = env.origin.metadata("life/s3")
    assert after["current_version"] == before["current_version"] == 1, (before, after)
    env.sync()
    assert_live(env, "life/s3", data["life/s3"])

    for p in paths:
        if p != "life/s2":
            assert_live(env, p, data[p])
    for job in ("east", "west"):
        st = env.sync_status(job)
        assert st["failed_paths"] == 0 and st["held_deletes"] == 0, f"{job}: {st}"


def test_deletion_guard_holds_until_approved(fresh_stack):
    env = fresh_stack
    paths = [f"guard/s{i}" for i in range(10)]
    data = seed(env.origin, paths)
    env.start_daemon(default_jobs())
    env.sync()
    for p in paths:
        assert_live(env, p, data[p])

    doomed = paths[:5]  # 50% > max_delete_percent 20
    for p in doomed:
        env.origin.delete_latest(p)
    cycles = env.sync()
    for job in ("east", "west"):
        c = cycles[job]
        assert c["counters"].get("deletes_held") == 5, f"{job} cycle should hold 5 deletes: {json.dumps(c)}"
        assert c["counters"].get("delete", 0) == 0, f"{job} deleted despite the guard: {json.dumps(c)}"
    for p in paths:
        assert_live(env, p, data[p])

    for job, mount in (("east", "secret"), ("west", "west")):
        st = env.sync_status(job)
        assert st["held_deletes"] == 5, f"GET /v1/sync/{job}/status: {st}"
        assert env.daemon.job(job)["status"]["held_deletes"] == 5
        status, plan, _ = env.daemon.call("GET", f"/v1/sync/{job}/plan")
        assert status == 200, f"GET /v1/sync/{job}/plan -> {status} {plan}"
        expected = [{"path": f"secret/data/{p}", "to": f"{mount}/data/{p}"} for p in doomed]
        assert sorted(plan["delete"], key=lambda t: t["path"]) == expected, f"{job} plan: {plan}"
        guard = plan["deletion_guard"]
        assert guard["hold"] is True and guard["max_delete_percent"] == 20 and abs(guard["percent"] - 50) < 0.01, \
            f"{job} deletion_guard: {guard}"
        assert plan["synced"] == 10, plan

    # Approve east only, by its plan id (issue 10, point 2): west keeps holding.
    east_plan = env.daemon.call("GET", "/v1/sync/east/plan")[1]["plan"]
    n = env.newest_id("east")
    status, body, _ = env.daemon.call("POST", "/v1/sync/east/approve-deletes", {"plan": east_plan})
    assert status == 202 and body.get("plan") == east_plan, f"approve-deletes -> {status} {body}"
    env.wait_cycle_end("east", n + 1)
    # The approval applies to the next plan: that of cycle n + 1, or of cycle n if it was still reading Consul.
    after = [c for c in env.cycles("east") if c["id"] in (n, n + 1)]
    assert all(c["outcome"] == "ok" for c in after) and sum(c["counters"].get("delete", 0) for c in after) == 5, \
        f"the cycles around the approval: {json.dumps(after)}{env.log_tail()}"
    for p in doomed:
        assert_gone(env, p, west=False)
        assert env.dest.state(p, "west")[0] == "live", f"west deleted {p} without approval"
    for p in paths[5:]:
        assert_live(env, p, data[p])
    st = env.sync_status("east")
    assert st["held_deletes"] == 0 and st["approved_plan"] is None, f"east status after approval: {st}"
    status, body, _ = env.daemon.call("POST", "/v1/sync/east/approve-deletes", {"plan": east_plan})
    assert status == 409, f"approve-deletes with nothing held: expected 409, got {status} {body}"
    # Another cycle does not undo or repeat anything.
    c = env.run_cycle("east")
    assert not c["counters"].get("delete") and not c["counters"].get("add"), json.dumps(c)
    assert env.sync_status("west")["held_deletes"] == 5


def test_injected_origin_read_failure_publishes_nothing(fresh_stack):
    env = fresh_stack
    paths = [f"inject/other{i}" for i in range(7)] + ["inject/victim"]
    data = seed(env.origin, paths)
    env.start_daemon(default_jobs())
    env.sync(("east",))
    assert_live(env, "inject/victim", data["inject/victim"], west=False)

    env.origin.sim("fail", {"method": "GET", "path": "/v1/secret/metadata/inject/victim", "status": 500,
                            "count": 200})
    # Cycles started from now on see the failure; let one pass so no earlier cycle is still in flight.
    env.run_cycle("origin", expect="failed")
    before = env.oc.modify_indexes("vsync/origin/")
    data["inject/other0"] = {"value": "changed while failing"}
    env.origin.write("inject/other0", data["inject/other0"])
    c = env.run_cycle("origin", expect="failed")
    assert "inject/victim" in json.dumps(c), f"the failed cycle does not name the path that failed: {json.dumps(c)}"
    after = env.oc.modify_indexes("vsync/origin/")
    assert after == before, f"a failed origin cycle changed Consul: ModifyIndex before {before}, after {after}"

    env.run_cycle("east")
    assert_live(env, "inject/victim", {"value": "inject/victim-v1", "n": 7}, west=False)
    assert env.dest.state("inject/other0", "secret")[1] != data["inject/other0"], \
        "a change was published by a failed origin cycle"

    env.origin.sim("reset")
    env.run_cycle("origin")
    assert env.oc.modify_indexes("vsync/origin/")["vsync/origin/index"] > before["vsync/origin/index"], \
        "the index was not rewritten once the failure was gone"
    env.run_cycle("east")
    for p in paths:
        assert_live(env, p, data[p], west=False)


def slow_origin_jobs():
    """The origin walks with one worker (20 secrets at 200 ms each: ~4 s); "short" is a second origin job
    (own Consul prefix) with a 1 s deadline; east is a destination of the first. No periodic cycles."""
    return [origin_job(interval="1h", workers=1),
            origin_job(name="short", interval="1h", timeout="1s", workers=1,
                       origin={"vault": "origin", "consul": "oc", "mounts": ["secret/"], "sync_path": "short/"}),
            east_job(interval="1h")]


def secret_requests(vault):
    """Requests to the secret/ mount so far (the sim counts them on receipt, before its injected latency)."""
    status, counters = http("GET", f"{vault.addr}/_sim/counters", token=None)
    assert status == 200, counters
    return sum(n for route, n in counters.items() if route.endswith(" /v1/secret"))


def start_slow_walk(env, job="origin", reads=4):
    """Triggers a cycle of `job` and returns its id once its walk is under way: `reads` requests to secret/
    received (with one worker at 200 ms each, about 0.8 s into a walk of some 4 s)."""
    before = secret_requests(env.origin)
    n = env.newest_id(job)
    env.trigger(job, n)
    env.wait_running(job, n + 1)
    vkproc.wait_until(lambda: secret_requests(env.origin) >= before + reads, 10, interval=0.02,
                      what=f"the walk of {job} cycle {n + 1} to be under way")
    return n + 1


def test_halt_and_timeout_mid_walk_leave_consul_unchanged(fresh_stack):
    env = fresh_stack
    paths = [f"slow/s{i:02d}" for i in range(20)]
    seed(env.origin, paths)
    env.start_daemon(slow_origin_jobs())
    for job in ("origin", "short"):
        c = env.wait_first_ok(job)
        assert c["outcome"] == "ok", f"first cycle of {job}: {json.dumps(c)}{env.log_tail()}"

    # halt
    before = env.oc.modify_indexes("vsync/origin/")
    assert "vsync/origin/index" in before, before
    env.origin.write("slow/s00", {"value": "changed"})
    env.origin.sim("latency", {"ms": 200})
    cid = start_slow_walk(env)
    status, body, _ = env.daemon.call("POST", "/v1/jobs/origin/halt")
    assert status == 200, f"POST /v1/jobs/origin/halt -> {status} {body}"
    c = env.wait_cycle_end("origin", cid)
    assert c["outcome"] == "halted", f"expected a halted cycle, got {json.dumps(c)}{env.log_tail()}"
    assert env.daemon.job("origin")["state"] == "halted"
    after = env.oc.modify_indexes("vsync/origin/")
    assert after == before, f"a halted cycle changed Consul: ModifyIndex before {before}, after {after}"

    env.origin.sim("reset")
    status, body, _ = env.daemon.call("POST", "/v1/jobs/origin/resume")
    assert status == 200, f"POST /v1/jobs/origin/resume -> {status} {body}"
    env.run_cycle("origin")
    assert env.oc.modify_indexes("vsync/origin/")["vsync/origin/index"] > before["vsync/origin/index"], \
        "after resume, the change was not published"

    # deadline
    before = env.oc.modify_indexes("short/origin/")
    assert "short/origin/index" in before, before
    env.origin.write("slow/s01", {"value": "changed"})
    env.origin.sim("latency", {"ms": 200})
    c = env.run_cycle("short", expect="timeout")
    assert c["duration_seconds"] < 3, f"the 1 s deadline did not end the cycle promptly: {json.dumps(c)}"
    after = env.oc.modify_indexes("short/origin/")
    assert after == before, f"a timed-out cycle changed Consul: ModifyIndex before {before}, after {after}"
    env.origin.sim("reset")
    env.run_cycle("short")
    assert env.oc.modify_indexes("short/origin/")["short/origin/index"] > before["short/origin/index"]


def test_origin_sealed_mid_walk(fresh_stack):
    env = fresh_stack
    paths = [f"seal/s{i:02d}" for i in range(20)]
    data = seed(env.origin, paths)
    env.start_daemon([origin_job(interval="1h", workers=1), east_job(interval="1h")])
    c = env.wait_first_ok("origin")
    assert c["outcome"] == "ok", f"first origin cycle: {json.dumps(c)}{env.log_tail()}"
    env.run_cycle("east")
    for p in paths:
        assert_live(env, p, data[p], west=False)

    before = env.oc.modify_indexes("vsync/origin/")
    data["seal/s05"] = {"value": "changed before the seal"}
    env.origin.write("seal/s05", data["seal/s05"])
    env.origin.sim("latency", {"ms": 200})
    cid = start_slow_walk(env)
    env.origin.sim("vault/seal", {"node": 0})
    c = env.wait_cycle_end("origin", cid)
    assert c["outcome"] == "failed", f"origin cycle with the vault sealed mid-walk: {json.dumps(c)}{env.log_tail()}"
    assert "seal" in json.dumps(c).lower(), f"the failed cycle does not say the vault is sealed: {json.dumps(c)}"
    after = env.oc.modify_indexes("vsync/origin/")
    assert after == before, f"a failed origin cycle changed Consul: ModifyIndex before {before}, after {after}"

    c = env.run_cycle("east")
    assert not c["counters"].get("delete") and not c["counters"].get("deletes_held"), \
        f"east planned deletes after the origin failed: {json.dumps(c)}"
    for p in paths:
        state, _ = env.dest.state(p, "secret")
        assert state == "live", f"east: {p} is {state} after the origin was sealed"

    # A dev-mode node comes back unsealed after a restart.
    env.origin.sim("reset")
    env.origin.sim("vault/restart", {"node": 0})
    vkproc.wait_until(lambda: http("GET", f"{env.origin.addr}/v1/sys/health")[0] == 200, 10,
                      what="the origin vault-sim unsealed again")
    env.run_cycle("origin")
    assert env.oc.modify_indexes("vsync/origin/")["vsync/origin/index"] > before["vsync/origin/index"]
    env.run_cycle("east")
    for p in paths:
        assert_live(env, p, data[p], west=False)
