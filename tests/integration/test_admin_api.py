"""The admin API of a running daemon: auth, job controls, history, errors, limits, log level, metrics."""
import socket
import time

import pytest

import vkproc
from vkdaemon import ADMIN_TOKEN, Daemon, job_spec


@pytest.fixture(scope="module")
def daemon():
    d = Daemon({"jobs": [
        job_spec("slow", interval="1h", sleep="600ms", children=3),
        job_spec("quick", interval="1h", sleep="10ms"),
    ]})
    yield d
    assert d.stop() == 0


def test_health_and_ready_need_no_token(daemon):
    status, body, headers = daemon.call("GET", "/v1/health", token=None)
    assert status == 200 and body["status"] == "ok"
    assert headers["Content-Type"].startswith("application/json")
    status, body, _ = daemon.call("GET", "/v1/ready", token=None)
    assert status == 200 and body == {"ready": True}


@pytest.mark.parametrize("path", ["/v1/jobs", "/v1/jobs/slow", "/v1/jobs/slow/cycles", "/v1/log-level"])
def test_every_other_v1_route_needs_the_token(daemon, path):
    for token in (None, "wrong-token"):
        status, body, headers = daemon.call("GET", path, token=token)
        assert status == 401
        assert body["error"]["code"] == "unauthorized"
        assert headers.get("WWW-Authenticate") == "Bearer"


def test_jobs_list_and_detail(daemon):
    status, body, _ = daemon.call("GET", "/v1/jobs")
    assert status == 200
    names = {j["name"]: j for j in body["jobs"]}
    assert set(names) == {"slow", "quick"}
    assert names["quick"]["kind"] == "test" and names["quick"]["interval"] == "1h"
    detail = daemon.wait_job("quick", lambda j: j["last_cycle"] is not None)
    assert detail["last_cycle"]["outcome"] == "ok"
    assert detail["status"]["cycles"] >= 1
    assert detail["halt_on_fatal"] is False


def test_trigger_while_running_is_409_and_when_idle_starts_a_cycle(daemon):
    daemon.wait_job("slow", lambda j: j["state"] == "idle" and j["last_cycle"] is not None, what="idle")
    status, body, _ = daemon.call("POST", "/v1/jobs/slow/trigger")
    assert status == 202 and body["name"] == "slow"
    daemon.wait_job("slow", lambda j: j["state"] == "running", what="running")
    status, body, _ = daemon.call("POST", "/v1/jobs/slow/trigger")
    assert status == 409 and body["error"]["code"] == "conflict"
    assert "already running" in body["error"]["message"]
    daemon.wait_job("slow", lambda j: j["state"] == "idle", what="idle again")


def test_halt_mid_cycle_then_resume(daemon):
    daemon.wait_job("slow", lambda j: j["state"] == "idle", what="idle")
    assert daemon.call("POST", "/v1/jobs/slow/trigger")[0] == 202
    daemon.wait_job("slow", lambda j: j["state"] == "running", what="running")
    status, body, _ = daemon.call("POST", "/v1/jobs/slow/halt")
    assert status == 200
    job = daemon.wait_job("slow", lambda j: j["state"] == "halted", what="halted")
    assert job["last_cycle"]["outcome"] == "halted"
    status, body, _ = daemon.call("POST", "/v1/jobs/slow/trigger")
    assert status == 409 and "halted" in body["error"]["message"]
    assert daemon.call("POST", "/v1/jobs/slow/resume")[0] == 200
    daemon.wait_job("slow", lambda j: j["state"] in ("running", "idle") and j["last_cycle"]["outcome"] != "halted"
                    or j["state"] == "running", what="resumed")
    status, body, _ = daemon.call("POST", "/v1/jobs/slow/resume")
    assert status == 409


def test_cycle_history_and_single_cycle(daemon):
    status, body, _ = daemon.call("GET", "/v1/jobs/quick/cycles")
    assert status == 200 and body["job"] == "quick"
    first = body["cycles"][-1]
    assert first["id"] == 1 and first["outcome"] == "ok" and first["counters"]["children"] == 1
    assert first["start"].endswith("Z") and first["end"] >= first["start"]
    status, one, _ = daemon.call("GET", "/v1/jobs/quick/cycles/1")
    assert status == 200 and one["id"] == 1
    status, body, _ = daemon.call("GET", "/v1/jobs/quick/cycles/999")
    assert status == 404 and body["error"]["code"] == "cycle_not_found"
    status, body, _ = daemon.call("GET", "/v1/jobs/quick/cycles/abc")
    assert status == 400


def test_unknown_job_route_and_method(daemon):
    status, body, _ = daemon.call("GET", "/v1/jobs/nope")
    assert status == 404 and body["error"]["code"] == "job_not_found"
    status, body, _ = daemon.call("GET", "/v1/nothing-here")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body, headers = daemon.call("DELETE", "/v1/jobs/quick")
    assert status == 405 and headers["Allow"] == "GET"


def test_log_level_get_and_put(daemon):
    assert daemon.call("GET", "/v1/log-level")[1] == {"level": "info"}
    status, body, _ = daemon.call("PUT", "/v1/log-level", {"level": "debug"})
    assert status == 200 and body == {"level": "debug"}
    assert daemon.call("POST", "/v1/jobs/quick/trigger")[0] == 202
    vkproc.wait_until(lambda: "cycle started" in daemon.log(), 5, what="a debug line")
    for bad in ({"level": "chatty"}, {"lvl": "info"}, {"level": "info", "x": 1}):
        status, body, _ = daemon.call("PUT", "/v1/log-level", bad)
        assert status == 400 and body["error"]["code"] == "bad_request"
    status, body, _ = daemon.call("PUT", "/v1/log-level", raw=b"{not json")
    assert status == 400
    assert daemon.call("PUT", "/v1/log-level", {"level": "info"})[0] == 200


def raw_exchange(port, head):
    """Sends a request head over a raw socket and returns the response head (status line + headers)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace")


def test_body_and_header_limits(daemon):
    # The declared length alone is refused: the daemon answers before reading (or waiting for) the body.
    head = (f"PUT /v1/log-level HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n").encode()
    assert raw_exchange(daemon.port, head).startswith("HTTP/1.1 413")
    status, body, _ = daemon.call("GET", "/v1/jobs", headers={"X-Big": "y" * 20000})
    assert status == 431 and body["error"]["code"]


def test_slow_client_is_disconnected(daemon):
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=30) as s:
        s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # never finishes the head
        start = time.monotonic()
        s.settimeout(30)
        data = s.recv(4096)
        assert time.monotonic() - start < 25
        assert data == b"" or data.startswith(b"HTTP/1.1 408") or data.startswith(b"HTTP/1.1 400")


def test_metrics_exposition(daemon):
    status, text, headers = daemon.call("GET", "/metrics", token=None)
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert 'vaultkeeper_build_info{version="' in text
    assert 'vaultkeeper_cycles_total{job="quick",kind="test",outcome="ok"}' in text
    assert 'vaultkeeper_cycle_duration_seconds_bucket{job="quick",kind="test",le="0.05"}' in text
    assert 'vaultkeeper_job_up{job="quick"} 1' in text
    assert 'vaultkeeper_last_success_timestamp_seconds{job="quick"}' in text
    assert 'vaultkeeper_admin_requests_total{code="401",route="/v1/jobs"}' in text
    # Raw paths never become labels: unknown routes share one label.
    assert "/v1/nothing-here" not in text
