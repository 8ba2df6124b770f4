"""The audit trail (issue 21): every change made through the admin API is one request line before it is done
and one answer line after, in audit.file, naming the token (never the token itself), the peer, the route
template, the job and the request's identifying fields; GETs are not audited; denied requests become one line
per minute, route, peer and reason with a count; SIGHUP reopens the file (logrotate); a file that cannot be
written refuses the change with 503 unless audit.required is false. The three guarded operations are driven
for real on their kinds' stacks: an approval of held deletes names its plan, a rekey its planned key set, a
restore its snapshot, and none of their secrets (tokens, shares) reaches the file."""
import base64
import json
import os
import signal
import tempfile

import vkproc
from held_deletes import stack_with_held_deletes
from keeperenv import JOB as KEEPER_JOB, KeeperWorld
from test_snapshot import Cluster, Setup as SnapshotSetup, job as snapshot_job
from vkdaemon import ADMIN_TOKEN, Daemon, WebhookReceiver, job_spec

OPS = "operator-token-0123456789"


def config(audit):
    return {"admin": {"tokens": [{"name": "ops", "token": OPS, "scopes": ["read", "operate"]}]},
            "audit": audit, "jobs": [job_spec("j1", interval="1h", sleep="5ms")]}


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def exchanges(path, route):
    """[(request line, its answer line)] of every audited request on `route`, in order (the answer None while
    it is not written). Lines are found by event and id: other kinds of lines may come between."""
    got = lines(path)
    answers = {l["id"]: l for l in got if l["event"] == "answer"}
    return [(l, answers.get(l["id"])) for l in got if l["event"] == "request" and l["route"] == route]


def assert_no_secret(path, secrets):
    text = open(path).read()
    for secret in secrets:
        assert secret not in text, f"a secret is in the audit file: {secret[:4]}..."


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
        got = [l for l in lines(path) if l["event"] != "outcome"]  # the trigger's may come at any point
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
        # The trigger's outcome: the cycle it started, once that cycle ended.
        outcome = vkproc.wait_until(lambda: outcome_of(path, trigger["id"]), 15, what="the trigger's outcome")
        cycle = d.call("GET", f"/v1/jobs/j1/cycles/{outcome['cycle']}")[1]
        assert outcome["job"] == "j1" and outcome["result"] == "ok" and cycle["outcome"] == "ok", (outcome, cycle)
        assert cycle["start"] >= trigger["time"], "the cycle the trigger started, not one running before it"
        assert all(l["id"] != got[2]["id"] for l in lines(path) if l["event"] == "outcome"), \
            "the log level's answer is its outcome: nothing more is written for it"
    finally:
        d.stop()


def outcome_of(path, request_id):
    return next((l for l in lines(path) if l["event"] == "outcome" and l["id"] == request_id), None)


def test_a_failed_triggered_cycle_is_the_outcome_and_the_webhook_gets_changes_and_outcomes():
    """audit.webhook: each change (its request and answer in one object) and its outcome also go to the webhook,
    with severity "audit"; also without an audit file."""
    hook = WebhookReceiver()
    d = Daemon({"admin": {"tokens": [{"name": "ops", "token": OPS, "scopes": ["read", "operate"]}]},
                "audit": {"webhook": True}, "notify": {"webhook": {"url": hook.url}},
                "jobs": [job_spec("j1", interval="1h", sleep="5ms", fail="error", fail_from_cycle=2)]})
    try:
        d.wait_job("j1", lambda j: j["last_cycle"] is not None, what="first cycle")
        assert d.call("POST", "/v1/jobs/j1/trigger", token=OPS)[0] == 202

        def audit_events():
            return [r["body"] for r in hook.received if r["body"].get("severity") == "audit"]
        vkproc.wait_until(lambda: len(audit_events()) >= 2, 15, what="change and outcome at the webhook")
        change, outcome = audit_events()[:2]
        assert change["job"] == "j1" and change["audit"]["event"] == "change", change
        assert change["audit"]["token"] == "ops" and change["audit"]["route"] == "/v1/jobs/{name}/trigger"
        assert change["audit"]["status"] == 202
        assert outcome["audit"]["event"] == "outcome" and outcome["audit"]["id"] == change["audit"]["id"]
        assert outcome["audit"]["result"] == "failed" and outcome["audit"]["cycle"] == 2, outcome
        assert OPS not in json.dumps(hook.received)
    finally:
        d.stop()
        hook.close()


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
        # (the first trigger's outcome goes wherever the file is when its cycle ends)
        assert [l["event"] for l in lines(path + ".1") if l["event"] != "outcome"] == ["request", "answer"]
        assert [l["event"] for l in lines(path) if l["event"] != "outcome"] == ["request", "answer"]
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


APPROVER = "approver-token-0123456789"
KEYHOLDER = "keyholder-token-0123456789"
RESTORER = "restorer-token-0123456789"


def test_an_approval_is_written_with_its_plan():
    path = os.path.join(tempfile.mkdtemp(prefix="vk-audit-"), "audit.log")
    s = stack_with_held_deletes(
        admin={"tokens": [{"name": "approver", "token": APPROVER, "scopes": ["read", "approve"],
                           "jobs": ["west"]}]},
        audit={"file": path})
    try:
        status, plan, _ = s.daemon.call("GET", "/v1/sync/west/plan", token=APPROVER)
        assert status == 200 and plan["plan"], plan
        status, body, _ = s.daemon.call("POST", "/v1/sync/west/approve-deletes", {"plan": "0" * 64},
                                        token=APPROVER)
        assert status == 409, body
        status, body, _ = s.daemon.call("POST", "/v1/sync/west/approve-deletes", {"plan": plan["plan"]},
                                        token=APPROVER)
        assert status == 202, body
    finally:
        s.close()
    stale, approval = exchanges(path, "/v1/sync/{name}/approve-deletes")
    for request, _ in (stale, approval):
        assert request["token"] == "approver" and request["job"] == "west" and request["method"] == "POST"
    assert stale[0]["fields"] == {"plan": "0" * 64}
    assert stale[1]["status"] == 409 and plan["plan"] in stale[1]["outcome"], stale
    request, answer = approval
    assert request["fields"] == {"plan": plan["plan"]}, request
    assert answer["status"] == 202 and answer["outcome"] == {"plan": plan["plan"]}, answer
    assert request["id"] != stale[0]["id"]
    # The stack's own triggers used admin.token: written under its name, never as the token.
    assert {r["token"] for r, _ in exchanges(path, "/v1/jobs/{name}/trigger")} == {"admin"}
    assert_no_secret(path, [APPROVER, ADMIN_TOKEN])


def share_forms(keys):
    """A share as the stores keep it (base64) and as Vault also shows it (hex)."""
    return [f for k in keys for f in (k, base64.b64decode(k).hex())]


def test_a_rekey_is_written_with_its_planned_set_and_no_share():
    w = KeeperWorld()
    path = os.path.join(w.dir, "audit.log")
    w.config["admin"] = {"tokens": [{"name": "keyholder", "token": KEYHOLDER, "scopes": ["read", "rekey"]}]}
    w.config["audit"] = {"file": path}
    try:
        w.start_daemon()
        w.wait_settled(what="initialised and unsealed")
        old = w.keys_of("set-1")
        queued = w.rekey(token=KEYHOLDER)
        after = vkproc.wait_until(lambda: (r := w.wait_settled()) and r["current"]["id"] != "set-1" and r, 30,
                                  what="rekey done")
        new = w.keys_of(after["current"]["id"])
        assert queued["planned"] == after["current"]["id"], (queued, after["current"])
        w.stop_daemon()
        [(request, answer)] = exchanges(path, "/v1/keeper/{name}/rekey")
        assert request["token"] == "keyholder" and request["job"] == KEEPER_JOB and request["method"] == "POST"
        assert "fields" not in request, "the rekey request takes no body"
        assert answer["id"] == request["id"] and answer["status"] == 202
        assert answer["outcome"] == {"queued": True, "planned": after["current"]["id"]}, answer
        # The rekey's result, once the procedure it queued was done: the planned set is the current one.
        outcome = outcome_of(path, request["id"])
        assert outcome and outcome["result"] == "rekeyed" and outcome["current"] == after["current"]["id"], outcome
        assert outcome["cycles"], outcome
        assert old and new
        assert_no_secret(path, [KEYHOLDER, ADMIN_TOKEN] + share_forms(old + new))
    finally:
        w.close()


def test_a_restore_is_written_with_its_snapshot_and_a_token_without_the_scope_is_counted():
    cluster = Cluster()
    tokens = {"tokens": [{"name": "restorer", "token": RESTORER, "scopes": ["read", "restore"]},
                         {"name": "ops", "token": OPS, "scopes": ["read", "operate"]}]}
    s = SnapshotSetup(cluster, lambda s: [snapshot_job(s, "rt", "n0", "rt", allow_restore=True)],
                      blocks=lambda s: {"admin": tokens, "audit": {"file": os.path.join(s.dir, "audit.log")}})
    path = os.path.join(s.dir, "audit.log")
    try:
        j = s.daemon.wait_job("rt", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] == "ok", timeout=20,
                              what="first cycle")
        name = j["status"]["last"]["name"]
        wanted = {"storage": "disk", "name": name}
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/rt/restore", wanted, token=OPS)
        assert status == 403 and "restore" in body["error"]["message"], body
        status, body, _ = s.daemon.call("POST", "/v1/snapshot/rt/restore", {**wanted, "force": True},
                                        token=RESTORER)
        assert status == 200, body
    finally:
        s.daemon.stop()  # writes the denials counted in this minute
        cluster.proc.stop()
    [(request, answer)] = exchanges(path, "/v1/snapshot/{name}/restore")
    assert request["token"] == "restorer" and request["job"] == "rt" and request["method"] == "POST"
    assert request["fields"] == {**wanted, "force": True}, request
    assert answer["id"] == request["id"] and answer["status"] == 200
    assert answer["outcome"] == {**wanted, "force": True}, answer
    [denied] = [l for l in lines(path) if l["event"] == "denied"]
    assert denied["reason"] == "missing_scope" and denied["count"] == 1, denied
    assert denied["route"] == "/v1/snapshot/{name}/restore" and "token" not in denied
    assert_no_secret(path, [RESTORER, OPS, ADMIN_TOKEN])
