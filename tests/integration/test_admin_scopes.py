"""Scoped admin tokens (issue 21): every served route, from the daemon's own route table, answers 403 naming
the missing scope to a token without the scope its operation needs, and something other than 401/403 to a
token with it; a token limited to some jobs acts only on those; GET /v1/whoami names the caller; a reload
that removes a token stops it at once; denials are counted by route and reason."""
import json
import signal
import subprocess

import pytest

import vkproc
from vkdaemon import ADMIN_TOKEN, Daemon, job_spec

SCOPES = ["read", "operate", "approve", "rekey", "restore", "custodian-share"]
TOKENS = {scope: f"{scope}-only-token-0123456789" for scope in SCOPES}
LIMITED = "operator-of-j1-token-0123"


def admin_block(tokens):
    entries = [{"name": f"{scope}-only", "token": token, "scopes": [scope]} for scope, token in tokens.items()]
    entries.append({"name": "j1-operator", "token": LIMITED, "scopes": ["read", "operate"], "jobs": ["j1"]})
    return {"tokens": entries}


def config(tokens=TOKENS):
    return {"admin": admin_block(tokens),
            "jobs": [job_spec("j1", interval="1h", sleep="5ms"), job_spec("j2", interval="1h", sleep="5ms")]}


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(config())
    d.wait_job("j1", lambda j: j["last_cycle"] is not None, what="first cycle")
    yield d
    d.stop()


def guarded_routes():
    out = subprocess.run([vkproc.binary("vaultkeeper"), "--print-routes"], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    routes = [line.split(" ") for line in out.splitlines() if line]
    # "restore|operate": the first scope, then the one that suffices for a dry run (a restore drill).
    return [(m, p.replace("{name}", "j2").replace("{id}", "1").replace("{custodian}", "alice"), g.split("|")[0])
            for m, p, g in routes
            if g.split("|")[0] in SCOPES]


def test_a_dry_run_needs_only_the_lesser_scope(daemon):
    out = subprocess.run([vkproc.binary("vaultkeeper"), "--print-routes"], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    dry = [line.split(" ") for line in out.splitlines() if "|" in line]
    assert [(m, p, g) for m, p, g in dry] == [("POST", "/v1/snapshot/{name}/restore", "restore|operate")]
    path = "/v1/snapshot/j2/restore"
    # j2 is no snapshot job: past the gate, the route answers 404.
    assert daemon.call("POST", path, body={"dry_run": True}, token=TOKENS["operate"])[0] == 404
    for body in ({}, {"dry_run": False}, {"dry_run": "true"}):
        status, answer, _ = daemon.call("POST", path, body=body, token=TOKENS["operate"])
        assert status == 403 and '"restore" scope' in answer["error"]["message"], (body, answer)
    status, answer, _ = daemon.call("POST", path, body={"dry_run": True}, token=TOKENS["read"])
    assert status == 403 and '"operate" scope' in answer["error"]["message"], answer


def test_the_route_table_covers_every_scope():
    assert {g for _, _, g in guarded_routes()} == set(SCOPES)


@pytest.mark.parametrize("scope", SCOPES)
def test_each_route_answers_403_without_its_scope_and_acts_with_it(daemon, scope):
    for method, path, needed in guarded_routes():
        status, body, _ = daemon.call(method, path, body={} if method != "GET" else None, token=TOKENS[scope])
        if needed == scope:
            assert status not in (401, 403), (method, path, scope, status, body)
        else:
            assert status == 403, (method, path, scope, status, body)
            assert body["error"]["code"] == "forbidden"
            assert f'"{needed}" scope' in body["error"]["message"], body
            assert TOKENS[scope] not in json.dumps(body)


def test_no_or_unknown_token_is_401(daemon):
    for method, path, _ in guarded_routes():
        assert daemon.call(method, path, token=None)[0] == 401, (method, path)
        assert daemon.call(method, path, token="not-a-token-of-this-daemon")[0] == 401, (method, path)


def test_a_token_limited_to_jobs_acts_only_on_them(daemon):
    assert daemon.call("POST", "/v1/jobs/j1/trigger", token=LIMITED)[0] == 202
    status, body, _ = daemon.call("POST", "/v1/jobs/j2/trigger", token=LIMITED)
    assert status == 403 and 'job "j2"' in body["error"]["message"], body
    assert daemon.call("GET", "/v1/jobs/j2", token=LIMITED)[0] == 403
    status, listed, _ = daemon.call("GET", "/v1/jobs", token=LIMITED)
    assert status == 200 and [j["name"] for j in listed["jobs"]] == ["j1"], listed  # only its own jobs
    assert len(daemon.call("GET", "/v1/jobs")[1]["jobs"]) > 1
    assert daemon.call("PUT", "/v1/log-level", body={"level": "debug"}, token=LIMITED)[0] == 403


def test_whoami_names_the_caller_and_never_the_token(daemon):
    status, body, _ = daemon.call("GET", "/v1/whoami", token=TOKENS["restore"])
    assert status == 200 and body == {"name": "restore-only", "scopes": ["restore"], "jobs": [], "credential": "token"}, body
    status, body, _ = daemon.call("GET", "/v1/whoami", token=LIMITED)
    assert body == {"name": "j1-operator", "scopes": ["read", "operate"], "jobs": ["j1"],
                    "credential": "token"}, body
    status, body, _ = daemon.call("GET", "/v1/whoami")
    assert body["name"] == "admin" and body["scopes"] == SCOPES
    assert daemon.call("GET", "/v1/whoami", token=None)[0] == 401


def test_denials_are_counted_by_route_and_reason(daemon):
    daemon.call("POST", "/v1/jobs/j1/halt", token=TOKENS["read"])
    daemon.call("GET", "/v1/jobs", token="not-a-token-of-this-daemon")
    _, text, _ = daemon.call("GET", "/metrics", token=None)
    assert 'vaultkeeper_admin_denied_total{reason="missing_scope",route="/v1/jobs/{name}/halt"}' in text
    assert 'vaultkeeper_admin_denied_total{reason="unknown_token",route="/v1/jobs"}' in text


def test_a_reload_that_removes_a_token_stops_it_at_once():
    d = Daemon(config())
    try:
        assert d.call("GET", "/v1/jobs", token=TOKENS["read"])[0] == 200
        fewer = {k: v for k, v in TOKENS.items() if k != "read"}
        d.write_config(config(fewer))
        before = d.log().count("configuration reloaded")
        d.proc.signal(signal.SIGHUP)
        vkproc.wait_until(lambda: d.log().count("configuration reloaded") > before, 15, what="reload")
        assert d.call("GET", "/v1/jobs", token=TOKENS["read"])[0] == 401
        assert d.call("GET", "/v1/jobs", token=ADMIN_TOKEN)[0] == 200
    finally:
        d.stop()
