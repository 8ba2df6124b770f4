"""Issue 19, "sync and the first run": a destination started before its origin has ever published waits — its
cycles end ok in the `waiting` state, with the reason in its status — instead of failing in red; a wait longer
than `origin_grace` raises one alert (log, errors_total{severity="alert"}, webhook); the origin's first publish
ends the wait and the destination copies. Every wait is on a condition and bounded."""
import json

import pytest

import vkproc
from syncstack import fresh_stack, sync_sims  # noqa: F401 (fixtures)
from vkdaemon import WebhookReceiver

GRACE_SECONDS = 2


def jobs():
    side = {"vault": "origin", "consul": "oc", "mounts": ["secret/"]}
    return [
        # Not started: it publishes only once resumed, like an origin deployed after its destinations.
        {"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "30s",
         "enabled": False, "origin": side},
        {"name": "east", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "30s",
         "origin": side, "destination": {"vault": "dest", "consul": "dc"}, "watch": False,
         "origin_grace": f"{GRACE_SECONDS}s"},
    ]


@pytest.fixture
def hook():
    h = WebhookReceiver()
    yield h
    h.close()


def alerts(hook):
    return [r["body"] for r in hook.received if r["body"]["job"] == "east" and r["body"]["severity"] == "alert"]


def test_a_destination_waits_for_its_origins_first_publish(fresh_stack, hook):  # noqa: F811
    s = fresh_stack
    s.origin.write("app/first", {"value": "v1"})
    s.start_daemon(jobs(), notify={"webhook": {"url": hook.url}})

    first = s.wait_first_ok("east")
    assert first["outcome"] == "ok", f"waiting is not a failure: {json.dumps(first)}{s.log_tail()}"
    assert first["counters"].get("waiting_for_origin") == 1, first
    st = s.sync_status("east")
    assert st["state"] == "waiting", st
    assert "origin has not published" in st["waiting"]["reason"], st
    assert st["waiting"]["key"] == "vsync/origin/index" and st["waiting"]["overdue"] is False, st
    assert not alerts(hook), "no alert within origin_grace"

    # Past the grace: exactly one alert for this wait, naming origin_grace; the cycles still end ok.
    def alerted():
        s.run_cycle("east")
        return alerts(hook)
    sent = vkproc.wait_until(alerted, 10 * GRACE_SECONDS, interval=0.2, what="the origin_grace alert")
    assert len(sent) == 1 and "origin_grace" in sent[0]["error"], sent
    assert s.sync_status("east")["waiting"]["overdue"] is True
    s.run_cycle("east")
    assert len(alerts(hook)) == 1, "one alert per wait, not one per cycle"
    metrics = s.daemon.call("GET", "/metrics", token=None)[1]
    assert 'vaultkeeper_errors_total{job="east",severity="alert"} 1' in metrics, metrics

    # The origin's first publish ends the wait; the destination copies what it published.
    status, body, _ = s.daemon.call("POST", "/v1/jobs/origin/resume")
    assert status in (200, 202), (status, body)
    s.wait_first_ok("origin")
    c = s.run_cycle("east")
    assert c["counters"].get("add") == 1 and "waiting_for_origin" not in c["counters"], c
    st = s.sync_status("east")
    assert st["state"] == "replicating" and st["waiting"] is None, st
    assert s.dest.read("app/first") == {"value": "v1"}
