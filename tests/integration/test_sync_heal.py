"""Issue 10 end to end, points 1 and 3 (point 2, approvals by plan id, is pinned in test_sync.py and
test_sync_scenarios.py):
- point 1: a save interrupted between its Consul transactions (a failed second /v1/txn, or kill -9 of the
  daemon mid-save) heals on the next cycle, for the origin and the destination: the info is consistent and
  byte-identical to what a clean job publishes from the same data;
- point 3: a vanished mount is an error, never an empty folder, and an origin walk that drops more than
  max_publish_drop_percent of the published insights is held (alert to the webhook, metric, plan id) until
  that exact set is approved."""
import base64
import json
import time

import pytest

import vkproc
from test_sync import ROOT, Consul, Vault, http
from vkdaemon import Daemon, WebhookReceiver

BUCKETS = 200  # a full save takes several Consul transactions of at most 64 keys


def published(consul, prefix):
    """Every key under prefix -> raw value bytes."""
    status, body = http("GET", f"{consul.addr}/v1/kv/{prefix}?recurse", token=None)
    assert status == 200, body
    return {e["Key"][len(prefix):]: base64.b64decode(e["Value"] or "") for e in body}


def assert_consistent(kv, buckets):
    index = json.loads(kv["index"])
    assert len(index) == buckets
    entries = {}
    for i in range(buckets):
        entries.update(json.loads(kv[str(i)]))
    return index, entries


class HealStack:
    """Origin vault + consul, destination vault + consul, and jobs: `origin` and `dest` (under test) and
    `clean-origin` / `clean-dest`, the same jobs publishing the same data to other prefixes, the reference a
    healed info must equal byte for byte."""

    def __init__(self, origin_extra=None):
        self.ov, self.dv, self.oc, self.dc = Vault(), Vault(), Consul(), Consul()
        self.hook = WebhookReceiver()
        origin = {"vault": "o", "consul": "oc", "mounts": ["secret/"]}
        clean_origin = {**origin, "sync_path": "clean/"}
        self.config = {
            "vaults": {"o": {"address": self.ov.addr, "token": ROOT}, "d": {"address": self.dv.addr, "token": ROOT}},
            "consuls": {"oc": {"address": self.oc.addr}, "dc": {"address": self.dc.addr}},
            "notify": {"webhook": {"url": self.hook.url}},
            "jobs": [
                {"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "60s",
                 "origin": origin, "buckets": BUCKETS, "workers": 8, **(origin_extra or {})},
                {"name": "clean-origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "60s",
                 "origin": clean_origin, "buckets": BUCKETS, "workers": 8, "max_publish_drop_percent": 100},
                {"name": "dest", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "60s",
                 "origin": origin, "destination": {"vault": "d", "consul": "dc", "sync_path": "east/"},
                 "max_delete_percent": 100, "watch": False},
                {"name": "clean-dest", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "60s",
                 "origin": clean_origin, "destination": {"vault": "d", "consul": "dc", "sync_path": "clean/"},
                 "max_delete_percent": 100, "watch": False},
            ],
        }
        self.daemon = None
        self.start_daemon()

    def start_daemon(self):
        self.daemon = Daemon(self.config)
        for job in ("origin", "clean-origin", "dest", "clean-dest"):
            self.daemon.wait_job(job, lambda j: j["last_cycle"] is not None and j["state"] == "idle",
                                 timeout=60, what=f"{job} start-up cycle ended")

    def stop(self):
        if self.daemon:
            self.daemon.stop()
        self.hook.close()
        for p in (self.ov, self.dv, self.oc, self.dc):
            p.proc.stop()

    def last_id(self, job):
        status, body, _ = self.daemon.call("GET", f"/v1/jobs/{job}/cycles")
        assert status == 200, body
        return body["cycles"][0]["id"] if body["cycles"] else 0

    def trigger(self, job):
        before = self.last_id(job)
        vkproc.wait_until(lambda: self.daemon.call("POST", f"/v1/jobs/{job}/trigger")[0] == 202, 20,
                          interval=0.05, what=f"{job} accepts a trigger")
        return before

    def wait_cycle(self, job, before, timeout=60.0):
        def ended():
            status, body, _ = self.daemon.call("GET", f"/v1/jobs/{job}/cycles")
            c = body["cycles"][0] if body["cycles"] else None
            return c if c and c["id"] > before and c["outcome"] != "running" else None
        return vkproc.wait_until(ended, timeout, interval=0.05, what=f"{job} cycle after {before}")

    def cycle(self, job):
        return self.wait_cycle(job, self.trigger(job))

    def ok(self, *jobs):
        for job in jobs:
            c = self.cycle(job)
            assert c["outcome"] == "ok", (job, c, self.daemon.log()[-3000:])

    def seed(self, n, tag="v1", prefix="app"):
        for i in range(n):
            self.ov.write("secret", f"{prefix}/s{i}", {"value": f"{tag}-{i}"})

    def sim(self, consul, path, body):
        status, answer = http("POST", f"{consul.addr}/_sim/{path}", body, token=None)
        assert status in (200, 204), answer

    def txns(self, consul):
        status, body = http("GET", f"{consul.addr}/_sim/counters", token=None)
        return body.get("PUT /v1/txn", 0)

    def assert_healed(self, consul, prefix, clean_prefix):
        healed, clean = published(consul, prefix), published(consul, clean_prefix)
        keys = {k for k in clean if k == "index" or k.isdigit()}
        assert_consistent(healed, BUCKETS)
        assert {k: healed.get(k) for k in keys} == {k: clean[k] for k in keys}, \
            f"{prefix} differs from a clean publish of the same data"


@pytest.fixture
def stack():
    s = HealStack()
    yield s
    s.stop()


def fail_second_txn(stack, consul):
    # Every retry of the second transaction fails too; the first passes.
    stack.sim(consul, "fail", {"method": "PUT", "path": "/v1/txn", "status": 500, "count": 50, "skip": 1})


def test_origin_heals_after_its_second_txn_failed(stack):
    """Issue 10 point 1 (origin): new buckets under an old index; the content then goes back to the old hashes,
    which a remembered index would call "unchanged" and never rewrite."""
    stack.seed(200)
    stack.ok("origin")
    before = published(stack.oc, "vsync/origin/")
    stack.seed(200, prefix="extra")  # new secrets in nearly every bucket
    fail_second_txn(stack, stack.oc)
    c = stack.cycle("origin")
    assert c["outcome"] == "failed", c
    stack.sim(stack.oc, "reset", {})
    torn = published(stack.oc, "vsync/origin/")
    assert any(b"extra/" in v for k, v in torn.items() if k != "index"), "the first transaction wrote buckets"
    assert torn["index"] == before["index"], "the index was not written: Consul holds a torn info"
    for i in range(200):  # back to the published set: same insights as before the failed save
        status, _ = http("DELETE", f"{stack.ov.addr}/v1/secret/metadata/extra/s{i}")
        assert status == 204
    stack.ok("origin", "clean-origin")
    stack.assert_healed(stack.oc, "vsync/origin/", "clean/origin/")
    extra = [k for k, v in published(stack.oc, "vsync/origin/").items() if b"extra/" in v]
    assert not extra, f"buckets still hold secrets the origin no longer has: {extra[:3]}"


def test_destination_heals_after_its_second_txn_failed(stack):
    """Issue 10 point 1 (destination): a torn info of its own is stale, not a conflict, and is rewritten."""
    stack.seed(200)
    stack.ok("origin", "clean-origin", "dest", "clean-dest")
    stack.seed(200, tag="v2")  # every secret updated: every bucket changes
    stack.ok("origin", "clean-origin")
    fail_second_txn(stack, stack.dc)
    c = stack.cycle("dest")
    assert c["outcome"] == "failed", c
    stack.sim(stack.dc, "reset", {})
    c = stack.cycle("dest")
    assert c["outcome"] == "ok", ("a torn own info must not be a conflict", c)
    stack.ok("clean-dest")
    stack.assert_healed(stack.dc, "east/destination/", "clean/destination/")
    assert stack.dv.read("secret", "app/s7") == {"value": "v2-7"}


def kill_mid_save(stack, consul, job):
    """Slows `consul`, triggers `job` and kills the daemon -9 once its first transaction was answered."""
    stack.sim(consul, "latency", {"ms": 400})
    before = stack.txns(consul)
    stack.trigger(job)
    vkproc.wait_until(lambda: stack.txns(consul) >= before + 2, 60, interval=0.02,
                      what=f"{job} sent its second transaction")
    stack.daemon.proc.kill()
    stack.daemon = None
    # The sim applies a request it received after its latency, even from a dead client (real Consul applies
    # it on receipt): let that in-flight transaction land before the restarted daemon reads Consul.
    time.sleep(1.0)
    stack.sim(consul, "reset", {})


def test_origin_and_destination_heal_after_kill_9_mid_save(stack):
    """Issue 10 point 1: kill -9 between the transactions of a save, restart, one more cycle: consistent and
    byte-identical to a clean publish, for the origin and then the destination."""
    stack.seed(300)
    stack.ok("origin", "clean-origin", "dest", "clean-dest")
    stack.seed(300, prefix="extra")
    kill_mid_save(stack, stack.oc, "origin")
    for i in range(300):
        status, _ = http("DELETE", f"{stack.ov.addr}/v1/secret/metadata/extra/s{i}")
        assert status == 204
    stack.start_daemon()  # its start-up cycles heal the origin
    stack.ok("origin", "clean-origin")
    stack.assert_healed(stack.oc, "vsync/origin/", "clean/origin/")

    stack.seed(300, tag="v2")
    stack.ok("origin", "clean-origin")
    kill_mid_save(stack, stack.dc, "dest")
    stack.start_daemon()
    stack.ok("dest", "clean-dest")
    stack.assert_healed(stack.dc, "east/destination/", "clean/destination/")
    assert stack.dv.read("secret", "app/s9") == {"value": "v2-9"}


def test_a_vanished_mount_is_an_error_never_an_empty_folder():
    """Issue 10 point 3: the origin checks its mounts every cycle; a removed mount fails the cycle and
    publishes nothing (its LIST answers 404, which must not read as "every secret deleted")."""
    s = HealStack(origin_extra={"max_publish_drop_percent": 100})  # the guard off: only the mount check
    try:
        s.seed(20)
        s.ok("origin")
        before = published(s.oc, "vsync/origin/")
        status, body = http("DELETE", f"{s.ov.addr}/v1/sys/mounts/secret")
        assert status in (200, 204), body
        c = s.cycle("origin")
        assert c["outcome"] == "failed" and "secret/" in (c["error"] or ""), c
        assert published(s.oc, "vsync/origin/") == before, "nothing published"
    finally:
        s.stop()


def test_a_large_drop_is_held_until_that_exact_set_is_approved(stack):
    """Issue 10 point 3: an origin walk with more than max_publish_drop_percent fewer insights is not
    published; an alert reaches the webhook; a metric counts the held insights; GET plan gives the vanishing
    paths and their plan id; POST approve-deletes with that id publishes it (a stale id is 409)."""
    stack.seed(10)
    stack.ok("origin")
    before = published(stack.oc, "vsync/origin/")
    for i in range(5):
        status, _ = http("DELETE", f"{stack.ov.addr}/v1/secret/metadata/app/s{i}")
        assert status == 204
    c = stack.cycle("origin")
    assert c["counters"].get("publish_held") == 5, c
    assert published(stack.oc, "vsync/origin/") == before, "a held walk publishes nothing"

    def alert():
        return next((r["body"] for r in stack.hook.received
                     if r["body"]["job"] == "origin" and r["body"]["severity"] == "alert"), None)
    body = vkproc.wait_until(alert, 20, interval=0.1, what="the publish guard alert at the webhook")
    assert "publish guard" in body["error"], body
    status, metrics, _ = stack.daemon.call("GET", "/metrics", token=None)
    assert 'vaultkeeper_sync_publish_held{job="origin"} 5' in metrics

    status, plan, _ = stack.daemon.call("GET", "/v1/sync/origin/plan")
    assert status == 200 and plan["publish_guard"]["hold"] is True, plan
    assert plan["delete"] == [f"secret/data/app/s{i}" for i in range(5)], plan
    status, body, _ = stack.daemon.call("POST", "/v1/sync/origin/approve-deletes", {"plan": "f" * 64})
    assert status == 409 and plan["plan"] in json.dumps(body), body
    status, body, _ = stack.daemon.call("POST", "/v1/sync/origin/approve-deletes", {"plan": plan["plan"]})
    assert status == 202, body
    c = stack.wait_cycle("origin", c["id"])
    assert c["outcome"] == "ok" and not c["counters"].get("publish_held"), c
    _, entries = assert_consistent(published(stack.oc, "vsync/origin/"), BUCKETS)
    assert sorted(entries) == [f"secret/data/app/s{i}" for i in range(5, 10)], entries
    status, metrics, _ = stack.daemon.call("GET", "/metrics", token=None)
    assert 'vaultkeeper_sync_publish_held{job="origin"} 0' in metrics
