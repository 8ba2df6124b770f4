"""The audit trail (issue 21): every change made through the admin API is one request line before it is done
and one answer line after, in audit.file, naming the token (never the token itself), the peer, the route
template, the job and the request's identifying fields; GETs are not audited; denied requests become one line
per minute, route, peer and reason with a count; SIGHUP reopens the file (logrotate); a file that cannot be
written refuses the change with 503 unless audit.required is false."""
import json
import os
import signal
import tempfile

import vkproc
from vkdaemon import Daemon, job_spec

OPS = "operator-token-0123456789"


def config(audit):
    return {"admin": {"tokens": [{"name": "ops", "token": OPS, "scopes": ["read", "operate"]}]},
            "audit": audit, "jobs": [job_spec("j1", interval="1h", sleep="5ms")]}


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def reload(d):
    before = d.log().count("configuration reloaded")
    d.proc.signal(signal.SIGHUP)
    vkproc.wait_until(lambda: d.log().count("configuration reloaded") > before, 15, what="reload")


def test_a_change_is_written_before_and_after_and_reads_are_not():
    tmp = tempfile.mkdtemp(prefix="vk-audit-")
    path = os.path.join(tmp, "audit.log")
    d = Daemon(config({"file": path}), tmpdir=tmp)
    try:
        d.wait_job("j1", lambda j: j["last_cycle"] is not None, what="first cycle")
        assert d.call("GET", "/v1/jobs", token=OPS)[0] == 200
        assert d.call("POST", "/v1/jobs/j1/trigger", token=OPS)[0] == 202
        assert d.call("PUT", "/v1/log-level", body={"level": "debug"}, token=OPS)[0] == 200
        got = lines(path)
        assert [(l["event"], l.get("route")) for l in got] == [
            ("request", "/v1/jobs/{name}/trigger"), ("answer", None),
            ("request", "/v1/log-level"), ("answer", None)], got
        trigger, answer = got[0], got[1]
        assert trigger["token"] == "ops" and trigger["job"] == "j1" and trigger["method"] == "POST"
        assert trigger["peer"].startswith("127.0.0.1:") and trigger["time"].endswith("Z")
        assert answer["id"] == trigger["id"] and answer["status"] == 202
        assert got[2]["fields"] == {"level": "debug"} and got[3]["status"] == 200
        text = open(path).read()
        assert OPS not in text and "test-admin-token" not in text
        assert oct(os.stat(path).st_mode & 0o777) == "0o600"
        assert f"info audit id={trigger['id']} token=ops method=POST route=/v1/jobs/{{name}}/trigger job=j1" in d.log()
    finally:
        d.stop()


def test_denials_are_counted_per_minute_and_written_by_the_end():
    tmp = tempfile.mkdtemp(prefix="vk-audit-")
    path = os.path.join(tmp, "audit.log")
    d = Daemon(config({"file": path}), tmpdir=tmp)
    try:
        for _ in range(3):
            assert d.call("POST", "/v1/jobs/j1/halt", token="guessed-token-000000000")[0] == 401
        assert d.call("POST", "/v1/jobs/j1/halt", token=None)[0] == 401
    finally:
        d.stop()  # the minute is not over: shutdown writes what it counted
    denied = [l for l in lines(path) if l["event"] == "denied"]
    by_reason = {l["reason"]: l for l in denied}
    assert by_reason["unknown_token"]["count"] == 3 and by_reason["no_token"]["count"] == 1, denied
    assert by_reason["unknown_token"]["route"] == "/v1/jobs/{name}/halt"
    assert by_reason["unknown_token"]["peer"] == "127.0.0.1"
    assert "guessed-token" not in open(path).read()


def test_sighup_reopens_the_file_that_logrotate_moved():
    tmp = tempfile.mkdtemp(prefix="vk-audit-")
    path = os.path.join(tmp, "audit.log")
    d = Daemon(config({"file": path}), tmpdir=tmp)
    try:
        assert d.call("POST", "/v1/jobs/j1/trigger", token=OPS)[0] in (202, 409)
        os.rename(path, path + ".1")
        reload(d)
        d.wait_job("j1", lambda j: j["state"] == "idle", what="idle")
        assert d.call("POST", "/v1/jobs/j1/trigger", token=OPS)[0] == 202
        assert [l["event"] for l in lines(path + ".1")] == ["request", "answer"]
        assert [l["event"] for l in lines(path)] == ["request", "answer"]
    finally:
        d.stop()


def test_an_audit_file_that_cannot_be_written_refuses_the_change_unless_not_required():
    tmp = tempfile.mkdtemp(prefix="vk-audit-")
    blocked = os.path.join(tmp, "not-a-dir")
    open(blocked, "w").close()
    d = Daemon(config({"file": os.path.join(blocked, "audit.log")}), tmpdir=tmp)
    try:
        first = d.wait_job("j1", lambda j: j["last_cycle"] is not None and j["state"] == "idle", what="idle")
        status, body, _ = d.call("POST", "/v1/jobs/j1/trigger", token=OPS)
        assert status == 503 and "audit" in body["error"]["message"], body
        assert d.job("j1")["last_cycle"]["id"] == first["last_cycle"]["id"]  # nothing was started
        assert d.call("GET", "/v1/jobs/j1", token=OPS)[0] == 200  # reads go on
    finally:
        d.stop()
    d = Daemon(config({"file": os.path.join(blocked, "audit.log"), "required": False}), tmpdir=tmp)
    try:
        d.wait_job("j1", lambda j: j["last_cycle"] is not None and j["state"] == "idle", what="idle")
        assert d.call("POST", "/v1/jobs/j1/trigger", token=OPS)[0] == 202
        assert "audit: request not written" in d.log()
    finally:
        d.stop()
