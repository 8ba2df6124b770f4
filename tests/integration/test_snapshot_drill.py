"""Restore drills (issue 24): POST /v1/snapshot/{name}/restore with {"dry_run": true} downloads and verifies a
stored snapshot like a restore and sends Vault nothing; it needs neither allow_restore nor the restore scope
(operate is enough), drills the newest snapshot when none is named, fails with 502 on a tampered one, counts
vaultkeeper_snapshot_restore_drills_total{job,outcome} and sets vaultkeeper_snapshot_last_restore_drill_success
(what VaultkeeperSnapshotRestoreDrillFailed fires on), and is audited like a restore. Encrypted snapshots
(encrypt_for) drill and restore with decrypt_with; another recipient's key or a tampered envelope is 502
with Vault receiving nothing; vaultkeeper --decrypt-snapshot opens one by hand."""
import json
import os
import shutil
import subprocess
import tarfile
import urllib.parse

import vkproc

from test_snapshot import ROOT, Setup, cluster, http, job, spooled  # noqa: F401  (cluster: fixture)

OPERATOR = "operate-only-token-0123456789"
RESTORER = "restore-only-token-0123456789"


def restore_calls(cluster):
    """Every request vault-sim got on sys/storage/raft/snapshot (a restore is a POST there)."""
    query = urllib.parse.urlencode({"prefix": "POST /v1/sys/storage/raft/snapshot"})
    status, body = http("GET", f"{cluster.addrs[0]}/_sim/vault/requests?{query}", token=None)
    assert status == 200, body
    return body["requests"]


def drill_metrics(s, job_name):
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in s.metrics().splitlines()
            if "restore_drill" in line and f'job="{job_name}"' in line and not line.startswith("#")}


def tamper(path, at=100):
    with open(path, "r+b") as f:
        f.seek(at)
        byte = f.read(1)
        f.seek(at)
        f.write(bytes([byte[0] ^ 0xFF]))


def test_a_drill_verifies_without_restoring_and_needs_only_operate(cluster):
    cluster.write("app/db", {"password": "old"})
    audit = {}

    def blocks(s):
        audit["file"] = os.path.join(s.dir, "audit.log")
        return {"admin": {"tokens": [{"name": "ops", "token": OPERATOR, "scopes": ["operate"]},
                                     {"name": "restorer", "token": RESTORER, "scopes": ["restore"]}]},
                "audit": {"file": audit["file"]}}

    # "locked" has no allow_restore: a drill is not a restore.
    s = Setup(cluster, lambda s: [job(s, "locked", "n0", "locked")], blocks)
    try:
        first = s.daemon.wait_job("locked", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok",
                                  timeout=20, what="first cycle")["status"]["last"]
        newest = s.cycle("locked")["status"]["last"]
        assert newest["name"] > first["name"]
        cluster.write("app/db", {"password": "new"})

        # Named: the answer says what was checked.
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/locked/restore",
                                        {"dry_run": True, "storage": "disk", "name": first["name"]}, token=OPERATOR)
        assert status == 200, body
        assert body == {"storage": "disk", "name": first["name"], "size": first["size"], "sha256": first["sha256"],
                        "verified": True, "dry_run": True, "index": first["index"], "term": body["term"],
                        "path": "one-pass"}, body
        # Unnamed: the newest snapshot of the first storage.
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/locked/restore", {"dry_run": True}, token=OPERATOR)
        assert status == 200 and body["name"] == newest["name"] and body["sha256"] == newest["sha256"], body

        # The operator may not restore, and neither may anyone here (no allow_restore).
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/locked/restore",
                                        {"storage": "disk", "name": first["name"]}, token=OPERATOR)
        assert status == 403 and '"restore" scope' in body["error"]["message"], body
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/locked/restore",
                                        {"storage": "disk", "name": first["name"]}, token=RESTORER)
        assert status == 403 and "allow_restore is false" in body["error"]["message"], body

        assert restore_calls(cluster) == {}
        assert cluster.read("app/db") == {"password": "new"}
        assert spooled(s.spool) == []
        m = drill_metrics(s, "locked")
        assert m == {'vaultkeeper_snapshot_restore_drills_total{job="locked",outcome="ok"}': 2,
                     'vaultkeeper_snapshot_last_restore_drill_success{job="locked"}': 1}, m

        # Audited like a restore: request and answer lines naming the drill and who ran it.
        with open(audit["file"]) as f:
            lines = [json.loads(line) for line in f]
        drills = [line for line in lines if line.get("fields", {}).get("dry_run") is True]
        assert [d["token"] for d in drills] == ["ops", "ops"], lines
        answers = {line["id"]: line for line in lines if line["event"] == "answer"}
        assert all(answers[d["id"]]["status"] == 200 for d in drills), lines
    finally:
        s.daemon.stop()


def test_a_drill_of_a_tampered_snapshot_fails_and_the_alert_would_fire(cluster):
    s = Setup(cluster, lambda s: [job(s, "d", "n0", "d")])
    try:
        last = s.daemon.wait_job("d", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok",
                                 timeout=20, what="first cycle")["status"]["last"]
        assert s.daemon.call("POST", "/v1/snapshot/d/restore", {"dry_run": True})[0] == 200
        tamper(os.path.join(s.storage_dir("d"), last["name"]))

        status, body, _ = s.daemon.call("POST", "/v1/snapshot/d/restore", {"dry_run": True, "storage": "disk"})
        assert status == 502, body
        m = drill_metrics(s, "d")
        assert m['vaultkeeper_snapshot_restore_drills_total{job="d",outcome="failed"}'] == 1, m
        assert m['vaultkeeper_snapshot_restore_drills_total{job="d",outcome="ok"}'] == 1, m
        # VaultkeeperSnapshotRestoreDrillFailed: vaultkeeper_snapshot_last_restore_drill_success == 0
        assert m['vaultkeeper_snapshot_last_restore_drill_success{job="d"}'] == 0, m

        # Errors as a restore gives them: a name the storage does not hold is 400 naming /name.
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/d/restore", {"dry_run": True, "name": "nope.snap"})
        assert status == 400 and body["error"]["message"].startswith("/name: no snapshot"), body
        assert restore_calls(cluster) == {}
        assert spooled(s.spool) == []
    finally:
        s.daemon.stop()


def test_a_drill_of_an_empty_storage_is_400_and_counts_failed(cluster):
    s = Setup(cluster, lambda s: [job(s, "e", "n0", "e", interval="24h")])
    try:
        s.daemon.wait_job("e", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                          what="first cycle")
        for f in os.listdir(s.storage_dir("e")):
            os.remove(os.path.join(s.storage_dir("e"), f))
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/e/restore", {"dry_run": True})
        assert status == 400 and body["error"]["message"] == '/name: storage "disk" holds no snapshot of this job', body
        assert drill_metrics(s, "e")['vaultkeeper_snapshot_last_restore_drill_success{job="e"}'] == 0
    finally:
        s.daemon.stop()


def recipient(d, name):
    key, cert = os.path.join(d, f"{name}.key"), os.path.join(d, f"{name}.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", f"/CN={name}"], check=True, capture_output=True)
    return cert, key


def test_encrypted_snapshots_drill_and_restore_with_decrypt_with(cluster):
    cluster.write("app/db", {"password": "old"})
    keys = {}

    def jobs(s):
        keys["ok"], keys["other"] = recipient(s.dir, "recipient"), recipient(s.dir, "stranger")
        cert, key = keys["ok"]
        enc = {"encrypt_for": {"cert_file": cert}, "allow_restore": True}
        return [job(s, "enc", "n0", "enc", decrypt_with={"cert_file": cert, "key_file": key}, **enc),
                job(s, "wrong", "n0", "wrong", decrypt_with=dict(zip(("cert_file", "key_file"), keys["other"])),
                    **enc),
                job(s, "nokey", "n0", "nokey", **enc)]

    s = Setup(cluster, jobs)
    try:
        for name in ("enc", "wrong", "nokey"):
            s.daemon.wait_job(name, lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what=f"{name}: first cycle")
        cluster.write("app/db", {"password": "new"})

        status, body, _ = s.daemon.call("POST", "/v1/snapshot/enc/restore", {"dry_run": True})
        assert status == 200 and body["verified"] is True, body
        # Stored bytes are the envelope: the SHA-256 checked is the stored file's.
        stored = os.path.join(s.storage_dir("enc"), body["name"])
        assert body["size"] == os.path.getsize(stored)

        # The envelope is for "recipient": another key opens nothing, and Vault receives nothing.
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/wrong/restore", {"dry_run": True})
        assert status == 502 and "no recipient matching the decrypt_with certificate" in body["error"]["message"], body
        name = s.daemon.job("wrong")["status"]["last"]["name"]
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/wrong/restore", {"storage": "disk", "name": name})
        assert status == 502, body
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/nokey/restore", {"dry_run": True})
        assert status == 409 and "decrypt_with" in body["error"]["message"], body
        assert drill_metrics(s, "wrong")['vaultkeeper_snapshot_last_restore_drill_success{job="wrong"}'] == 0
        assert restore_calls(cluster) == {}
        assert cluster.read("app/db") == {"password": "new"}

        # A tampered envelope fails before Vault sees it.
        name = s.daemon.job("enc")["status"]["last"]["name"]
        copy = os.path.join(s.dir, "copy")
        shutil.copy(os.path.join(s.storage_dir("enc"), name), copy)
        tamper(os.path.join(s.storage_dir("enc"), name), at=os.path.getsize(copy) // 2)
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/enc/restore", {"storage": "disk", "name": name})
        assert status == 502, body
        assert restore_calls(cluster) == {}
        shutil.copy(copy, os.path.join(s.storage_dir("enc"), name))

        status, body, _ = s.daemon.call("POST", "/v1/snapshot/enc/restore", {"storage": "disk", "name": name})
        assert status == 200 and body["index"] > 0, body
        assert cluster.read("app/db") == {"password": "old"}
        assert sum(restore_calls(cluster).values()) == 1
        assert spooled(s.spool) == []
    finally:
        s.daemon.stop()


def test_decrypt_snapshot_command_opens_a_stored_envelope(cluster):
    def jobs(s):
        cert, _ = recipient(s.dir, "recipient")
        return [job(s, "enc", "n0", "enc", encrypt_for={"cert_file": cert})]

    s = Setup(cluster, jobs)
    try:
        last = s.daemon.wait_job("enc", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok",
                                 timeout=20, what="first cycle")["status"]["last"]
        stored = os.path.join(s.storage_dir("enc"), last["name"])
        cert, key = os.path.join(s.dir, "recipient.pem"), os.path.join(s.dir, "recipient.key")
        out = os.path.join(s.dir, "plain.snap")
        r = subprocess.run([vkproc.binary("vaultkeeper"), "--decrypt-snapshot", stored, "--cert", cert, "--key", key,
                            "--out", out], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert "decrypted and verified" in r.stdout
        with tarfile.open(out, "r:gz") as t:
            assert t.getnames() == ["meta.json", "state.bin", "SHA256SUMS", "SHA256SUMS.sealed"]
        other_cert, other_key = recipient(s.dir, "stranger")
        os.remove(out)
        r = subprocess.run([vkproc.binary("vaultkeeper"), "--decrypt-snapshot", stored, "--cert", other_cert,
                            "--key", other_key, "--out", out], capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and "no recipient matching" in r.stderr, r.stderr
        assert not os.path.exists(out)
    finally:
        s.daemon.stop()


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024


def test_a_large_encrypted_snapshot_opens_with_flat_memory(cluster):
    # 160 MiB of sealed filler in each snapshot: decrypting (drill, then by hand) must not hold it in memory
    # (measured here: the daemon peaks near 18 MiB, --decrypt-snapshot near 15 MiB).
    cluster.sim("vault/snapshot-padding", {"bytes": 160 << 20})

    def jobs(s):
        cert, key = recipient(s.dir, "recipient")
        return [job(s, "big", "n0", "big", timeout="5m", encrypt_for={"cert_file": cert},
                    decrypt_with={"cert_file": cert, "key_file": key})]

    s = Setup(cluster, jobs)
    try:
        last = s.daemon.wait_job("big", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok",
                                 timeout=180, what="first cycle")["status"]["last"]
        assert last["size"] > 160 << 20
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/big/restore", {"dry_run": True})
        assert status == 200 and body["size"] == last["size"], body
        # Under the sanitizers RSS holds ASan's shadow and quarantine: the release run makes the memory claim.
        flat = not vkproc.sanitized()
        assert peak_rss_mib(s.daemon.proc.pid) < 100 or not flat
        stored = os.path.join(s.storage_dir("big"), last["name"])
        out = os.path.join(s.dir, "plain.snap")
        cmd = subprocess.Popen([vkproc.binary("vaultkeeper"), "--decrypt-snapshot", stored, "--cert",
                                os.path.join(s.dir, "recipient.pem"), "--key", os.path.join(s.dir, "recipient.key"),
                                "--out", out], stdout=subprocess.DEVNULL)
        peaks = [0]

        def ended():
            try:  # the high-water mark so far, while it runs (rusage would count the forked pytest's pages)
                peaks.append(peak_rss_mib(cmd.pid))
            except (OSError, StopIteration):
                pass
            return cmd.poll() is not None

        vkproc.wait_until(ended, 300, interval=0.005, what="--decrypt-snapshot ends")
        assert cmd.returncode == 0
        assert 0 < max(peaks) and (max(peaks) < 32 or not flat), peaks
        assert os.path.getsize(out) > 160 << 20
    finally:
        cluster.sim("vault/snapshot-padding", {"bytes": 0})
        s.daemon.stop()
