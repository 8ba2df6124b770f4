"""Daemon lifecycle as a process: shutdown under load, SIGHUP reload (valid and invalid), fatal errors
with webhook and halt_on_fatal, JSON logs that carry job and cycle."""
import json
import signal
import time

import vkproc
from vkdaemon import ADMIN_TOKEN, Daemon, WebhookReceiver, job_spec


def test_sigterm_under_load_exits_zero_promptly():
    d = Daemon({"jobs": [job_spec(f"j{i}", interval="1s", sleep="1h", children=100) for i in range(4)]})
    d.wait_job("j3", lambda j: j["state"] == "running", what="running")
    start = time.monotonic()
    d.proc.signal(signal.SIGTERM)
    assert d.proc.wait(timeout=10) == 0
    assert time.monotonic() - start < 5
    log = d.log()
    assert "signal received, shutting down" in log and "vaultkeeper stopped exit_code=0" in log
    assert log.count("outcome=cancelled") == 4


def test_sighup_applies_a_valid_config_and_keeps_unchanged_jobs():
    d = Daemon({"jobs": [job_spec("keep", interval="1h"), job_spec("drop", interval="1h")]})
    try:
        d.wait_job("keep", lambda j: j["last_cycle"] is not None)
        d.write_config({"log": {"level": "debug"},
                        "jobs": [job_spec("keep", interval="1h"), job_spec("new", interval="1h")]})
        d.proc.signal(signal.SIGHUP)
        vkproc.wait_until(lambda: "configuration reloaded" in d.log(), 10, what="reload")
        status, body, _ = d.call("GET", "/v1/jobs")
        assert sorted(j["name"] for j in body["jobs"]) == ["keep", "new"]
        # The unchanged job kept its history (cycle 1 still there, not restarted).
        assert d.job("keep")["last_cycle"]["id"] == 1
        assert d.call("GET", "/v1/log-level")[1] == {"level": "debug"}
    finally:
        assert d.stop() == 0


def test_sighup_with_an_invalid_config_keeps_the_old_one():
    d = Daemon({"jobs": [job_spec("a", interval="1h")]})
    try:
        d.wait_job("a", lambda j: j["last_cycle"] is not None)
        d.write_config({"jobs": [job_spec("a", interval="never")]})
        d.proc.signal(signal.SIGHUP)
        vkproc.wait_until(lambda: "reload rejected" in d.log(), 10, what="rejection")
        assert "/jobs/0/interval: \\\"never\\\" is not a duration" in d.log() or \
            '/jobs/0/interval: "never" is not a duration' in d.log()
        assert d.job("a")["state"] in ("idle", "running")
        assert d.call("POST", "/v1/jobs/a/trigger")[0] == 202
    finally:
        assert d.stop() == 0


def test_fatal_error_fails_the_job_and_fires_the_webhook_with_retries():
    hook = WebhookReceiver(fail_first=2)
    d = Daemon({
        "notify": {"webhook": {"url": hook.url, "headers": {"X-Hook-Key": "hook-secret"}}},
        "jobs": [job_spec("doomed", interval="1s", fail="fatal", fail_from_cycle=2), job_spec("fine", interval="1h")],
    })
    try:
        job = d.wait_job("doomed", lambda j: j["state"] == "failed", timeout=15, what="failed")
        assert job["last_cycle"]["outcome"] == "failed"
        assert "failure injected" in job["last_cycle"]["error"]
        vkproc.wait_until(lambda: hook.received, 20, what="webhook delivery")
        assert hook.attempts == 3  # two 500s, then success
        got = hook.received[0]
        assert got["headers"]["X-Hook-Key"] == "hook-secret"
        assert set(got["body"]) == {"job", "cycle", "severity", "error", "time"}
        assert got["body"]["severity"] == "fatal"
        assert got["body"]["job"] == "doomed" and got["body"]["cycle"] == 2
        # No further ticks of the failed job while the other job keeps running: three cycles of "fine" (each
        # triggered once the previous one ended) span more than two of doomed's 1 s intervals under any load.
        assert d.job("fine")["state"] == "idle"
        start = time.monotonic()
        fine_id = d.job("fine")["last_cycle"]["id"]
        while time.monotonic() - start < 2.2:
            assert d.call("POST", "/v1/jobs/fine/trigger")[0] == 202
            fine_id += 1
            d.wait_job("fine", lambda j, n=fine_id: j["last_cycle"] and j["last_cycle"]["id"] >= n, what="fine cycle")
        assert d.job("doomed")["last_cycle"]["id"] == 2
        _, text, _ = d.call("GET", "/metrics", token=None)
        assert 'vaultkeeper_job_up{job="doomed"} 0' in text
        assert 'vaultkeeper_errors_total{job="doomed",severity="fatal"} 1' in text
        # Resume runs it again (and it fails again, as configured).
        assert d.call("POST", "/v1/jobs/doomed/resume")[0] == 200
        d.wait_job("doomed", lambda j: j["last_cycle"]["id"] == 3, what="cycle 3")
    finally:
        assert d.stop() == 0
        hook.close()


def test_halt_on_fatal_shuts_the_process_down_with_exit_1():
    d = Daemon({"jobs": [job_spec("critical", interval="1h", fail="fatal", halt_on_fatal=True)]})
    assert d.proc.wait(timeout=15) == 1
    assert "halt_on_fatal is set" in d.log()


def test_json_log_lines_carry_job_and_cycle_and_no_secrets():
    d = Daemon({"log": {"format": "json"}, "jobs": [job_spec("j", interval="1h", fail="error")]})
    try:
        vkproc.wait_until(lambda: "cycle ended" in d.log(), 10, what="cycle end")
    finally:
        d.stop()
    lines = [json.loads(l) for l in d.log().splitlines() if l.startswith("{")]
    ended = [l for l in lines if l["msg"] == "cycle ended"]
    assert ended and ended[0]["job"] == "j" and ended[0]["cycle"] == "1" and ended[0]["outcome"] == "failed"
    errors = [l for l in lines if l.get("severity") == "error"]
    assert errors and errors[0]["path"] == "test/path" and errors[0]["level"] == "error"
    assert ADMIN_TOKEN not in d.log()
