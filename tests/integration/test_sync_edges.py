"""sync end to end, the edges issue 10 ("Still untested end to end") listed: KV v1 mounts on both sides (with
the HMAC insight of "Smaller defects" point 2), ignore_deletes, a paced walk (max_requests_per_second), a change
of `buckets` on a live origin with a destination following, destination write failures, start-up checks naming
what is missing, and the deletion-guard alert reaching the webhook receiver.

One stack (syncstack.SyncStack: the four sims plus one daemon) is shared by the tests of this module, which
run in file order and each use their own secret paths; the start-up check test runs a second daemon on the same
sims. Every wait is on a condition.
"""
import hashlib
import hmac
import json
import signal

import pytest

import vkproc
from syncstack import ROOT, SyncStack, http
from vkdaemon import Daemon, WebhookReceiver

INSIGHT_KEY = "edge-insight-key-0123456789"
RATE = 40  # origin requests per second
SEEDED = 30  # KV v2 secrets under secret/app/


def canonical(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def v1_insight_time(data):
    return "hmac-sha256:" + hmac.new(INSIGHT_KEY.encode(), canonical(data).encode(), hashlib.sha256).hexdigest()


def origin_job(buckets=2):
    return {"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "30s",
            "origin": {"vault": "origin", "consul": "oc", "mounts": ["secret/", "legacy/"]},
            "buckets": buckets, "workers": 4, "max_requests_per_second": RATE, "max_publish_drop_percent": 100,
            "kv_v1_insight_key": {"env": "VK_EDGE_INSIGHT_KEY"}}


def destination(name, **extra):
    """A destination job of the origin's secret/ and legacy/ (where to: its transforms)."""
    return {"name": name, "kind": "sync", "role": "destination", "interval": "1h", "timeout": "30s",
            "origin": {"vault": "origin", "consul": "oc", "mounts": ["secret/", "legacy/"]},
            "destination": {"vault": "dest", "consul": "dc", "sync_path": f"{name}/"},
            "kv_v1_insight_key": {"env": "VK_EDGE_INSIGHT_KEY"}, "watch": False, **extra}


def jobs(buckets=2):
    return [
        origin_job(buckets),
        # mirror: secret/ as is, the KV v1 legacy/ into the KV v1 old/ (KV v1 on both sides).
        destination("mirror", max_delete_percent=100,
                    transforms=[{"name": "v1", "from": "legacy/(?P<p>.+)", "to": "old/p"}]),
        destination("keep", ignore_deletes=True,
                    transforms=[{"name": "kv2", "from": "secret/data/(?P<p>.+)", "to": "keep/data/p"},
                                {"name": "v1", "from": "legacy/(?P<p>.+)", "to": "keep/data/legacy/p"}]),
        destination("guarded", max_delete_percent=20,
                    transforms=[{"name": "kv2", "from": "secret/data/(?P<p>.+)", "to": "guard/data/p"},
                                {"name": "v1", "from": "legacy/(?P<p>.+)", "to": "guard/data/legacy/p"}]),
    ]


class EdgeEnv(SyncStack):
    """The sync sims with KV v1 mounts on both sides and a daemon that alerts a webhook receiver."""

    def __init__(self):
        super().__init__()
        self.hook = WebhookReceiver()
        try:
            self.origin.ok("POST", "sys/mounts/legacy", {"type": "kv", "options": {"version": "1"}})
            self.dest.ok("POST", "sys/mounts/old", {"type": "kv", "options": {"version": "1"}})
            for m in ("keep", "guard"):
                self.dest.ok("POST", f"sys/mounts/{m}", {"type": "kv", "options": {"version": "2"}})
        except BaseException:
            self.close()
            raise

    def config(self, job_list, vaults=None):
        return super().config(job_list, vaults, notify={"webhook": {"url": self.hook.url}})

    def start(self):
        self.daemon = Daemon(self.config(jobs()), extra_env={"VK_EDGE_INSIGHT_KEY": INSIGHT_KEY})
        for job in ("origin", "mirror", "keep", "guarded"):
            self.wait_first_ok(job)

    def close(self):
        rc = super().close()
        if getattr(self, "hook", None):
            self.hook.close()
            self.hook = None
        return rc

    def v1_write(self, vault, path, data):
        vault.ok("POST", path, data)

    def v1_read(self, vault, path):
        status, body = vault.call("GET", path)
        return body["data"] if status == 200 else None

    def published(self, consul, prefix):
        """Every entry of the buckets under prefix (the index left out)."""
        out = {}
        for key, (value, _) in consul.recurse(prefix).items():
            if not key.endswith("/index"):
                out.update(json.loads(value))
        return out

    def all_destinations(self):
        return {d: self.run_cycle(d) for d in ("mirror", "keep", "guarded")}


@pytest.fixture(scope="module")
def env():
    e = EdgeEnv()
    try:
        for i in range(SEEDED):
            e.origin.write(f"app/s{i}", {"value": f"v{i}"})
        e.v1_write(e.origin, "legacy/cfg", {"user": "u", "pass": "p"})
        e.start()
        e.run_cycle("origin")
        e.all_destinations()
        yield e
    finally:
        rc = e.close()
        assert rc in (None, 0), f"vaultkeeper exited with {rc} on SIGTERM"


def test_kv_v1_on_origin_and_destination_with_keyed_insights(env):
    """Pins: KV v1 mounts end to end (origin legacy/ and destination old/), and issue 10 "smaller defects"
    point 2: the insight published in Consul is HMAC-SHA-256 under kv_v1_insight_key, not a bare hash."""
    assert env.v1_read(env.dest, "old/cfg") == {"user": "u", "pass": "p"}
    assert env.dest.state("legacy/cfg", mount="keep")[1] == {"user": "u", "pass": "p"}
    entry = env.published(env.oc, "vsync/origin/")["legacy/cfg"]
    assert entry["type"] == "kvV1" and entry["version"] == 0, entry
    assert entry["updateTime"] == v1_insight_time({"user": "u", "pass": "p"}), entry
    assert hashlib.sha256(canonical({"user": "u", "pass": "p"}).encode()).hexdigest() not in json.dumps(entry)
    # The destination records the same keyed hash for what it copied (so the next cycle sees no change).
    assert env.published(env.dc, "mirror/destination/")["legacy/cfg"] == entry

    env.v1_write(env.origin, "legacy/cfg", {"user": "u", "pass": "rotated"})
    env.run_cycle("origin")
    c = env.run_cycle("mirror")
    assert c["counters"].get("update") == 1, c
    assert env.v1_read(env.dest, "old/cfg") == {"user": "u", "pass": "rotated"}
    assert env.run_cycle("mirror")["counters"].get("update", 0) == 0, "the keyed hashes agree: nothing to do"


def test_paced_walk(env):
    """Pins: max_requests_per_second paces the origin walk (a count of requests and a lower time bound)."""
    c = env.run_cycle("origin")
    requests = c["counters"]["vault_requests"]
    # 3 LISTs (secret/, app/, legacy/) + 30 metadata reads + 1 KV v1 read, give or take the other tests' paths.
    assert requests >= SEEDED + 4, c
    status, st, _ = env.daemon.call("GET", "/v1/sync/origin/status")
    assert status == 200, st
    walk = st["last_cycle"]["walk_seconds"]
    burst = max(1, RATE // 10)
    assert walk >= 0.8 * (requests - burst) / RATE, (walk, requests)
    assert walk < 60, walk  # loose: a loaded 2-core machine under ASan


def test_destination_write_failures_are_counted_and_never_recorded(env):
    """Pins: a failed destination write is counted in failed_paths, the rest is copied, and the saved info holds
    only what reached the destination; the failed path is copied once the destination accepts it."""
    env.origin.write("fail/bad", {"value": "b"})
    env.origin.write("fail/good", {"value": "g"})
    env.run_cycle("origin")
    env.dest.sim("fail", {"method": "POST", "path": "/v1/secret/data/fail/bad", "status": 500, "count": 1000})
    try:
        c = env.run_cycle("mirror", expect=None)
        assert c["counters"].get("add") == 1, c
        assert env.sync_status("mirror")["failed_paths"] == 1
        assert env.dest.state("fail/good")[1] == {"value": "g"}
        assert env.dest.state("fail/bad")[0] == "missing"
        saved = env.published(env.dc, "mirror/destination/")
        assert "secret/data/fail/good" in saved and "secret/data/fail/bad" not in saved, sorted(saved)
    finally:
        env.dest.sim("reset")
    c = env.run_cycle("mirror")
    assert c["counters"].get("add") == 1, c
    assert env.sync_status("mirror")["failed_paths"] == 0
    assert "secret/data/fail/bad" in env.published(env.dc, "mirror/destination/")


def test_bucket_change_on_a_live_origin_with_a_destination_following(env):
    """Pins: a reload changing `buckets` republishes the origin in the new count; the destination adopts it
    without copying or deleting anything."""
    env.daemon.write_config(env.config(jobs(buckets=5)))
    env.daemon.proc.signal(signal.SIGHUP)
    vkproc.wait_until(lambda: "configuration reloaded" in env.daemon.log(), 15, what="reload")

    def republished():
        keys = env.oc.recurse("vsync/origin/")
        return len(keys) == 6 and all(k in keys for k in [f"vsync/origin/{i}" for i in range(5)])
    vkproc.wait_until(republished, 30, interval=0.1, what="the origin republished in 5 buckets")
    # The origin job restarted; wait until its first cycle is over before the destination reads.
    env.wait_first_ok("origin")
    entries = env.published(env.oc, "vsync/origin/")
    c = env.run_cycle("mirror")
    for op in ("add", "update", "delete"):
        assert c["counters"].get(op, 0) == 0, c
    saved = {k: v for k, v in env.dc.recurse("mirror/destination/").items()}
    assert len(saved) == 6, sorted(saved)
    assert env.published(env.dc, "mirror/destination/") == entries


def test_ignore_deletes_and_the_guard_alert_reaches_the_webhook(env):
    """Pins: ignore_deletes keeps destination secrets (counted as deletes_ignored); the deletion guard holds
    a large delete and its alert reaches the webhook receiver with severity "alert"."""
    doomed = [f"app/s{i}" for i in range(10)]  # a third of the synced secrets: above guarded's 20%
    for p in doomed:
        env.origin.delete_latest(p)
    env.run_cycle("origin")
    keep = env.run_cycle("keep")
    assert keep["counters"].get("deletes_ignored") == len(doomed), keep
    assert env.dest.state("app/s0", mount="keep")[0] == "live"
    guarded = env.run_cycle("guarded")
    assert guarded["counters"].get("deletes_held") == len(doomed), guarded
    assert env.dest.state("app/s0", mount="guard")[0] == "live"
    mirror = env.run_cycle("mirror")
    assert mirror["counters"].get("delete") == len(doomed), mirror

    def alert():
        return next((r["body"] for r in env.hook.received
                     if r["body"]["job"] == "guarded" and r["body"]["severity"] == "alert"), None)
    body = vkproc.wait_until(alert, 20, interval=0.1, what="the guard alert at the webhook")
    assert "deletion guard" in body["error"] and str(len(doomed)) in body["error"], body


def test_startup_checks_name_what_is_missing(env):
    """Pins: start-up checks fail the job naming what is missing: a mount, a capability, the KV v1 insight
    key (issue 10 point 2, discovered mounts), and a walk that cannot fit the timeout at the paced rate."""
    status, made = http("POST", f"{env.origin.addr}/v1/sys/policies/acl/nolist",
                        {"policy": 'path "secret/*" { capabilities = ["read"] }\n'
                                   'path "sys/mounts" { capabilities = ["read"] }\n'
                                   'path "sys/capabilities-self" { capabilities = ["update"] }'}, {"X-Vault-Token": ROOT})
    assert status in (200, 204), made
    status, made = http("POST", f"{env.origin.addr}/v1/auth/token/create", {"policies": ["nolist"]},
                        {"X-Vault-Token": ROOT})
    assert status == 200, made
    weak = made["auth"]["client_token"]

    def origin(name, mounts, vault="origin", **extra):
        return {"name": name, "kind": "sync", "role": "origin", "interval": "1h", "timeout": "5s",
                "origin": {"vault": vault, "consul": "oc", "mounts": mounts, "sync_path": f"{name}/"}, **extra}
    vaults = {"origin": {"address": env.origin.addr, "token": ROOT},
              "weak": {"address": env.origin.addr, "token": weak}}
    bad = Daemon(env.config([
        origin("nomount", ["nope/"]),
        origin("nolist", ["secret/"], vault="weak"),
        origin("nokey", ["secret/", "legacy/"]),
        origin("slow", ["secret/"], max_requests_per_second=2),
        {"name": "nokeydest", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "5s",
         "origin": {"vault": "origin", "consul": "oc", "mounts": ["legacy/"]},
         "destination": {"vault": "origin", "consul": "oc", "sync_path": "nokeydest/"}},
    ], vaults=vaults))
    try:
        expected = {
            "nomount": ["nope/", "does not exist"],
            "nolist": ["list", "secret/metadata/"],
            "nokey": ["legacy/", "kv_v1_insight_key"],
            "slow": ["max_requests_per_second", "timeout"],
            "nokeydest": ["legacy/", "kv_v1_insight_key"],
        }
        for name, words in expected.items():
            job = bad.wait_job(name, lambda j: j["state"] == "failed", timeout=30, what="start-up check failed")
            error = job["last_cycle"]["error"] or ""
            for w in words:
                assert w in error, (name, error)
        assert weak not in bad.log(), "the token never appears in the log"
    finally:
        assert bad.stop() == 0
