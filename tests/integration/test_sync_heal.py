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

import pytest

import vkproc
from syncstack import fresh_stack, http, sync_sims  # noqa: F401 (fixtures)
from vkdaemon import WebhookReceiver

BUCKETS = 200  # a full save takes several Consul transactions of at most 64 keys
CYCLE_WAIT = 60.0
JOBS = ("origin", "clean-origin", "dest", "clean-dest")


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


def heal_jobs(origin_extra=None):
    """`origin` and `dest` (under test) and `clean-origin` / `clean-dest`, the same jobs publishing the same data
    to other prefixes, the reference a healed info must equal byte for byte."""
    origin = {"vault": "origin", "consul": "oc", "mounts": ["secret/"]}
    clean_origin = {**origin, "sync_path": "clean/"}
    return [
        {"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "60s",
         "origin": origin, "buckets": BUCKETS, "workers": 8, **(origin_extra or {})},
        {"name": "clean-origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "60s",
         "origin": clean_origin, "buckets": BUCKETS, "workers": 8, "max_publish_drop_percent": 100},
        {"name": "dest", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "60s",
         "origin": origin, "destination": {"vault": "dest", "consul": "dc", "sync_path": "east/"},
         "max_delete_percent": 100, "watch": False},
        {"name": "clean-dest", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "60s",
         "origin": clean_origin, "destination": {"vault": "dest", "consul": "dc", "sync_path": "clean/"},
         "max_delete_percent": 100, "watch": False},
    ]


def start(stack, origin_extra=None):
    """The daemon running heal_jobs on the shared sims, alerting stack.hook; start-up cycles ended."""
    stack.start_daemon(heal_jobs(origin_extra), notify={"webhook": {"url": stack.hook.url}})
    stack.wait_idle(JOBS, timeout=CYCLE_WAIT)


def ok(stack, *jobs):
    for job in jobs:
        stack.run_cycle(job, timeout=CYCLE_WAIT)


def cycle(stack, job):
    return stack.run_cycle(job, expect=None, timeout=CYCLE_WAIT)


def seed(stack, n, tag="v1", prefix="app"):
    for i in range(n):
        stack.origin.write(f"{prefix}/s{i}", {"value": f"{tag}-{i}"})


def txns(consul):
    status, body = http("GET", f"{consul.addr}/_sim/counters", token=None)
    return body.get("PUT /v1/txn", 0)


def assert_healed(consul, prefix, clean_prefix):
    healed, clean = published(consul, prefix), published(consul, clean_prefix)
    keys = {k for k in clean if k == "index" or k.isdigit()}
    assert_consistent(healed, BUCKETS)
    assert {k: healed.get(k) for k in keys} == {k: clean[k] for k in keys}, \
        f"{prefix} differs from a clean publish of the same data"


@pytest.fixture
def hooked(fresh_stack):
    """The shared sims, no daemon yet, and a webhook receiver (stack.hook)."""
    fresh_stack.hook = WebhookReceiver()
    yield fresh_stack
    fresh_stack.hook.close()


@pytest.fixture
def stack(hooked):
    start(hooked)
    return hooked


def fail_second_txn(stack, consul):
    # Every retry of the second transaction fails too; the first passes.
    consul.sim("fail", {"method": "PUT", "path": "/v1/txn", "status": 500, "count": 50, "skip": 1})


def test_origin_heals_after_its_second_txn_failed(stack):
    """Issue 10 point 1 (origin): new buckets under an old index; the content then goes back to the old hashes,
    which a remembered index would call "unchanged" and never rewrite."""
    seed(stack, 200)
    ok(stack, "origin")
    before = published(stack.oc, "vsync/origin/")
    seed(stack, 200, prefix="extra")  # new secrets in nearly every bucket
    fail_second_txn(stack, stack.oc)
    c = cycle(stack, "origin")
    assert c["outcome"] == "failed", c
    stack.oc.sim("reset", {})
    torn = published(stack.oc, "vsync/origin/")
    assert any(b"extra/" in v for k, v in torn.items() if k != "index"), "the first transaction wrote buckets"
    assert torn["index"] == before["index"], "the index was not written: Consul holds a torn info"
    for i in range(200):  # back to the published set: same insights as before the failed save
        status, _ = http("DELETE", f"{stack.origin.addr}/v1/secret/metadata/extra/s{i}")
        assert status == 204
    ok(stack, "origin", "clean-origin")
    assert_healed(stack.oc, "vsync/origin/", "clean/origin/")
    extra = [k for k, v in published(stack.oc, "vsync/origin/").items() if b"extra/" in v]
    assert not extra, f"buckets still hold secrets the origin no longer has: {extra[:3]}"


def test_destination_heals_after_its_second_txn_failed(stack):
    """Issue 10 point 1 (destination): a torn info of its own is stale, not a conflict, and is rewritten."""
    seed(stack, 200)
    ok(stack, "origin", "clean-origin", "dest", "clean-dest")
    seed(stack, 200, tag="v2")  # every secret updated: every bucket changes
    ok(stack, "origin", "clean-origin")
    fail_second_txn(stack, stack.dc)
    c = cycle(stack, "dest")
    assert c["outcome"] == "failed", c
    stack.dc.sim("reset", {})
    c = cycle(stack, "dest")
    assert c["outcome"] == "ok", ("a torn own info must not be a conflict", c)
    ok(stack, "clean-dest")
    assert_healed(stack.dc, "east/destination/", "clean/destination/")
    assert stack.dest.read("app/s7") == {"value": "v2-7"}


def raft_index(consul):
    """consul-sim's raft index: every write request it applies takes a new one."""
    status, body = http("GET", f"{consul.addr}/_sim/consul/state", token=None)
    assert status == 200, body
    return body["index"]


def kill_mid_save(stack, consul, job):
    """Slows `consul`, triggers `job` and kills the daemon -9 once its first transaction was answered."""
    consul.sim("latency", {"ms": 400})
    before = txns(consul)
    stack.trigger(job, stack.newest_id(job))

    def second_txn_received():
        # The index is read first: the second transaction, not yet received then, lands 400 ms after receipt.
        index = raft_index(consul)
        return index if txns(consul) >= before + 2 else None
    index = vkproc.wait_until(second_txn_received, 60, interval=0.02, what=f"{job} sent its second transaction")
    stack.daemon.proc.kill()
    stack.daemon = None
    # The sim applies a request it received after its latency, even from a dead client (real Consul applies
    # it on receipt): wait for that in-flight transaction to land before the restarted daemon reads Consul.
    vkproc.wait_until(lambda: raft_index(consul) > index, 10, interval=0.02,
                      what=f"the in-flight transaction of {job} to land")
    consul.sim("reset", {})


def test_origin_and_destination_heal_after_kill_9_mid_save(stack):
    """Issue 10 point 1: kill -9 between the transactions of a save, restart, one more cycle: consistent and
    byte-identical to a clean publish, for the origin and then the destination."""
    seed(stack, 300)
    ok(stack, "origin", "clean-origin", "dest", "clean-dest")
    seed(stack, 300, prefix="extra")
    kill_mid_save(stack, stack.oc, "origin")
    for i in range(300):
        status, _ = http("DELETE", f"{stack.origin.addr}/v1/secret/metadata/extra/s{i}")
        assert status == 204
    start(stack)  # its start-up cycles heal the origin
    ok(stack, "origin", "clean-origin")
    assert_healed(stack.oc, "vsync/origin/", "clean/origin/")

    seed(stack, 300, tag="v2")
    ok(stack, "origin", "clean-origin")
    kill_mid_save(stack, stack.dc, "dest")
    start(stack)
    ok(stack, "dest", "clean-dest")
    assert_healed(stack.dc, "east/destination/", "clean/destination/")
    assert stack.dest.read("app/s9") == {"value": "v2-9"}


def test_a_vanished_mount_is_an_error_never_an_empty_folder(hooked):
    """Issue 10 point 3: the origin checks its mounts every cycle; a removed mount fails the cycle and
    publishes nothing (its LIST answers 404, which must not read as "every secret deleted")."""
    s = hooked
    start(s, origin_extra={"max_publish_drop_percent": 100})  # the guard off: only the mount check
    seed(s, 20)
    ok(s, "origin")
    before = published(s.oc, "vsync/origin/")
    status, body = http("DELETE", f"{s.origin.addr}/v1/sys/mounts/secret")
    assert status in (200, 204), body
    c = cycle(s, "origin")
    assert c["outcome"] == "failed" and "secret/" in (c["error"] or ""), c
    assert published(s.oc, "vsync/origin/") == before, "nothing published"


def test_a_large_drop_is_held_until_that_exact_set_is_approved(stack):
    """Issue 10 point 3: an origin walk with more than max_publish_drop_percent fewer insights is not
    published; an alert reaches the webhook; a metric counts the held insights; GET plan gives the vanishing
    paths and their plan id; POST approve-deletes with that id publishes it (a stale id is 409)."""
    seed(stack, 10)
    ok(stack, "origin")
    before = published(stack.oc, "vsync/origin/")
    for i in range(5):
        status, _ = http("DELETE", f"{stack.origin.addr}/v1/secret/metadata/app/s{i}")
        assert status == 204
    c = cycle(stack, "origin")
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
    c = stack.wait_cycle_end("origin", c["id"] + 1, CYCLE_WAIT)
    assert c["outcome"] == "ok" and not c["counters"].get("publish_held"), c
    _, entries = assert_consistent(published(stack.oc, "vsync/origin/"), BUCKETS)
    assert sorted(entries) == [f"secret/data/app/s{i}" for i in range(5, 10)], entries
    status, metrics, _ = stack.daemon.call("GET", "/metrics", token=None)
    assert 'vaultkeeper_sync_publish_held{job="origin"} 0' in metrics
