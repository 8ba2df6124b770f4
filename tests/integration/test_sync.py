"""sync end to end over real processes: an origin vault-sim and consul-sim, a destination-region vault-sim and
consul-sim, and one vaultkeeper running an origin job and two destination jobs (one with a transform).
Covers create, update, delete, undelete, destroy, metadata recreated at the same version, a halt and a
deadline mid-cycle (Consul untouched), an injected read failure (nothing deleted), the deletion guard, the
origin sealed mid-cycle, and the sync routes and metrics."""
import base64
import json

import pytest

from syncstack import ROOT, fresh_stack, http, sync_sims  # noqa: F401 (fixtures)

JOBS = ("origin", "east", "west")


def sync_jobs(origin_timeout="20s", east_extra=None):
    origin = {"vault": "origin", "consul": "oc", "mounts": ["secret/"]}
    return [
        {"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": origin_timeout,
         "origin": origin, "buckets": 4, "workers": 4, "max_publish_drop_percent": 100},
        {"name": "east", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "20s",
         "origin": origin, "destination": {"vault": "dest", "consul": "dc", "sync_path": "east/"},
         "max_delete_percent": 100, "watch": False, **(east_extra or {})},
        {"name": "west", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "20s",
         "origin": origin, "destination": {"vault": "dest", "consul": "dc", "sync_path": "west/"},
         "transforms": [{"name": "to-west", "from": "secret/data/(?P<app>.+)", "to": "west/data/app"}],
         "max_delete_percent": 20, "watch": False},
    ]


def start(stack, extra_jobs=(), admin=None, audit=None, **jobs):
    """The daemon with the origin, east and west jobs (and extra_jobs) on `stack`, their start-up cycles
    ended; `admin`: its admin block besides the listener and token (admin.tokens); `audit`: its audit block."""
    blocks = {k: v for k, v in (("admin", admin), ("audit", audit)) if v}
    stack.start_daemon(sync_jobs(**jobs) + list(extra_jobs), **blocks)
    stack.wait_idle(JOBS)
    return stack


@pytest.fixture
def stack(fresh_stack):
    return start(fresh_stack)


def seed(stack, n=10):
    for i in range(n):
        stack.origin.write(f"app/s{i}", {"value": f"v{i}"})


def test_layout_is_vsync_compatible(stack):
    seed(stack, 6)
    stack.sync()
    keys = stack.oc.keys("vsync/origin/")
    assert sorted(keys) == ["vsync/origin/0", "vsync/origin/1", "vsync/origin/2", "vsync/origin/3",
                            "vsync/origin/index"], keys
    index = json.loads(base64.b64decode(stack.oc.entry("vsync/origin/index")["Value"]))
    assert len(index) == 4 and all(len(h) == 64 for h in index), index
    entries = {}
    for i in range(4):
        entries.update(json.loads(base64.b64decode(stack.oc.entry(f"vsync/origin/{i}")["Value"])))
    assert set(entries) == {f"secret/data/app/s{i}" for i in range(6)}, entries
    assert all(e["type"] == "kvV2" and e["version"] == 1 and e["updateTime"] for e in entries.values()), entries
    assert stack.dc.entry("east/destination/index") is not None


def test_create_update_delete_undelete_destroy_and_recreate_propagate(stack):
    seed(stack, 10)
    stack.sync()
    assert stack.dest.read("app/s3") == {"value": "v3"}
    assert stack.dest.read("app/s3", "west") == {"value": "v3"}, "the transform maps secret/data/X to west/data/X"

    stack.origin.write("app/s3", {"value": "v3-new"})
    stack.sync()
    assert stack.dest.read("app/s3") == {"value": "v3-new"}
    assert stack.dest.read("app/s3", "west") == {"value": "v3-new"}

    status, _ = http("DELETE", f"{stack.origin.addr}/v1/secret/data/app/s4")
    assert status == 204
    stack.sync()
    assert stack.dest.read("app/s4") is None, "a soft delete on the origin deletes the latest version"
    assert stack.dest.read("app/s4", "west") is None

    status, _ = http("POST", f"{stack.origin.addr}/v1/secret/undelete/app/s4", {"versions": [1]})
    assert status == 204
    stack.sync()
    assert stack.dest.read("app/s4") == {"value": "v4"}, "an undelete brings the secret back"

    status, _ = http("POST", f"{stack.origin.addr}/v1/secret/destroy/app/s5", {"versions": [1]})
    assert status == 204
    stack.sync()
    assert stack.dest.read("app/s5") is None, "a destroyed current version is deleted"

    status, _ = http("DELETE", f"{stack.origin.addr}/v1/secret/metadata/app/s6")
    assert status == 204
    assert stack.origin.write("app/s6", {"value": "reborn"})["version"] == 1, "metadata recreated at version 1"
    stack.sync()
    assert stack.dest.read("app/s6") == {"value": "reborn"}

    status, body, _ = stack.daemon.call("GET", "/metrics", token=None)
    assert 'vaultkeeper_sync_operations_total{job="east",op="add"}' in body
    assert 'vaultkeeper_sync_secrets{job="origin"} 9' in body, [l for l in body.splitlines() if "sync_secrets" in l]


def index_modify(stack):
    e = stack.oc.entry("vsync/origin/index")
    return e["ModifyIndex"] if e else None


def test_injected_read_failure_saves_nothing_and_deletes_nothing(stack):
    seed(stack, 10)
    stack.sync()
    before = index_modify(stack)
    stack.origin.write("app/s1", {"value": "changed"})
    stack.origin.sim("fail", {"method": "GET", "path": "/v1/secret/metadata/app/s2", "status": 500, "count": 100})
    c = stack.run_cycle("origin", expect=None)
    assert c["outcome"] == "failed" and "app/s2" in (c["error"] or ""), c
    assert index_modify(stack) == before, "a failed walk must not publish a partial set"
    for job in ("east", "west"):
        assert stack.run_cycle(job, expect=None)["outcome"] == "ok"
    assert stack.dest.read("app/s2") == {"value": "v2"}, "the unread path must not be deleted"
    stack.origin.sim("reset")
    stack.sync()
    assert stack.dest.read("app/s1") == {"value": "changed"}


def test_halt_mid_cycle_leaves_consul_unchanged(stack):
    seed(stack, 20)
    stack.sync()
    before = index_modify(stack)
    stack.origin.write("app/s1", {"value": "changed"})
    # 20 reads over 4 workers at 1 s each: the cycle runs for seconds, so the halt lands mid-cycle even on a
    # loaded machine (the halt cancels the reads in flight, so the test does not wait for them).
    stack.origin.sim("latency", {"ms": 1000})
    last = stack.newest_id("origin")
    assert stack.daemon.call("POST", "/v1/jobs/origin/trigger")[0] == 202
    stack.daemon.wait_job("origin", lambda j: j["state"] == "running", what="running")
    assert stack.daemon.call("POST", "/v1/jobs/origin/halt")[0] == 200
    c = stack.wait_cycle_end("origin", last + 1)
    assert c["outcome"] == "halted", c
    assert index_modify(stack) == before
    stack.origin.sim("reset")
    assert stack.daemon.call("POST", "/v1/jobs/origin/resume")[0] == 200
    stack.daemon.wait_job("origin", lambda j: j["last_cycle"]["id"] > c["id"] and j["state"] == "idle",
                          what="resumed cycle")
    assert index_modify(stack) != before, "the resumed cycle publishes the change"


def test_deadline_mid_cycle_leaves_consul_unchanged(fresh_stack):
    # 3 s: room for an unhurried 20-secret cycle on a loaded machine, and well under the slow one below.
    s = start(fresh_stack, origin_timeout="3s")
    seed(s, 20)
    assert s.run_cycle("origin", expect=None)["outcome"] == "ok"
    before = index_modify(s)
    s.origin.write("app/s1", {"value": "changed"})
    s.origin.sim("latency", {"ms": 1000})  # 20 reads over 4 workers at 1 s: 5 s > 3 s
    c = s.run_cycle("origin", expect=None)
    assert c["outcome"] == "timeout", c
    assert index_modify(s) == before


def test_deletion_guard_holds_until_approved(stack):
    seed(stack, 10)
    stack.sync()
    for i in range(5):
        status, _ = http("DELETE", f"{stack.origin.addr}/v1/secret/data/app/s{i}")
        assert status == 204
    assert stack.run_cycle("origin", expect=None)["outcome"] == "ok"
    c = stack.run_cycle("west", expect=None)
    assert c["outcome"] == "ok" and c["counters"].get("deletes_held") == 5, c
    assert c["warnings"] >= 1
    assert stack.dest.read("app/s0", "west") == {"value": "v0"}, "held deletes are not applied"
    status, plan, _ = stack.daemon.call("GET", "/v1/sync/west/plan")
    assert status == 200, plan
    assert sorted(p["path"] for p in plan["delete"]) == [f"secret/data/app/s{i}" for i in range(5)]
    assert {p["to"] for p in plan["delete"]} == {f"west/data/app/s{i}" for i in range(5)}
    assert plan["deletion_guard"]["hold"] is True and plan["add"] == [] and plan["update"] == []
    assert len(plan["plan"]) == 64, plan
    status, st, _ = stack.daemon.call("GET", "/v1/sync/west/status")
    assert status == 200 and st["held_deletes"] == 5 and st["role"] == "destination", st
    assert st["held_plan"] == plan["plan"], (st, plan)

    # Issue 10, point 2: the approval names the plan id; a missing or wrong-typed one is 400 naming /plan.
    for bad in (None, {}, {"plan": 5}):
        status, body, _ = stack.daemon.call("POST", "/v1/sync/west/approve-deletes", bad)
        assert status == 400 and "/plan" in json.dumps(body), (bad, status, body)
    status, body, _ = stack.daemon.call("POST", "/v1/sync/west/approve-deletes", {"plan": "0" * 64})
    assert status == 409 and plan["plan"] in json.dumps(body), ("a stale id answers 409 with the new id", body)
    last = stack.newest_id("west")
    status, body, _ = stack.daemon.call("POST", "/v1/sync/west/approve-deletes", {"plan": plan["plan"]})
    assert status == 202 and body["plan"] == plan["plan"], body
    c = stack.wait_cycle_end("west", last + 1)
    assert c["outcome"] == "ok" and c["counters"].get("delete") == 5, c
    assert stack.dest.read("app/s0", "west") is None
    assert stack.daemon.call("GET", "/v1/sync/west/status")[1]["held_deletes"] == 0
    assert stack.daemon.call("POST", "/v1/sync/west/approve-deletes", {"plan": plan["plan"]})[0] == 409, \
        "nothing held any more"
    # east allows 100%: it deleted at once.
    assert stack.run_cycle("east", expect=None)["outcome"] == "ok"
    assert stack.dest.read("app/s0") is None


def test_origin_sealed_mid_cycle(stack):
    seed(stack, 20)
    stack.sync()
    before = index_modify(stack)
    stack.origin.sim("latency", {"ms": 1000})  # a cycle of seconds: the seal lands mid-cycle however loaded
    last = stack.newest_id("origin")
    assert stack.daemon.call("POST", "/v1/jobs/origin/trigger")[0] == 202
    stack.daemon.wait_job("origin", lambda j: j["state"] == "running", what="running")
    stack.origin.sim("vault/seal", {"node": 0})  # the only node (0-based)
    c = stack.wait_cycle_end("origin", last + 1)
    assert c["outcome"] == "failed" and "sealed" in (c["error"] or ""), c
    assert index_modify(stack) == before
    stack.origin.sim("latency", {"ms": 0})
    assert stack.run_cycle("east", expect=None)["outcome"] == "ok"
    assert stack.dest.read("app/s7") == {"value": "v7"}, "nothing deleted while the origin is sealed"


def test_sync_routes_answer_by_role(stack):
    status, plan, _ = stack.daemon.call("GET", "/v1/sync/origin/plan")
    assert status == 200 and plan["role"] == "origin" and plan["plan"] is None, plan
    assert stack.daemon.call("POST", "/v1/sync/origin/approve-deletes", {"plan": "x"})[0] == 409, "nothing held"
    assert stack.daemon.call("GET", "/v1/sync/nope/plan")[0] == 404
    status, st, _ = stack.daemon.call("GET", "/v1/sync/origin/status")
    assert status == 200 and st["role"] == "origin" and st["job"] == "origin", st
    assert stack.daemon.call("GET", "/v1/sync/east/plan", token=None)[0] == 401


def test_watch_starts_a_destination_cycle_and_repair_restores_hand_edits(fresh_stack):
    s = start(fresh_stack, east_extra={"watch": True, "repair": True})
    seed(s, 5)
    s.sync()
    # watch: an origin change reaches east without a trigger (its interval is 1 h).
    last = s.newest_id("east")
    s.origin.write("app/s2", {"value": "watched"})
    assert s.run_cycle("origin", expect=None)["outcome"] == "ok"
    c = s.wait_cycle_end("east", last + 1, timeout=10)
    assert c["outcome"] == "ok" and c["counters"].get("update") == 1, c
    assert s.dest.read("app/s2") == {"value": "watched"}
    # repair: a secret changed by hand in the destination is restored from the origin.
    s.dest.write("app/s3", {"value": "edited by hand"})
    c = s.run_cycle("east", expect=None)
    assert c["outcome"] == "ok" and c["counters"].get("repair") == 1, c
    assert s.dest.read("app/s3") == {"value": "v3"}
    assert s.run_cycle("east", expect=None)["counters"].get("repair", 0) == 0, "nothing left to repair"
