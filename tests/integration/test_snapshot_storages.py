"""The snapshot cloud storages (S3, GCS over the S3 code path, Azure Blob) against real emulators from npm
(tests/emulators: s3rver, azurite), through build/bin/snapshot-storage-cli, one operation per run:
uploads below and above the part size (multipart / blocks), the SHA-256 kept as object metadata, listing
past 1,000 objects (continuation tokens) and across Azure markers, delete, streamed download, credentials
from the environment, wrong keys (azurite verifies Shared Key; s3rver does not verify SigV4, so the signature
is checked against botocore on a request captured by a local recorder, which also shows the SSE headers, the
multipart sequence, abort included, and the preconditions that keep an upload from replacing an object:
If-None-Match: * on PutObject and CompleteMultipartUpload, GCS's x-goog-if-generation-match: 0 on its single
PUT; azurite enforces If-None-Match, s3rver ignores it). No secret may appear in the CLI's output."""
import base64
import datetime
import email.utils
import hashlib
import hmac
import http.client
import http.server
import json
import os
import subprocess
import threading
import urllib.request
from unittest import mock
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import vkproc

EMULATORS = os.path.join(os.environ.get("VK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                         "tests", "emulators", "node_modules", ".bin")
AZ_ACCOUNT = "devstoreaccount1"
AZ_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
MIB = 1 << 20


def emulator(name):
    path = os.path.join(EMULATORS, name)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: run scripts/install-deps.sh (npm ci in tests/emulators)")
    return path


@pytest.fixture(scope="module")
def s3rver(tmp_path_factory):
    port = vkproc.free_port()
    data = tmp_path_factory.mktemp("s3rver")
    p = vkproc.Process([emulator("s3rver"), "-d", str(data), "-a", "127.0.0.1", "-p", str(port), "-s",
                        "--configure-bucket", "snaps"], ready_url=f"http://127.0.0.1:{port}/", timeout=30,
                       log_path=str(data / "s3rver.log"),
                       # s3rver makes continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider
                       env={"NODE_OPTIONS": "--openssl-legacy-provider"})
    yield f"http://127.0.0.1:{port}"
    p.stop()


@pytest.fixture(scope="module")
def azurite(tmp_path_factory):
    port = vkproc.free_port()
    data = tmp_path_factory.mktemp("azurite")
    p = vkproc.Process([emulator("azurite-blob"), "--blobHost", "127.0.0.1", "--blobPort", str(port),
                        "--location", str(data), "--skipApiVersionCheck", "--silent", "--disableTelemetry"],
                       ready_url=f"http://127.0.0.1:{port}/{AZ_ACCOUNT}?comp=list", timeout=60,
                       log_path=str(data / "azurite.log"))
    base = f"http://127.0.0.1:{port}"
    azure_create_container(base, "snaps")
    yield base
    p.stop()


def cli(tmp_path, config, *args, env=None):
    cfg = tmp_path / "storage.json"
    cfg.write_text(json.dumps(config))
    cfg.chmod(0o600)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environ.update(env or {})
    return subprocess.run([vkproc.binary("snapshot-storage-cli"), str(cfg), *args], capture_output=True,
                          text=True, timeout=120, env=environ)


def ok(r):
    assert r.returncode == 0, r.stderr
    return r


def listed(r):
    return {o["name"]: o for o in map(json.loads, ok(r).stdout.splitlines())}


def snapshot_file(tmp_path, name, size):
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def botocore_headers(method, url, headers, when=None, key_id="S3RVER", secret="S3RVER"):
    """botocore's SigV4 headers for a request (UNSIGNED-PAYLOAD), optionally at a fixed time."""
    req = AWSRequest(method=method, url=url, headers=headers, data=b"")
    req.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    with mock.patch("botocore.auth.datetime") as dt:
        dt.datetime.utcnow.return_value = when or datetime.datetime.utcnow()
        dt.datetime.strptime = datetime.datetime.strptime
        S3SigV4Auth(Credentials(key_id, secret), "s3", "us-east-1").add_auth(req)
    return dict(req.headers)


def s3_config(base, **extra):
    return {"type": "s3", "bucket": "snaps", "endpoint": base, "force_path_style": True,
            "access_key_id": "S3RVER", "secret_access_key": "S3RVER", **extra}


# ---------------------------------------------------------------------------------------------------- S3


def test_s3_put_and_multipart_round_trip_with_sha256_metadata(s3rver, tmp_path):
    config = s3_config(s3rver, key_prefix="rt/", part_size=5 * MIB)
    small, small_sha = snapshot_file(tmp_path, "small.snap", 1000)
    big, big_sha = snapshot_file(tmp_path, "big.snap", 12 * MIB + 5)
    ok(cli(tmp_path, config, "upload", str(small), "small.snap", small_sha))
    ok(cli(tmp_path, config, "upload", str(big), "big.snap", big_sha))
    objects = listed(cli(tmp_path, config, "list"))
    assert {n: (o["size"], o["sha256"]) for n, o in objects.items()} == {
        "small.snap": (1000, small_sha), "big.snap": (12 * MIB + 5, big_sha)}
    for name, path, sha in (("small.snap", small, small_sha), ("big.snap", big, big_sha)):
        out = tmp_path / ("got-" + name)
        ok(cli(tmp_path, config, "download", name, str(out)))
        assert out.read_bytes() == path.read_bytes()
        url = f"{s3rver}/snaps/rt/{name}"
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD",
                                                           headers=botocore_headers("HEAD", url, {})),
                                    timeout=10) as r:
            assert r.headers["x-amz-meta-sha256"] == sha


def test_s3_memory_stays_flat_whatever_the_size(s3rver, tmp_path):
    """A 96 MiB snapshot in 16 MiB parts, up and down: the CLI's peak RSS stays below one part."""
    config = s3_config(s3rver, key_prefix="mem/", part_size=16 * MIB)
    path, digest = tmp_path / "big.snap", hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(96):
            chunk = os.urandom(MIB)
            digest.update(chunk)
            f.write(chunk)
    out = tmp_path / "back.snap"
    env, limit_kib = {"VK_REPORT_RSS": "1"}, 16 * 1024
    with open(vkproc.binary("snapshot-storage-cli"), "rb") as f:
        sanitized = b"__asan_init" in f.read()

    def peak_kib(*args):
        r = ok(cli(tmp_path, config, *args, env=env))
        return int(r.stderr.split("peak_rss_kib ")[1].split()[0])

    if sanitized:
        # The sanitizer build's shadow memory and allocator caches grow with what it touches: measure a 1 MiB
        # round trip as the baseline and allow three parts above it (a buffered 96 MiB file would need 96).
        env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1"
        small = tmp_path / "small.snap"
        small.write_bytes(os.urandom(MIB))
        base = max(peak_kib("upload", str(small), "small.snap", hashlib.sha256(small.read_bytes()).hexdigest()),
                   peak_kib("download", "small.snap", str(tmp_path / "small.back")))
        limit_kib = base + 48 * 1024
    for args in (("upload", str(path), "big.snap", digest.hexdigest()), ("download", "big.snap", str(out))):
        peak = peak_kib(*args)
        assert peak < limit_kib, f"{args[0]}: peak RSS {peak} KiB (limit {limit_kib} KiB)"
    with open(out, "rb") as f:
        back = hashlib.sha256()
        for chunk in iter(lambda: f.read(MIB), b""):
            back.update(chunk)
    assert back.hexdigest() == digest.hexdigest()


def test_s3_list_follows_continuation_tokens_past_1000(s3rver, tmp_path):
    host = urlsplit(s3rver).netloc
    conn = http.client.HTTPConnection(host, timeout=10)
    keys = [f"many/raft-snapshot-{i:05d}.snap" for i in range(1005)] + ["many/sub/deeper.snap", "other/x.snap"]
    for key in keys:  # straight into s3rver (it does not check V4 signatures), one keep-alive connection
        url = f"{s3rver}/snaps/{key}"
        conn.request("PUT", f"/snaps/{key}", body=b"x", headers=botocore_headers("PUT", url, {}))
        r = conn.getresponse()
        r.read()
        assert r.status == 200
    conn.close()
    objects = listed(cli(tmp_path, s3_config(s3rver, key_prefix="many/"), "list"))
    assert sorted(objects) == sorted(k[len("many/"):] for k in keys[:1005])
    small_pages = listed(cli(tmp_path, s3_config(s3rver, key_prefix="many/", page_size=400), "list"))
    assert sorted(small_pages) == sorted(objects)


def test_s3_remove_is_idempotent_and_download_of_absent_fails(s3rver, tmp_path):
    config = s3_config(s3rver, key_prefix="rm/")
    path, sha = snapshot_file(tmp_path, "a.snap", 10)
    ok(cli(tmp_path, config, "upload", str(path), "a.snap", sha))
    ok(cli(tmp_path, config, "remove", "a.snap"))
    ok(cli(tmp_path, config, "remove", "a.snap"))
    assert listed(cli(tmp_path, config, "list")) == {}
    out = tmp_path / "absent"
    r = cli(tmp_path, config, "download", "a.snap", str(out))
    assert r.returncode == 1 and "not_found" in r.stderr
    assert not out.exists()


def test_s3_credentials_from_the_aws_variables(s3rver, tmp_path):
    config = s3_config(s3rver, key_prefix="env/")
    del config["access_key_id"], config["secret_access_key"]
    # Nothing in the default chain (no ~/.aws, instance metadata off): a clear error, before any request.
    r = cli(tmp_path, config, "list", env={"HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"})
    assert r.returncode == 1 and "no AWS credentials" in r.stderr
    env = {"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER", "AWS_SESSION_TOKEN": "t0ken"}
    path, sha = snapshot_file(tmp_path, "e.snap", 10)
    ok(cli(tmp_path, config, "upload", str(path), "e.snap", sha, env=env))
    assert list(listed(cli(tmp_path, config, "list", env=env))) == ["e.snap"]


def test_s3_unknown_key_fails_and_no_secret_is_printed(s3rver, tmp_path):
    secret = "sup3r-s3cret-value-9f2c"
    config = s3_config(s3rver, access_key_id="NOT-A-KEY", secret_access_key=secret)
    r = cli(tmp_path, config, "list")
    assert r.returncode == 1 and "permission_denied" in r.stderr and "InvalidAccessKeyId" in r.stderr
    assert secret not in r.stdout + r.stderr


def test_gcs_uses_the_s3_code_path(s3rver, tmp_path):
    config = {"type": "gcs", "bucket": "snaps", "endpoint": s3rver, "hmac_access_id": "S3RVER",
              "hmac_secret": "S3RVER", "key_prefix": "gcs/"}
    path, sha = snapshot_file(tmp_path, "g.snap", 2000)
    ok(cli(tmp_path, config, "upload", str(path), "g.snap", sha))
    assert listed(cli(tmp_path, config, "list"))["g.snap"]["size"] == 2000
    out = tmp_path / "g.out"
    ok(cli(tmp_path, config, "download", "g.snap", str(out)))
    assert out.read_bytes() == path.read_bytes()


# A local recorder standing in for S3: keeps every request's method, target and headers, answers like S3
# (fail_part: that UploadPart number answers 400; exists: the object is there, so a write carrying
# If-None-Match: * answers 412 as S3 does).
class Recorder(http.server.ThreadingHTTPServer):
    def __init__(self, fail_part=None, exists=False, fail_part_once=None):
        self.requests = []
        self.fail_part = fail_part
        self.fail_part_once = fail_part_once  # answered 500 InternalError the first time only
        self.exists = exists
        super().__init__(("127.0.0.1", 0), RecorderHandler)


class RecorderHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        self.server.requests.append((self.command, self.path, dict(self.headers), body))
        status, payload, headers = 200, b"", {}
        creates = (self.command == "PUT" and "partNumber" not in query) or (self.command == "POST" and "uploadId" in query)
        if creates and self.server.exists and self.headers.get("If-None-Match") == "*":
            status, payload = 412, b"<Error><Code>PreconditionFailed</Code><Message>exists</Message></Error>"
        elif self.command == "POST" and "uploads" in query:
            payload = b"<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>"
        elif self.command == "PUT" and query.get("partNumber") == str(self.server.fail_part):
            status, payload = 400, b"<Error><Code>InvalidPart</Code><Message>no</Message></Error>"
        elif self.command == "PUT" and query.get("partNumber") == str(self.server.fail_part_once):
            self.server.fail_part_once = None
            status, payload = 500, b"<Error><Code>InternalError</Code><Message>again</Message></Error>"
        elif self.command == "PUT":
            headers["ETag"] = '"etag-%s"' % query.get("partNumber", "0")
        elif self.command == "POST":
            payload = b"<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>"
        elif self.command == "DELETE":
            status = 204
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_PUT = do_POST = do_DELETE = do_GET = _answer


@pytest.fixture
def recorder():
    servers = []

    def start(**kw):
        s = Recorder(**kw)
        threading.Thread(target=s.serve_forever, daemon=True).start()
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def test_put_object_sends_sse_kms_headers_and_botocore_s_signature(recorder, tmp_path):
    rec = recorder()
    base = f"http://127.0.0.1:{rec.server_address[1]}"
    config = s3_config(base, key_prefix="vault/", sse_type="aws:kms", kms_key_id="arn:aws:kms:k",
                       access_key_id="AKIDEXAMPLE", secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    path, sha = snapshot_file(tmp_path, "s.snap", 100)
    ok(cli(tmp_path, config, "upload", str(path), "a b.snap", sha))
    [(method, target, headers, body)] = rec.requests
    assert (method, target, body) == ("PUT", "/snaps/vault/a%20b.snap", path.read_bytes())
    assert headers["x-amz-server-side-encryption"] == "aws:kms"
    assert headers["x-amz-server-side-encryption-aws-kms-key-id"] == "arn:aws:kms:k"
    assert headers["x-amz-meta-sha256"] == sha
    assert headers["If-None-Match"] == "*", "a PutObject never replaces an existing object"
    assert headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    signed = headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    again = {k: v for k, v in headers.items()
             if k.lower() in signed and k.lower() not in ("host", "x-amz-date", "x-amz-content-sha256")}
    when = datetime.datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ")
    expected = botocore_headers("PUT", base + target, again, when, "AKIDEXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    assert headers["Authorization"] == expected["Authorization"]


def multipart_upload(rec, tmp_path, name, **extra):
    """Uploads an 11 MiB file in 5 MiB parts, one at a time, to the recorder: (the file, (method, target) of
    each request). Parts in parallel: test_snapshot_parallel_parts.py."""
    config = s3_config(f"http://127.0.0.1:{rec.server_address[1]}", part_size=5 * MIB, upload_concurrency=1,
                       **extra)
    path, sha = snapshot_file(tmp_path, name, 11 * MIB)
    ok(cli(tmp_path, config, "upload", str(path), name, sha))
    return path, sha, [(m, t) for m, t, _, _ in rec.requests]


def part_call(name, n):
    return ("PUT", f"/snaps/{name}?partNumber={n}&uploadId=up-1")


def test_multipart_sequence_with_sse_aes256_completes_last(recorder, tmp_path):
    rec = recorder()
    path, sha, calls = multipart_upload(rec, tmp_path, "m.snap", sse_type="AES256")
    assert calls == [("POST", "/snaps/m.snap?uploads="), part_call("m.snap", 1), part_call("m.snap", 2),
                     part_call("m.snap", 3), ("POST", "/snaps/m.snap?uploadId=up-1")]
    create, parts, complete = rec.requests[0], rec.requests[1:4], rec.requests[4]
    assert create[2]["x-amz-server-side-encryption"] == "AES256" and create[2]["x-amz-meta-sha256"] == sha
    assert all("x-amz-server-side-encryption" not in p[2] for p in parts)
    assert b"".join(p[3] for p in parts) == path.read_bytes()
    assert complete[3].count(b"<Part>") == 3 and b"&quot;etag-3&quot;" in complete[3]
    assert complete[2]["If-None-Match"] == "*", "completing never replaces an existing object"


def test_a_part_failing_once_is_sent_again_alone_and_the_object_completes(recorder, tmp_path):
    rec = recorder(fail_part_once=2)
    path, _, calls = multipart_upload(rec, tmp_path, "r.snap")
    assert calls == [("POST", "/snaps/r.snap?uploads="), part_call("r.snap", 1), part_call("r.snap", 2),
                     part_call("r.snap", 2), part_call("r.snap", 3), ("POST", "/snaps/r.snap?uploadId=up-1")]
    parts = [rec.requests[i][3] for i in (1, 3, 4)]
    assert b"".join(parts) == path.read_bytes(), "the retried part carries its own bytes again"
    assert rec.requests[2][3] == parts[1]


def test_multipart_failure_aborts_the_upload(recorder, tmp_path):
    rec = recorder(fail_part=2)
    config = s3_config(f"http://127.0.0.1:{rec.server_address[1]}", part_size=5 * MIB)
    path, sha = snapshot_file(tmp_path, "f.snap", 11 * MIB)
    r = cli(tmp_path, config, "upload", str(path), "f.snap", sha)
    assert r.returncode == 1 and "upload part 2" in r.stderr and "InvalidPart" in r.stderr
    calls = [(m, t) for m, t, _, _ in rec.requests]
    assert calls[-1] == ("DELETE", "/snaps/f.snap?uploadId=up-1")
    assert not any(m == "POST" and "uploads" not in t for m, t in calls)


@pytest.mark.parametrize("size", [100, 11 * MIB], ids=["put", "multipart"])
def test_s3_refused_precondition_is_a_conflict_naming_the_object(recorder, tmp_path, size):
    rec = recorder(exists=True)
    config = s3_config(f"http://127.0.0.1:{rec.server_address[1]}", part_size=5 * MIB)
    path, sha = snapshot_file(tmp_path, "x.snap", size)
    r = cli(tmp_path, config, "upload", str(path), "x.snap", sha)
    assert r.returncode == 1 and "conflict" in r.stderr and "HTTP 412 PreconditionFailed" in r.stderr, r.stderr
    assert '"x.snap" already exists; not overwritten' in r.stderr
    if size > 5 * MIB:
        assert [m for m, _, _, _ in rec.requests][-1] == "DELETE", "the refused multipart upload is aborted"


def test_gcs_quirks_region_auto_and_goog_metadata(recorder, tmp_path):
    rec = recorder()
    # GCS's XML multipart uploads take no preconditions: above the part size the snapshot still goes in one
    # streamed PUT, whose x-goog-if-generation-match: 0 keeps it from replacing an object.
    config = {"type": "gcs", "bucket": "snaps", "endpoint": f"http://127.0.0.1:{rec.server_address[1]}",
              "hmac_access_id": "GOOGTS7C7FUP3AIRVJTE2BCD",
              "hmac_secret": "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ", "part_size": 5 * MIB}
    path, sha = snapshot_file(tmp_path, "g.snap", 6 * MIB)
    r = ok(cli(tmp_path, config, "upload", str(path), "g.snap", sha))
    [(method, target, headers, body)] = rec.requests
    assert (method, target) == ("PUT", "/snaps/g.snap")
    assert body == path.read_bytes()
    assert headers["x-goog-if-generation-match"] == "0"
    assert "If-None-Match" not in headers
    assert headers["x-goog-meta-sha256"] == sha
    assert "Credential=GOOGTS7C7FUP3AIRVJTE2BCD/" in headers["Authorization"]
    assert "/auto/s3/aws4_request" in headers["Authorization"]
    assert config["hmac_secret"] not in r.stdout + r.stderr


# ---------------------------------------------------------------------------------------------------- Azure


def azure_create_container(base, name, context=None):
    """PUT container with our own tiny Shared Key signer (the storage never creates containers); `context`:
    the TLS context of an https azurite."""
    date = email.utils.formatdate(usegmt=True)
    resource = f"/{AZ_ACCOUNT}/{AZ_ACCOUNT}/{name}\nrestype:container"
    to_sign = "PUT\n" + "\n" * 11 + f"x-ms-date:{date}\nx-ms-version:2021-08-06\n{resource}"
    mac = hmac.new(base64.b64decode(AZ_KEY), to_sign.encode(), hashlib.sha256).digest()
    req = urllib.request.Request(f"{base}/{AZ_ACCOUNT}/{name}?restype=container", method="PUT", headers={
        "x-ms-date": date, "x-ms-version": "2021-08-06", "Content-Length": "0",
        "Authorization": f"SharedKey {AZ_ACCOUNT}:{base64.b64encode(mac).decode()}"})
    with urllib.request.urlopen(req, timeout=10, context=context) as r:
        assert r.status == 201


def azure_config(base, **extra):
    return {"type": "azure", "account_name": AZ_ACCOUNT, "account_key": AZ_KEY, "container": "snaps",
            "endpoint": f"{base}/{AZ_ACCOUNT}", **extra}


def test_azure_put_blob_and_blocks_round_trip_with_sha256_metadata(azurite, tmp_path):
    config = azure_config(azurite, key_prefix="rt/", part_size=5 * MIB)
    small, small_sha = snapshot_file(tmp_path, "small snap.snap", 1000)
    big, big_sha = snapshot_file(tmp_path, "big.snap", 12 * MIB + 7)
    ok(cli(tmp_path, config, "upload", str(small), "small snap.snap", small_sha))
    ok(cli(tmp_path, config, "upload", str(big), "big.snap", big_sha))
    objects = listed(cli(tmp_path, config, "list"))
    assert {n: (o["size"], o["sha256"]) for n, o in objects.items()} == {
        "small snap.snap": (1000, small_sha), "big.snap": (12 * MIB + 7, big_sha)}
    for name, path in (("small snap.snap", small), ("big.snap", big)):
        out = tmp_path / "got"
        ok(cli(tmp_path, config, "download", name, str(out)))
        assert out.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("size", [1000, 7 * MIB], ids=["put-blob", "block-list"])
def test_azure_never_replaces_an_existing_blob(azurite, tmp_path, size):
    # azurite enforces If-None-Match: * on Put Blob and Put Block List (s3rver ignores it on PutObject; there
    # unique names are the guarantee).
    config = azure_config(azurite, key_prefix=f"keep-{size}/", part_size=5 * MIB)
    first, first_sha = snapshot_file(tmp_path, "first.snap", size)
    second, second_sha = snapshot_file(tmp_path, "second.snap", size)
    ok(cli(tmp_path, config, "upload", str(first), "s.snap", first_sha))
    r = cli(tmp_path, config, "upload", str(second), "s.snap", second_sha)
    assert r.returncode == 1 and "conflict" in r.stderr and "already exists; not overwritten" in r.stderr, r.stderr
    assert listed(cli(tmp_path, config, "list"))["s.snap"]["sha256"] == first_sha
    out = tmp_path / "back"
    ok(cli(tmp_path, config, "download", "s.snap", str(out)))
    assert out.read_bytes() == first.read_bytes()


def test_azure_list_follows_next_marker(azurite, tmp_path):
    config = azure_config(azurite, key_prefix="pages/", page_size=2)
    path, sha = snapshot_file(tmp_path, "p.snap", 10)
    names = [f"raft-{i}.snap" for i in range(5)]
    for n in names:
        ok(cli(tmp_path, config, "upload", str(path), n, sha))
    assert sorted(listed(cli(tmp_path, config, "list"))) == names


def test_azure_remove_is_idempotent(azurite, tmp_path):
    config = azure_config(azurite, key_prefix="rm/")
    path, sha = snapshot_file(tmp_path, "r.snap", 10)
    ok(cli(tmp_path, config, "upload", str(path), "r.snap", sha))
    ok(cli(tmp_path, config, "remove", "r.snap"))
    ok(cli(tmp_path, config, "remove", "r.snap"))
    assert listed(cli(tmp_path, config, "list")) == {}


def test_azure_wrong_key_is_rejected_by_shared_key_check(azurite, tmp_path):
    wrong = base64.b64encode(b"not the account key, 64 bytes long....................").decode()
    config = azure_config(azurite, account_key=wrong)
    path, sha = snapshot_file(tmp_path, "w.snap", 10)
    for args in (("list",), ("upload", str(path), "w.snap", sha)):
        r = cli(tmp_path, config, *args)
        assert r.returncode == 1 and "permission_denied" in r.stderr and "HTTP 403" in r.stderr
        assert wrong not in r.stdout + r.stderr and AZ_KEY not in r.stdout + r.stderr
