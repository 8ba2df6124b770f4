"""sync end to end over real processes: an origin vault-sim and consul-sim, a destination-region vault-sim and
consul-sim, and one vaultkeeper running an origin job and two destination jobs (one with a transform).
Covers create, update, delete, undelete, destroy, metadata recreated at the same version, a halt and a
deadline mid-cycle (Consul untouched), an injected read failure (nothing deleted), the deletion guard, the
origin sealed mid-cycle, and the sync routes and metrics."""
import json
import urllib.error
import urllib.request

import pytest

import vkproc
from vkdaemon import Daemon

ROOT = "root"


def http(method, url, body=None, token=ROOT):
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, method=method)
    if token:
        req.add_header("X-Vault-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw) if raw else None
        except ValueError:
            return e.code, raw.decode(errors="replace")


class Vault:
    def __init__(self):
        self.port = vkproc.free_port()
        self.addr = f"http://127.0.0.1:{self.port}"
        self.proc = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{self.port}",
                                    "--dev-root-token", ROOT], ready_url=f"{self.addr}/v1/sys/health")

    def write(self, mount, path, data):
        status, body = http("POST", f"{self.addr}/v1/{mount}/data/{path}", {"data": data})
        assert status == 200, body
        return body["data"]["version"]

    def read(self, mount, path):
        """The latest data, or None when missing or deleted."""
        status, body = http("GET", f"{self.addr}/v1/{mount}/data/{path}")
        if status == 404:
            return None
        assert status == 200, body
        return body["data"]["data"]

    def sim(self, path, body=None):
        status, answer = http("POST", f"{self.addr}/_sim/{path}", body if body is not None else {}, token=None)
        assert status in (200, 204), answer
        return answer


class Consul:
    def __init__(self):
        self.port = vkproc.free_port()
        self.addr = f"http://127.0.0.1:{self.port}"
        self.proc = vkproc.Process([vkproc.binary("consul-sim"), "--listen", f"127.0.0.1:{self.port}"],
                                   ready_url=f"{self.addr}/v1/status/leader")

    def entry(self, key):
        status, body = http("GET", f"{self.addr}/v1/kv/{key}", token=None)
        return body[0] if status == 200 else None

    def keys(self, prefix):
        status, body = http("GET", f"{self.addr}/v1/kv/{prefix}?keys", token=None)
        return body if status == 200 else []


class Stack:
    def __init__(self, origin_timeout="20s", east_extra=None):
        self.ov, self.dv, self.oc, self.dc = Vault(), Vault(), Consul(), Consul()
        status, body = http("POST", f"{self.dv.addr}/v1/sys/mounts/west", {"type": "kv", "options": {"version": "2"}})
        assert status in (200, 204), body
        origin = {"vault": "o", "consul": "oc", "mounts": ["secret/"]}
        self.daemon = Daemon({
            "vaults": {"o": {"address": self.ov.addr, "token": ROOT}, "d": {"address": self.dv.addr, "token": ROOT}},
            "consuls": {"oc": {"address": self.oc.addr}, "dc": {"address": self.dc.addr}},
            "jobs": [
                {"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": origin_timeout,
                 "origin": origin, "buckets": 4, "workers": 4, "max_publish_drop_percent": 100},
                {"name": "east", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "20s",
                 "origin": origin, "destination": {"vault": "d", "consul": "dc", "sync_path": "east/"},
                 "max_delete_percent": 100, "watch": False, **(east_extra or {})},
                {"name": "west", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "20s",
                 "origin": origin, "destination": {"vault": "d", "consul": "dc", "sync_path": "west/"},
                 "transforms": [{"name": "to-west", "from": "secret/data/(?P<app>.+)", "to": "west/data/app"}],
                 "max_delete_percent": 20, "watch": False},
            ],
        })
        for job in ("origin", "east", "west"):
            self.daemon.wait_job(job, lambda j: j["last_cycle"] is not None and j["state"] == "idle",
                                 what="start-up cycle ended")

    def stop(self):
        self.daemon.stop()
        for p in (self.ov, self.dv, self.oc, self.dc):
            p.proc.stop()

    def last_id(self, job):
        status, body, _ = self.daemon.call("GET", f"/v1/jobs/{job}/cycles")
        assert status == 200, body
        return body["cycles"][0]["id"] if body["cycles"] else 0

    def cycle(self, job, timeout=20.0):
        """Triggers a cycle of `job` and returns its record once it ended."""
        before = self.last_id(job)
        vkproc.wait_until(lambda: self.daemon.call("POST", f"/v1/jobs/{job}/trigger")[0] == 202, timeout,
                          interval=0.05, what=f"{job} accepts a trigger")
        return self.wait_cycle(job, before, timeout)

    def wait_cycle(self, job, before, timeout=20.0):
        def ended():
            status, body, _ = self.daemon.call("GET", f"/v1/jobs/{job}/cycles")
            c = body["cycles"][0] if body["cycles"] else None
            return c if c and c["id"] > before and c["outcome"] != "running" else None
        return vkproc.wait_until(ended, timeout, interval=0.05, what=f"{job} cycle after {before}")

    def sync_all(self):
        for job in ("origin", "east", "west"):
            c = self.cycle(job)
            assert c["outcome"] == "ok", (job, c)


@pytest.fixture
def stack():
    s = Stack()
    yield s
    s.stop()


def seed(stack, n=10):
    for i in range(n):
        stack.ov.write("secret", f"app/s{i}", {"value": f"v{i}"})


def test_layout_is_vsync_compatible(stack):
    seed(stack, 6)
    stack.sync_all()
    keys = stack.oc.keys("vsync/origin/")
    assert sorted(keys) == ["vsync/origin/0", "vsync/origin/1", "vsync/origin/2", "vsync/origin/3",
                            "vsync/origin/index"], keys
    import base64
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
    stack.sync_all()
    assert stack.dv.read("secret", "app/s3") == {"value": "v3"}
    assert stack.dv.read("west", "app/s3") == {"value": "v3"}, "the transform maps secret/data/X to west/data/X"

    stack.ov.write("secret", "app/s3", {"value": "v3-new"})
    stack.sync_all()
    assert stack.dv.read("secret", "app/s3") == {"value": "v3-new"}
    assert stack.dv.read("west", "app/s3") == {"value": "v3-new"}

    status, _ = http("DELETE", f"{stack.ov.addr}/v1/secret/data/app/s4")
    assert status == 204
    stack.sync_all()
    assert stack.dv.read("secret", "app/s4") is None, "a soft delete on the origin deletes the latest version"
    assert stack.dv.read("west", "app/s4") is None

    status, _ = http("POST", f"{stack.ov.addr}/v1/secret/undelete/app/s4", {"versions": [1]})
    assert status == 204
    stack.sync_all()
    assert stack.dv.read("secret", "app/s4") == {"value": "v4"}, "an undelete brings the secret back"

    status, _ = http("POST", f"{stack.ov.addr}/v1/secret/destroy/app/s5", {"versions": [1]})
    assert status == 204
    stack.sync_all()
    assert stack.dv.read("secret", "app/s5") is None, "a destroyed current version is deleted"

    status, _ = http("DELETE", f"{stack.ov.addr}/v1/secret/metadata/app/s6")
    assert status == 204
    assert stack.ov.write("secret", "app/s6", {"value": "reborn"}) == 1, "metadata recreated at version 1"
    stack.sync_all()
    assert stack.dv.read("secret", "app/s6") == {"value": "reborn"}

    status, body, _ = stack.daemon.call("GET", "/metrics", token=None)
    assert 'vaultkeeper_sync_operations_total{job="east",op="add"}' in body
    assert 'vaultkeeper_sync_secrets{job="origin"} 9' in body, [l for l in body.splitlines() if "sync_secrets" in l]


def index_modify(stack):
    e = stack.oc.entry("vsync/origin/index")
    return e["ModifyIndex"] if e else None


def test_injected_read_failure_saves_nothing_and_deletes_nothing(stack):
    seed(stack, 10)
    stack.sync_all()
    before = index_modify(stack)
    stack.ov.write("secret", "app/s1", {"value": "changed"})
    stack.ov.sim("fail", {"method": "GET", "path": "/v1/secret/metadata/app/s2", "status": 500, "count": 100})
    c = stack.cycle("origin")
    assert c["outcome"] == "failed" and "app/s2" in (c["error"] or ""), c
    assert index_modify(stack) == before, "a failed walk must not publish a partial set"
    for job in ("east", "west"):
        assert stack.cycle(job)["outcome"] == "ok"
    assert stack.dv.read("secret", "app/s2") == {"value": "v2"}, "the unread path must not be deleted"
    stack.ov.sim("reset")
    stack.sync_all()
    assert stack.dv.read("secret", "app/s1") == {"value": "changed"}


def test_halt_mid_cycle_leaves_consul_unchanged(stack):
    seed(stack, 20)
    stack.sync_all()
    before = index_modify(stack)
    stack.ov.write("secret", "app/s1", {"value": "changed"})
    stack.ov.sim("latency", {"ms": 150})
    last = stack.last_id("origin")
    assert stack.daemon.call("POST", "/v1/jobs/origin/trigger")[0] == 202
    stack.daemon.wait_job("origin", lambda j: j["state"] == "running", what="running")
    assert stack.daemon.call("POST", "/v1/jobs/origin/halt")[0] == 200
    c = stack.wait_cycle("origin", last)
    assert c["outcome"] == "halted", c
    assert index_modify(stack) == before
    stack.ov.sim("reset")
    assert stack.daemon.call("POST", "/v1/jobs/origin/resume")[0] == 200
    stack.daemon.wait_job("origin", lambda j: j["last_cycle"]["id"] > c["id"] and j["state"] == "idle",
                          what="resumed cycle")
    assert index_modify(stack) != before, "the resumed cycle publishes the change"


def test_deadline_mid_cycle_leaves_consul_unchanged():
    s = Stack(origin_timeout="1s")
    try:
        seed(s, 20)
        assert s.cycle("origin")["outcome"] == "ok"
        before = index_modify(s)
        s.ov.write("secret", "app/s1", {"value": "changed"})
        s.ov.sim("latency", {"ms": 300})  # 20 reads over 4 workers at 300 ms: > 1 s
        c = s.cycle("origin")
        assert c["outcome"] == "timeout", c
        assert index_modify(s) == before
    finally:
        s.stop()


def test_deletion_guard_holds_until_approved(stack):
    seed(stack, 10)
    stack.sync_all()
    for i in range(5):
        status, _ = http("DELETE", f"{stack.ov.addr}/v1/secret/data/app/s{i}")
        assert status == 204
    assert stack.cycle("origin")["outcome"] == "ok"
    c = stack.cycle("west")
    assert c["outcome"] == "ok" and c["counters"].get("deletes_held") == 5, c
    assert c["warnings"] >= 1
    assert stack.dv.read("west", "app/s0") == {"value": "v0"}, "held deletes are not applied"
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
    last = stack.last_id("west")
    status, body, _ = stack.daemon.call("POST", "/v1/sync/west/approve-deletes", {"plan": plan["plan"]})
    assert status == 202 and body["plan"] == plan["plan"], body
    c = stack.wait_cycle("west", last)
    assert c["outcome"] == "ok" and c["counters"].get("delete") == 5, c
    assert stack.dv.read("west", "app/s0") is None
    assert stack.daemon.call("GET", "/v1/sync/west/status")[1]["held_deletes"] == 0
    assert stack.daemon.call("POST", "/v1/sync/west/approve-deletes", {"plan": plan["plan"]})[0] == 409, \
        "nothing held any more"
    # east allows 100%: it deleted at once.
    assert stack.cycle("east")["outcome"] == "ok"
    assert stack.dv.read("secret", "app/s0") is None


def test_origin_sealed_mid_cycle(stack):
    seed(stack, 20)
    stack.sync_all()
    before = index_modify(stack)
    stack.ov.sim("latency", {"ms": 100})
    last = stack.last_id("origin")
    assert stack.daemon.call("POST", "/v1/jobs/origin/trigger")[0] == 202
    stack.daemon.wait_job("origin", lambda j: j["state"] == "running", what="running")
    stack.ov.sim("vault/seal", {"node": 0})  # the only node (0-based)
    c = stack.wait_cycle("origin", last)
    assert c["outcome"] == "failed" and "sealed" in (c["error"] or ""), c
    assert index_modify(stack) == before
    assert stack.cycle("east")["outcome"] == "ok"
    assert stack.dv.read("secret", "app/s7") == {"value": "v7"}, "nothing deleted while the origin is sealed"


def test_sync_routes_answer_by_role(stack):
    status, plan, _ = stack.daemon.call("GET", "/v1/sync/origin/plan")
    assert status == 200 and plan["role"] == "origin" and plan["plan"] is None, plan
    assert stack.daemon.call("POST", "/v1/sync/origin/approve-deletes", {"plan": "x"})[0] == 409, "nothing held"
    assert stack.daemon.call("GET", "/v1/sync/nope/plan")[0] == 404
    status, st, _ = stack.daemon.call("GET", "/v1/sync/origin/status")
    assert status == 200 and st["role"] == "origin" and st["job"] == "origin", st
    assert stack.daemon.call("GET", "/v1/sync/east/plan", token=None)[0] == 401


def test_watch_starts_a_destination_cycle_and_repair_restores_hand_edits():
    s = Stack(east_extra={"watch": True, "repair": True})
    try:
        seed(s, 5)
        s.sync_all()
        # watch: an origin change reaches east without a trigger (its interval is 1 h).
        last = s.last_id("east")
        s.ov.write("secret", "app/s2", {"value": "watched"})
        assert s.cycle("origin")["outcome"] == "ok"
        c = s.wait_cycle("east", last, timeout=10)
        assert c["outcome"] == "ok" and c["counters"].get("update") == 1, c
        assert s.dv.read("secret", "app/s2") == {"value": "watched"}
        # repair: a secret changed by hand in the destination is restored from the origin.
        s.dv.write("secret", "app/s3", {"value": "edited by hand"})
        c = s.cycle("east")
        assert c["outcome"] == "ok" and c["counters"].get("repair") == 1, c
        assert s.dv.read("secret", "app/s3") == {"value": "v3"}
        assert s.cycle("east")["counters"].get("repair", 0) == 0, "nothing left to repair"
    finally:
        s.stop()
