"""snapshot end to end: a 3-node vault-sim and vaultkeeper with snapshot jobs writing to local storages.
Covers leader mode (the active node found through sys/leader, a step-down between cycles followed, a
step-down mid-stream failing the cycle), per-node mode (the standby skips), snapshots truncated, corrupted
or cut off by the sim (rejected, nothing uploaded, nothing left in the spool), local retention (orphan
sidecars removed), unique names at any rate of cycles, the local path created 0700 at start-up, the list
(newest first) and restore routes (403 without allow_restore, 400 naming the field, also for a name the
storage does not hold whatever its state, a restore round trip), CMS encryption opened by
`openssl cms -decrypt`, and the metrics."""
import json
import re
import os
import shutil
import stat
import subprocess
import tarfile
import tempfile
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


class Cluster:
    """vault-sim --nodes 3 in dev mode: node i listens on port+i; node 0 starts active."""

    def __init__(self):
        self.port = vkproc.free_port(3)
        self.addrs = [f"http://127.0.0.1:{self.port + i}" for i in range(3)]
        self.proc = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{self.port}", "--nodes", "3",
                                    "--dev-root-token", ROOT], ready_url=f"{self.addrs[0]}/v1/sys/health")

    def sim(self, path, body=None):
        status, answer = http("POST", f"{self.addrs[0]}/_sim/{path}", body if body is not None else {}, token=None)
        assert status in (200, 204), answer
        return answer

    def active(self):
        status, body = http("GET", f"{self.addrs[0]}/_sim/vault/status", token=None)
        return next(i for i, n in enumerate(body["nodes"]) if n["active"])

    def write(self, path, data):
        status, body = http("POST", f"{self.addrs[0]}/v1/secret/data/{path}", {"data": data})
        assert status == 200, body

    def read(self, path):
        status, body = http("GET", f"{self.addrs[0]}/v1/secret/data/{path}")
        assert status == 200, body
        return body["data"]["data"]


@pytest.fixture
def cluster():
    c = Cluster()
    yield c
    c.proc.stop()


def spooled(spool):
    """Every file left anywhere under the spool directory."""
    return [os.path.join(r, f) for r, _, files in os.walk(spool) for f in files]


def snap_files(d):
    return sorted(f for f in os.listdir(d) if not f.endswith(".sha256") and not f.startswith("."))


class Setup:
    """The daemon with jobs(self) on the cluster; blocks: more top-level config (admin, audit...), built from
    self.dir by a function of self when they need paths."""

    def __init__(self, cluster, jobs, blocks=lambda s: {}):
        self.dir = tempfile.mkdtemp(prefix="vk-snap-")
        self.spool = os.path.join(self.dir, "spool")
        vaults = {f"n{i}": {"address": a, "token": ROOT} for i, a in enumerate(cluster.addrs)}
        self.daemon = Daemon({"vaults": vaults, "jobs": jobs(self), **blocks(self)}, tmpdir=self.dir)

    def storage_dir(self, name):
        d = os.path.join(self.dir, name)
        os.makedirs(d, exist_ok=True)
        return d

    def cycle(self, job, outcome="ok"):
        """Triggers one cycle and waits for it to end; returns the job."""
        before = (self.daemon.job(job).get("last_cycle") or {}).get("id", 0)
        status, body, _ = self.daemon.call("POST", f"/v1/jobs/{job}/trigger")
        assert status in (200, 202), body
        j = self.daemon.wait_job(job, lambda j: j["last_cycle"] and j["last_cycle"]["id"] > before
                                 and j["last_cycle"]["outcome"] != "running", timeout=20, what="cycle end")
        assert j["last_cycle"]["outcome"] == outcome, j
        return j

    def metrics(self):
        with urllib.request.urlopen(self.daemon.url("/metrics"), timeout=5) as r:
            return r.read().decode()


def job(s, name, vault, storage, **extra):
    return {"name": name, "kind": "snapshot", "interval": "1h", "timeout": "1m", "vault": vault,
            "spool_dir": s.spool, "storages": [{"name": "disk", "type": "local", "path": s.storage_dir(storage),
                                                 **extra.pop("storage_extra", {})}], **extra}


def test_leader_mode_follows_step_downs(cluster):
    # The job points at a standby (n1): the snapshot still comes from the active node, never through n1.
    s = Setup(cluster, lambda s: [job(s, "lead", "n1", "lead")])
    try:
        j = s.daemon.wait_job("lead", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        assert j["status"]["last"]["node"] == cluster.addrs[0]
        assert len(snap_files(s.storage_dir("lead"))) == 1

        cluster.sim("vault/step-down")
        assert cluster.active() == 1
        j = s.cycle("lead")
        assert j["status"]["last"]["node"] == cluster.addrs[1]

        # A step-down while the snapshot streams: the cycle fails, nothing is stored, the next cycle uses the
        # new active node.
        cluster.sim("vault/snapshot-fault", {"mode": "step-down", "after_bytes": 100})
        stored = snap_files(s.storage_dir("lead"))
        j = s.cycle("lead", outcome="failed")
        assert "stepped down" in j["last_cycle"]["error"], j
        assert snap_files(s.storage_dir("lead")) == stored
        assert cluster.active() == 2
        j = s.cycle("lead")
        assert j["status"]["last"]["node"] == cluster.addrs[2]
        assert spooled(s.spool) == []
    finally:
        s.daemon.stop()


def test_per_node_mode_acts_only_on_the_active_node(cluster):
    s = Setup(cluster, lambda s: [job(s, "on-active", "n0", "a", mode="per-node"),
                                  job(s, "on-standby", "n2", "b", mode="per-node")])
    try:
        for name in ("on-active", "on-standby"):
            s.daemon.wait_job(name, lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        standby = s.daemon.job("on-standby")
        assert standby["status"]["last"]["skipped"] is True
        assert standby["last_cycle"]["counters"].get("skipped") == 1
        assert snap_files(s.storage_dir("b")) == []
        assert len(snap_files(s.storage_dir("a"))) == 1
    finally:
        s.daemon.stop()


@pytest.mark.parametrize("fault", [{"mode": "truncate", "after_bytes": 3000},
                                   {"mode": "truncate", "after_bytes": 0},
                                   {"mode": "corrupt", "after_bytes": 2000},
                                   {"mode": "abort", "after_bytes": 1500}])
def test_bad_snapshots_are_rejected_and_never_uploaded(cluster, fault):
    for i in range(50):
        cluster.write(f"pad/{i}", {"value": "x" * 200 + str(i)})
    s = Setup(cluster, lambda s: [job(s, "snap", "n0", "disk")])
    try:
        s.daemon.wait_job("snap", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                          what="first cycle")
        stored = snap_files(s.storage_dir("disk"))
        uploads = s.metrics().count('vaultkeeper_snapshot_uploads_total{job="snap",outcome="ok",storage="disk"} 1')
        assert uploads == 1
        cluster.sim("vault/snapshot-fault", fault)
        j = s.cycle("snap", outcome="failed")
        assert snap_files(s.storage_dir("disk")) == stored
        assert spooled(s.spool) == [], "the rejected snapshot stays nowhere"
        assert 'vaultkeeper_snapshot_uploads_total{job="snap",outcome="ok",storage="disk"} 1' in s.metrics()
        if fault["mode"] != "abort":
            assert "snapshot archive" in j["last_cycle"]["error"], j
    finally:
        s.daemon.stop()


def test_local_retention_deletes_exactly_the_oldest(cluster):
    # No job in the first daemon: its first cycle would race the stop and store a snapshot of its own (hidden
    # before by one-second names, when both cycles' snapshots got the same name).
    s = Setup(cluster, lambda s: [])
    s.daemon.stop()
    d = s.storage_dir("keep")
    old = [f"raft-snapshot-2024-01-0{i}T00-00-00Z.snap" for i in range(1, 6)]
    foreign = ["notes.txt", "raft-snapshot-latest.snap", "other-2024-01-01T00-00-00Z.snap", "notes.txt.sha256"]
    for f in old + foreign:
        open(os.path.join(d, f), "w").write("x")
    # A sidecar whose snapshot is gone (an interrupted removal, or a copy that failed after it was written by
    # earlier versions): never listed, never counted, removed after retention.
    orphan = "raft-snapshot-2023-12-31T00-00-00Z.snap.sha256"
    open(os.path.join(d, orphan), "w").write("f" * 64 + "  raft-snapshot-2023-12-31T00-00-00Z.snap\n")
    # What a killed daemon left in its spool goes at start-up.
    os.makedirs(os.path.join(s.spool, "keep"), exist_ok=True)
    for f in ("raft-snapshot-2024-01-09T00-00-00Z.snap", ".raft-snapshot-x.snap.tmp-1-0"):
        open(os.path.join(s.spool, "keep", f), "w").write("x")
    s.daemon = Daemon({"vaults": {"n0": {"address": cluster.addrs[0], "token": ROOT}},
                       "jobs": [job(s, "keep", "n0", "keep", storage_extra={"retain": 3, "max_age": "87600h"})]},
                      tmpdir=s.dir)
    try:
        j = s.daemon.wait_job("keep", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        new = j["status"]["last"]["name"]
        assert sorted(os.listdir(d)) == sorted([new, new + ".sha256", old[4], old[3]] + foreign)
        assert j["last_cycle"]["counters"]["deleted"] == 3
        assert j["last_cycle"]["counters"]["orphans_removed"] == 1
        assert spooled(s.spool) == []
        m = s.metrics()
        assert 'vaultkeeper_snapshot_retained{job="keep",storage="disk"} 3' in m
        assert 'vaultkeeper_snapshot_deleted_total{job="keep",storage="disk"} 3' in m
    finally:
        s.daemon.stop()


def test_list_and_restore_round_trip(cluster):
    cluster.write("app/db", {"password": "old"})
    s = Setup(cluster, lambda s: [job(s, "rt", "n1", "rt", allow_restore=True), job(s, "locked", "n0", "locked")])
    try:
        j = s.daemon.wait_job("rt", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        name = j["status"]["last"]["name"]
        status, listed, _ = s.daemon.call("GET", "/v1/snapshot/rt/list")
        assert status == 200, listed
        open(os.path.join(s.storage_dir("rt"), "notes.txt"), "w").write("not a snapshot")
        status, listed, _ = s.daemon.call("GET", "/v1/snapshot/rt/list")
        [item] = listed["storages"]["disk"]["snapshots"]
        assert item["name"] == name and item["verified"] is True and item["sha256"] == j["status"]["last"]["sha256"]

        cluster.write("app/db", {"password": "new"})
        assert cluster.read("app/db") == {"password": "new"}

        status, body, _ = s.daemon.call("POST", "/v1/snapshot/locked/restore", {"storage": "disk", "name": name})
        assert status == 403, body
        for bad, field in (({"name": name}, "/storage"), ({"storage": "nope", "name": name}, "/storage"),
                           ({"storage": "disk"}, "/name"), ({"storage": "disk", "name": name, "force": "yes"}, "/force")):
            status, body, _ = s.daemon.call("POST", "/v1/snapshot/rt/restore", bad)
            assert status == 400 and field in body["error"]["message"], (bad, body)

        status, body, _ = s.daemon.call("POST", "/v1/snapshot/rt/restore", {"storage": "disk", "name": "nope.snap"})
        assert status == 400 and body["error"]["message"].startswith("/name: no snapshot"), body

        status, body, _ = s.daemon.call("POST", "/v1/snapshot/rt/restore", {"storage": "disk", "name": name})
        assert status == 200, body
        assert cluster.read("app/db") == {"password": "old"}
        assert body["index"] > 0

        # A stored file changed after upload is refused before Vault sees it.
        cluster.write("app/db", {"password": "newer"})
        with open(os.path.join(s.storage_dir("rt"), name), "r+b") as f:
            f.seek(100)
            byte = f.read(1)
            f.seek(100)
            f.write(bytes([byte[0] ^ 0xFF]))
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/rt/restore", {"storage": "disk", "name": name})
        assert status == 502, body
        assert cluster.read("app/db") == {"password": "newer"}
        assert spooled(s.spool) == []
    finally:
        s.daemon.stop()


def test_encrypted_snapshots_open_with_openssl_cms(cluster):
    s = Setup(cluster, lambda s: [])
    s.daemon.stop()
    key, cert = os.path.join(s.dir, "r.key"), os.path.join(s.dir, "r.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=snapshot recipient"], check=True, capture_output=True)
    s.daemon = Daemon({"vaults": {"n0": {"address": cluster.addrs[0], "token": ROOT}},
                       "jobs": [job(s, "enc", "n0", "enc", encrypt_for={"cert_file": cert})]}, tmpdir=s.dir)
    try:
        j = s.daemon.wait_job("enc", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        stored = os.path.join(s.storage_dir("enc"), j["status"]["last"]["name"])
        plain = os.path.join(s.dir, "plain.tar.gz")
        subprocess.run(["openssl", "cms", "-decrypt", "-inform", "DER", "-in", stored, "-recip", cert, "-inkey", key,
                        "-binary", "-out", plain], check=True, capture_output=True)
        with tarfile.open(plain, "r:gz") as t:
            assert t.getnames() == ["meta.json", "state.bin", "SHA256SUMS", "SHA256SUMS.sealed"]
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/enc/restore", {"storage": "disk", "name": "x"})
        assert status == 403
    finally:
        s.daemon.stop()


def test_a_failing_storage_does_not_stop_the_others(cluster):
    s = Setup(cluster, lambda s: [])
    s.daemon.stop()
    good = s.storage_dir("good")
    # A file where the storage's directory should go: it cannot be created at start-up (an alert), and each
    # upload there fails.
    open(os.path.join(s.dir, "blocker"), "w").write("x")
    spec = {"name": "two", "kind": "snapshot", "interval": "1h", "timeout": "1m", "vault": "n0", "spool_dir": s.spool,
            "storages": [{"name": "broken", "type": "local", "path": os.path.join(s.dir, "blocker", "dir")},
                         {"name": "good", "type": "local", "path": good}]}
    s.daemon = Daemon({"vaults": {"n0": {"address": cluster.addrs[0], "token": ROOT}}, "jobs": [spec]}, tmpdir=s.dir)
    try:
        j = s.daemon.wait_job("two", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] != "running",
                              timeout=20, what="first cycle")
        assert j["last_cycle"]["outcome"] == "failed", j
        assert 'storage "broken"' in j["last_cycle"]["error"]
        assert "cannot create the storage directory" in s.daemon.log()
        assert snap_files(good) == [j["status"]["last"]["name"]]
        assert j["status"]["last"]["storages"]["good"] == "ok"
        assert j["status"]["last"]["storages"]["broken"].startswith("failed")
        m = s.metrics()
        assert 'vaultkeeper_snapshot_uploads_total{job="two",outcome="failed",storage="broken"} 1' in m
        assert 'vaultkeeper_snapshot_uploads_total{job="two",outcome="ok",storage="good"} 1' in m
        assert 'vaultkeeper_snapshot_last_success_timestamp_seconds{job="two"}' not in m
        assert 'vaultkeeper_snapshot_size_bytes{job="two"}' in m
    finally:
        s.daemon.stop()


def test_many_cycles_within_a_second_keep_every_snapshot(cluster):
    # Issue 19: names had one-second resolution, so cycles within a second overwrote each other's snapshot
    # while uploads_total counted each and retention counted what was left.
    s = Setup(cluster, lambda s: [job(s, "fast", "n0", "fast", storage_extra={"retain": 6})])
    try:
        s.daemon.wait_job("fast", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                          what="first cycle")
        names = [s.daemon.job("fast")["status"]["last"]["name"]]
        for _ in range(9):
            names.append(s.cycle("fast")["status"]["last"]["name"])
        assert len(set(names)) == 10, names
        assert sorted(names) == names, "names sort as strings in the order they were taken"
        seconds = [n.split(".")[0] for n in names]
        assert len(set(seconds)) < 10, "the cycles should share seconds, or the test proves nothing"
        d = s.storage_dir("fast")
        assert snap_files(d) == names[-6:]
        assert sorted(f for f in os.listdir(d) if f.endswith(".sha256")) == [n + ".sha256" for n in names[-6:]]
        m = s.metrics()
        assert 'vaultkeeper_snapshot_uploads_total{job="fast",outcome="ok",storage="disk"} 10' in m
        assert 'vaultkeeper_snapshot_deleted_total{job="fast",storage="disk"} 4' in m
        assert 'vaultkeeper_snapshot_retained{job="fast",storage="disk"} 6' in m
    finally:
        s.daemon.stop()


def test_list_is_newest_first_whatever_the_storage_order(cluster):
    s = Setup(cluster, lambda s: [])
    s.daemon.stop()
    d = s.storage_dir("order")
    # Created out of time order, old whole-second names among millisecond ones.
    stamps = ["2024-03-01T00-00-00Z", "2024-01-01T00-00-00.250Z", "2024-05-01T00-00-00Z", "2024-01-01T00-00-00Z",
              "2024-02-01T00-00-00.999Z", "2024-01-01T00-00-00.001Z"]
    for stamp in stamps:
        open(os.path.join(d, f"raft-snapshot-{stamp}.snap"), "w").write("x")
    s.daemon = Daemon({"vaults": {"n0": {"address": cluster.addrs[0], "token": ROOT}},
                       "jobs": [job(s, "order", "n0", "order")]}, tmpdir=s.dir)
    try:
        j = s.daemon.wait_job("order", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        status, listed, _ = s.daemon.call("GET", "/v1/snapshot/order/list")
        assert status == 200, listed
        got = [item["name"] for item in listed["storages"]["disk"]["snapshots"]]
        oldest_first = ["2024-01-01T00-00-00Z", "2024-01-01T00-00-00.001Z", "2024-01-01T00-00-00.250Z",
                        "2024-02-01T00-00-00.999Z", "2024-03-01T00-00-00Z", "2024-05-01T00-00-00Z"]
        expected = [j["status"]["last"]["name"]] + [f"raft-snapshot-{t}.snap" for t in reversed(oldest_first)]
        assert got == expected
        in_storage_order = [f for f in os.listdir(d) if f in expected]
        assert in_storage_order != expected, "the directory happened to list newest first: the test proves nothing"
    finally:
        s.daemon.stop()


def test_a_missing_local_path_is_created_0700_at_start_up(cluster):
    s = Setup(cluster, lambda s: [])
    s.daemon.stop()
    path = os.path.join(s.dir, "new", "deeper", "snaps")
    spec = {"name": "mk", "kind": "snapshot", "interval": "1h", "timeout": "1m", "vault": "n0", "spool_dir": s.spool,
            "storages": [{"name": "disk", "type": "local", "path": path}]}
    s.daemon = Daemon({"vaults": {"n0": {"address": cluster.addrs[0], "token": ROOT}}, "jobs": [spec]}, tmpdir=s.dir)
    try:
        j = s.daemon.wait_job("mk", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] != "running",
                              timeout=20, what="first cycle")
        assert j["last_cycle"]["outcome"] == "ok", j
        for p in (os.path.join(s.dir, "new"), os.path.join(s.dir, "new", "deeper"), path):
            assert stat.S_IMODE(os.stat(p).st_mode) == 0o700, p
        assert snap_files(path) == [j["status"]["last"]["name"]]
    finally:
        s.daemon.stop()


def test_restore_of_a_name_not_held_is_400_whatever_the_storage_state(cluster):
    s = Setup(cluster, lambda s: [job(s, "gone", "n0", "gone", allow_restore=True)])
    try:
        j = s.daemon.wait_job("gone", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        name = j["status"]["last"]["name"]
        d = s.storage_dir("gone")
        shutil.rmtree(d)  # an unmounted volume, a directory removed by hand
        for blocked in (False, True):
            if blocked:
                open(d, "w").write("a file where the directory was")
            for wanted in ("nope.snap", name):
                status, body, _ = s.daemon.call("POST", "/v1/snapshot/gone/restore", {"storage": "disk", "name": wanted})
                assert status == 400 and body["error"]["message"].startswith("/name: no snapshot"), (blocked, body)
            status, listed, _ = s.daemon.call("GET", "/v1/snapshot/gone/list")
            assert status == 200 and "error" in listed["storages"]["disk"], listed
        # The next cycle does not bring the directory back: an unmounted volume must not fill the disk below it.
        os.remove(d)
        j = s.cycle("gone", outcome="failed")
        assert "storage directory is missing" in j["last_cycle"]["error"], j
        assert not os.path.exists(d)
    finally:
        s.daemon.stop()


def test_metrics_after_a_good_cycle(cluster):
    s = Setup(cluster, lambda s: [job(s, "m", "n0", "m")])
    try:
        j = s.daemon.wait_job("m", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        m = s.metrics()
        assert 'vaultkeeper_snapshot_last_success_timestamp_seconds{job="m"}' in m
        assert f'vaultkeeper_snapshot_size_bytes{{job="m"}} {j["status"]["last"]["size"]}' in m
        assert 'vaultkeeper_snapshot_retained{job="m",storage="disk"} 1' in m
        st = j["status"]
        assert st["mode"] == "leader" and st["allow_restore"] is False and st["encrypted"] is False
        assert st["decrypt_with"] is False
        assert st["storages"] == [{"name": "disk", "type": "local", "retain": 0, "max_age": None}]
        assert st["last"]["storages"] == {"disk": "ok"} and st["last"]["index"] > 0
        assert ROOT not in [line.split(" ")[-1] for line in m.splitlines()]
    finally:
        s.daemon.stop()


# Issue 12: retention over more than 1,000 objects in s3rver deletes exactly the right ones. The peers read one
# ListObjects page: with 1,005 old snapshots they would see only the 1,000 oldest, keep the wrong ones and delete
# the newest. Here the newest two old snapshots are on the second page and must survive.
from test_snapshot_storages import botocore_headers, s3_config, s3rver  # noqa: E402,F401  (s3rver: fixture)


def test_s3_retention_past_1000_objects_keeps_exactly_the_newest(cluster, s3rver):
    import http.client
    from urllib.parse import urlsplit
    old = [f"raft-snapshot-2024-{1 + i // 600:02d}-01T{(i // 60) % 10:02d}-{i % 60:02d}-00Z.snap" for i in range(1005)]
    assert len(set(old)) == 1005 and sorted(old) == old
    foreign = ["notes.txt", "raft-snapshot-latest.snap"]
    conn = http.client.HTTPConnection(urlsplit(s3rver).netloc, timeout=10)
    for name in old + foreign:  # straight into s3rver (it does not check signatures), one keep-alive connection
        url = f"{s3rver}/snaps/ret/{name}"
        conn.request("PUT", f"/snaps/ret/{name}", body=b"x", headers=botocore_headers("PUT", url, {}))
        r = conn.getresponse()
        r.read()
        assert r.status == 200
    storage = s3_config(s3rver, name="s3", key_prefix="ret/", region="us-east-1", retain=3, max_age="87600h")
    s = Setup(cluster, lambda s: [{"name": "ret", "kind": "snapshot", "interval": "1h", "timeout": "2m",
                                   "vault": "n0", "spool_dir": s.spool, "storages": [storage]}])
    try:
        j = s.daemon.wait_job("ret", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] not in (None, "running"),
                              timeout=120, what="first cycle")
        assert j["last_cycle"]["outcome"] == "ok", j
        new = j["status"]["last"]["name"]
        # A new connection: s3rver (node) closes one idle for 5 s, and the cycle may take longer on a busy machine.
        conn.close()
        conn = http.client.HTTPConnection(urlsplit(s3rver).netloc, timeout=10)
        conn.request("GET", "/snaps?list-type=2&prefix=ret/&max-keys=2000",
                     headers=botocore_headers("GET", f"{s3rver}/snaps?list-type=2&prefix=ret/&max-keys=2000", {}))
        r = conn.getresponse()
        body = r.read().decode()
        assert r.status == 200, body
        keys = sorted(k[len("ret/"):] for k in re.findall(r"<Key>([^<]+)</Key>", body))
        assert keys == sorted([new, old[-2], old[-1]] + foreign), keys[:10]
        assert j["last_cycle"]["counters"]["deleted"] == 1003
    finally:
        conn.close()
        s.daemon.stop()
