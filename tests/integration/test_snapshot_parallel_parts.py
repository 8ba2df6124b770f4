"""Parallel parts and per-part retry of the cloud storages' multipart uploads (S3 parts against s3rver, Azure
blocks against azurite), through a recording proxy that knows part numbers: it counts part uploads in flight
(holding the first ones until `hold` are in flight together, bounded), and fails chosen attempts of a part
with an HTTP status or a connection reset after reading part of the body. A part failing with a retryable
outcome is sent again alone; one failing every time (or refused) ends the upload with no object, and for S3
an AbortMultipartUpload (s3rver implements neither ListMultipartUploads nor the abort: the proxy answers
the abort itself and the test checks it was sent)."""
import base64
import contextlib
import hashlib
import threading
from urllib.parse import parse_qsl, urlsplit

import pytest

from recording_proxy import RecordingProxy
from test_snapshot_storages import MIB, azure_config, azurite, cli, listed, ok, s3_config, s3rver  # noqa: F401


def part_number(method, path):
    """The 1-based part of an UploadPart / Put Block request, else None."""
    query = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
    if method != "PUT":
        return None
    if "partNumber" in query:
        return int(query["partNumber"])
    if query.get("comp") == "block":
        return int(base64.b64decode(query["blockid"]).decode()[len("block-"):]) + 1
    return None


class PartProxy(RecordingProxy):
    def __init__(self, upstream, hold=0, faults=None):
        super().__init__(upstream)
        self.hold = hold
        self.faults = faults or {}  # part -> [fault of attempt 1, of attempt 2, ...] or ("always", fault)
        self.calls = []  # (method, path, part) of every request
        self.in_flight = self.max_in_flight = 0
        self.changed = threading.Condition(self.lock)

    def attempts(self, part):
        return sum(1 for _, _, p in self.calls if p == part)

    def intercept(self, method, path):
        part = part_number(method, path)
        with self.lock:
            self.calls.append((method, path, part))
        if method == "DELETE" and "uploadId=" in path:
            return 204  # s3rver answers AbortMultipartUpload with 405
        plan = self.faults.get(part)
        if not plan:
            return None
        if plan[0] == "always":
            return plan[1]
        attempt = self.attempts(part)
        return plan[attempt - 1] if attempt <= len(plan) else None

    @contextlib.contextmanager
    def forwarding(self, method, path):
        if part_number(method, path) is None:
            yield
            return
        with self.changed:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.changed.notify_all()
            # Bounded: a sequential upload would fail the max_in_flight assertion after this wait.
            self.changed.wait_for(lambda: self.max_in_flight >= self.hold, timeout=10)
        try:
            yield
        finally:
            with self.changed:
                self.in_flight -= 1


@pytest.fixture(params=["s3", "azure"])
def store(request):
    """(kind, config for a proxy at `base`, upstream): S3 in 5 MiB parts, Azure in 256 KiB blocks."""
    if request.param == "s3":
        upstream = request.getfixturevalue("s3rver")
        return "s3", lambda base, **kw: s3_config(base, key_prefix="par/", part_size=5 * MIB, **kw), upstream
    upstream = request.getfixturevalue("azurite")
    return "azure", lambda base, **kw: azure_config(base, key_prefix="par/", part_size=256 * 1024, **kw), upstream


@pytest.fixture
def proxy(store):
    started = []

    def start(**kw):
        p = PartProxy(store[2], **kw).start()
        started.append(p)
        return p

    yield start
    for p in started:
        p.close()


def five_parts(tmp_path, kind, name):
    """A file of five parts (the last one short) and its SHA-256."""
    size = 4 * 5 * MIB + 1234 if kind == "s3" else 4 * 256 * 1024 + 1234
    path = tmp_path / name
    path.write_bytes(hashlib.sha256(name.encode()).digest() * (size // 32) + b"x" * (size % 32))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def assert_stored(tmp_path, config, name, path, sha):
    objects = listed(cli(tmp_path, config, "list"))
    assert (objects[name]["size"], objects[name]["sha256"]) == (path.stat().st_size, sha)
    back = tmp_path / (name + ".back")
    ok(cli(tmp_path, config, "download", name, str(back)))
    assert hashlib.sha256(back.read_bytes()).hexdigest() == sha


@pytest.mark.parametrize("concurrency", [4, 2])
def test_parts_are_in_flight_together_up_to_upload_concurrency(store, proxy, tmp_path, concurrency):
    kind, config_for, upstream = store
    p = proxy(hold=concurrency)
    config = config_for(f"http://127.0.0.1:{p.server_address[1]}", upload_concurrency=concurrency)
    name = f"parallel-{concurrency}.snap"
    path, sha = five_parts(tmp_path, kind, name)
    ok(cli(tmp_path, config, "upload", str(path), name, sha))
    assert p.max_in_flight == concurrency
    assert [p.attempts(n) for n in range(1, 6)] == [1] * 5
    assert_stored(tmp_path, config_for(upstream), name, path, sha)


def test_a_part_failing_once_is_sent_again_alone(store, proxy, tmp_path):
    kind, config_for, upstream = store
    p = proxy(faults={2: [500], 4: ["drop"]})
    config = config_for(f"http://127.0.0.1:{p.server_address[1]}")
    path, sha = five_parts(tmp_path, kind, "retried.snap")
    ok(cli(tmp_path, config, "upload", str(path), "retried.snap", sha))
    assert [p.attempts(n) for n in range(1, 6)] == [1, 2, 1, 2, 1]
    commits = [t for m, t, _ in p.calls if (m == "POST" and "uploadId=" in t) or "comp=blocklist" in t]
    assert len(commits) == 1, "the object is committed once, never sent again whole"
    assert_stored(tmp_path, config_for(upstream), "retried.snap", path, sha)


@pytest.mark.parametrize("fault,attempts", [(500, 3), (403, 1)], ids=["retried-then-given-up", "refused"])
def test_a_part_that_keeps_failing_aborts_the_upload(store, proxy, tmp_path, fault, attempts):
    kind, config_for, upstream = store
    p = proxy(faults={3: ["always", fault]})
    config = config_for(f"http://127.0.0.1:{p.server_address[1]}")
    name = f"failed-{fault}.snap"
    path, sha = five_parts(tmp_path, kind, name)
    r = cli(tmp_path, config, "upload", str(path), name, sha)
    what = "upload part 3" if kind == "s3" else "put block 2"
    assert r.returncode == 1 and what in r.stderr and f"HTTP {fault}" in r.stderr, r.stderr
    assert p.attempts(3) == attempts
    assert all(p.attempts(n) <= 1 for n in (1, 2, 4, 5)), "other parts are never sent again"
    assert name not in listed(cli(tmp_path, config_for(upstream), "list"))
    if kind == "s3":
        assert [m for m, t, _ in p.calls][-1] == "DELETE" and "uploadId=" in p.calls[-1][1]
        assert not any(m == "POST" and "uploads" not in t for m, t, _ in p.calls), "never completed"
    else:
        assert not any("comp=blocklist" in t for _, t, _ in p.calls), "the blocks are never committed"
