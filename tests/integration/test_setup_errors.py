"""A job its kind cannot build (a Vault client that cannot be made: a CA file that holds no certificate) is
run by the daemon as failed with that error, whatever the kind: the rest of the daemon serves on, the job's
status says why, its actions answer 503 with the same reason, a resume asks again and fails the same way,
and the error never carries the Vault token."""
import os
import tempfile

import pytest

from vkdaemon import Daemon

TOKEN = "s.setup-error-token-never-shown"


@pytest.fixture(scope="module")
def daemon():
    tmp = tempfile.mkdtemp(prefix="vk-setup-")
    ca = os.path.join(tmp, "ca.pem")
    with open(ca, "w") as f:
        f.write("this is not a certificate\n")
    vault = {"address": "https://127.0.0.1:1", "token": TOKEN, "tls": {"ca_file": ca}}
    snapshot = {"name": "snap", "kind": "snapshot", "interval": "1h", "timeout": "10s", "vault": "broken",
                "spool_dir": os.path.join(tmp, "spool"),
                "storages": [{"name": "disk", "type": "local", "path": os.path.join(tmp, "snaps")}]}
    emissary = {"name": "render", "kind": "emissary", "interval": "1h", "timeout": "10s",
                "sources": {"v": {"type": "vault", "vault": "broken"}},
                "templates": [{"contents": '{{ secret "v" "secret/app" "pw" }}',
                               "destination": os.path.join(tmp, "out")}]}
    d = Daemon({"vaults": {"broken": vault}, "jobs": [snapshot, emissary]}, tmpdir=tmp)
    d.ca = ca
    yield d
    d.stop()


@pytest.mark.parametrize("name,kind", [("snap", "snapshot"), ("render", "emissary")])
def test_the_job_fails_with_the_setup_error_and_its_status_says_why(daemon, name, kind):
    j = daemon.wait_job(name, lambda j: j["state"] == "failed", what="failed at start-up")
    error = j["last_cycle"]["error"]
    assert "cannot load CA file" in error and daemon.ca in error, error
    assert TOKEN not in str(j)
    status, body, _ = daemon.call("GET", f"/v1/{kind}/{name}/status")
    assert status == 200, body
    assert body["job"] == name and "cannot load CA file" in body["setup_error"], body
    assert TOKEN not in str(body)
    assert daemon.call("GET", "/v1/health")[0] == 200  # the rest of the daemon serves on


def test_an_action_of_such_a_job_answers_503_with_the_reason(daemon):
    daemon.wait_job("snap", lambda j: j["state"] == "failed", what="failed at start-up")
    status, body, _ = daemon.call("GET", "/v1/snapshot/snap/list")
    assert status == 503, body
    assert "cannot load CA file" in str(body) and TOKEN not in str(body)


def test_a_resume_asks_the_kind_again_and_fails_the_same_way(daemon):
    first = daemon.wait_job("render", lambda j: j["state"] == "failed", what="failed at start-up")
    assert daemon.call("POST", "/v1/jobs/render/resume")[0] == 200
    again = daemon.wait_job("render", lambda j: j["state"] == "failed" and
                            j["last_cycle"]["id"] != first["last_cycle"]["id"], what="failed again")
    assert "cannot load CA file" in again["last_cycle"]["error"]
