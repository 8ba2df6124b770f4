"""Restore in two passes (issue 24): when the spool cannot hold what a one-pass restore writes (or the job's
restore_spool_limit says so), a restore downloads the snapshot twice with nothing on disk: pass 1 verifies
(and decrypts), pass 2 streams into sys/storage/raft/snapshot and holds back its last piece until its SHA-256
matches pass 1's. Plain and encrypted snapshots restore this way; a drill runs pass 1 only; an object that
changes between the passes (a stand-in S3 serving other bytes on the second GET) is 502 and Vault receives no
complete snapshot, so its state stays as it was."""
import datetime
import http.server
import os
import threading

from test_snapshot import Setup, cluster, job, spooled  # noqa: F401  (cluster: fixture)
from test_snapshot_drill import recipient, restore_calls

CHANGED = "the snapshot changed between the verification and the restore"


def first_ok(s, name):
    return s.daemon.wait_job(name, lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                             what=f"{name}: first cycle")["status"]["last"]


def test_plain_and_encrypted_snapshots_restore_in_two_passes_and_drill_in_one(cluster):
    cluster.write("app/db", {"password": "old"})

    def jobs(s):
        cert, key = recipient(s.dir, "recipient")
        return [job(s, "plain", "n0", "plain", allow_restore=True, restore_spool_limit=0),
                job(s, "enc", "n0", "enc", allow_restore=True, restore_spool_limit=0,
                    encrypt_for={"cert_file": cert}, decrypt_with={"cert_file": cert, "key_file": key}),
                job(s, "roomy", "n0", "roomy", allow_restore=True)]

    s = Setup(cluster, jobs)
    try:
        lasts = {name: first_ok(s, name) for name in ("plain", "enc", "roomy")}
        cluster.write("app/db", {"password": "new"})

        # Drills: pass 1 only, Vault untouched; the default limit (free space) spools.
        for name, path in (("plain", "two-pass"), ("enc", "two-pass"), ("roomy", "one-pass")):
            status, body, _ = s.daemon.call("POST", f"/v1/snapshot/{name}/restore", {"dry_run": True})
            assert status == 200 and body["path"] == path and body["verified"] is True, body
            assert body["size"] == lasts[name]["size"] and body["sha256"] == lasts[name]["sha256"], body
        assert restore_calls(cluster) == {}

        for name in ("plain", "enc"):
            status, body, _ = s.daemon.call("POST", f"/v1/snapshot/{name}/restore",
                                            {"storage": "disk", "name": lasts[name]["name"]})
            assert status == 200 and body["path"] == "two-pass" and body["index"] > 0, body
            assert cluster.read("app/db") == {"password": "old"}
            cluster.write("app/db", {"password": "new"})
        assert sum(restore_calls(cluster).values()) == 2
        assert spooled(s.spool) == []
    finally:
        s.daemon.stop()


class ChangingS3(http.server.ThreadingHTTPServer):
    """A stand-in S3 bucket "b" holding one object whose bytes change after the first GET (the versions in
    turn, the last one for ever); uploads and deletes are accepted and dropped."""

    daemon_threads = True

    def __init__(self, key, versions):
        super().__init__(("127.0.0.1", 0), _ChangingS3Handler)
        self.key, self.versions, self.gets = key, versions, 0
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_version(self):
        with self.lock:
            self.gets += 1
            return self.versions[min(self.gets, len(self.versions)) - 1]


class _ChangingS3Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def drain(self):
        n = int(self.headers.get("Content-Length") or 0)
        while n > 0:
            n -= len(self.rfile.read(min(n, 1 << 20)))

    def do_GET(self):
        srv = self.server
        if self.path.startswith("/b?") or self.path == "/b":
            when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            xml = (f'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name>'
                   f'<IsTruncated>false</IsTruncated><Contents><Key>{srv.key}</Key><Size>{len(srv.versions[0])}'
                   f'</Size><LastModified>{when}</LastModified></Contents></ListBucketResult>')
            return self.answer(200, xml.encode(), [("Content-Type", "application/xml")])
        if self.path == f"/b/{srv.key}":
            return self.answer(200, srv.next_version(), [("Content-Type", "application/octet-stream")])
        self.answer(404)

    def do_HEAD(self):
        self.answer(404)  # no recorded SHA-256: the check is pass 1 against pass 2

    def do_PUT(self):
        self.drain()
        self.answer(200, headers=[("ETag", '"0"')])

    def do_DELETE(self):
        self.answer(204)


def test_an_object_that_changes_between_the_passes_is_502_and_vault_keeps_its_state(cluster):
    cluster.write("app/db", {"password": "first"})
    src = Setup(cluster, lambda s: [job(s, "src", "n0", "src")])
    try:
        first = first_ok(src, "src")
        cluster.write("app/db", {"password": "second"})
        second = src.cycle("src")["status"]["last"]
        with open(os.path.join(src.storage_dir("src"), first["name"]), "rb") as f:
            old = f.read()
        with open(os.path.join(src.storage_dir("src"), second["name"]), "rb") as f:
            new = f.read()
    finally:
        src.daemon.stop()
    assert old != new
    cluster.write("app/db", {"password": "now"})

    for versions in ([old, new], [new, old]):  # the second download differs, longer or shorter
        s3 = ChangingS3("raft-snapshot-x.snap", versions)
        s3_storage = {"name": "s3", "type": "s3", "bucket": "b", "endpoint": s3.url, "force_path_style": True,
                      "access_key_id": "AKIDEXAMPLE", "secret_access_key": "secret"}
        s = Setup(cluster, lambda s: [{**job(s, "two", "n0", "two", allow_restore=True, restore_spool_limit=0,
                                              interval="24h"), "storages": [s3_storage]}])
        try:
            s.daemon.wait_job("two", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] != "running",
                              timeout=20, what="first cycle")
            s3.gets = 0
            status, body, _ = s.daemon.call("POST", "/v1/snapshot/two/restore",
                                            {"storage": "s3", "name": "raft-snapshot-x.snap"})
            assert status == 502 and CHANGED in body["error"]["message"], body
            assert s3.gets == 2
            assert cluster.read("app/db") == {"password": "now"}
            assert restore_calls(cluster) == {}
            assert spooled(s.spool) == []
        finally:
            s.daemon.stop()
            s3.shutdown()
