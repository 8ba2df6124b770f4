"""SIGHUP reloads (issue 15, "SIGHUP must pick up rotated secret files" and "SIGHUP with a changed job, a changed
vault/consul/ha block, a changed webhook and admin token"): the reload compares resolved values, so a rotated
token file reaches the next request, and only the jobs that use a changed block restart."""
import hashlib
import json
import os
import signal
import tempfile

import vkproc
from vkdaemon import ADMIN_TOKEN, Daemon, WebhookReceiver, job_spec

ROOT = "root"


def http(method, url, body=None, token=ROOT):
    return vkproc.json_call(method, url, body, token)


def secret_file(directory, name, value):
    path = os.path.join(directory, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    return path


def reload(d):
    before = d.log().count("configuration reloaded")
    d.proc.signal(signal.SIGHUP)
    vkproc.wait_until(lambda: d.log().count("configuration reloaded") > before, 15, what="reload")


def first_cycle_id(d, job):
    return d.job(job)["last_cycle"]["id"]


def wait_idle(d, job, min_id=1):
    return d.wait_job(job, lambda j: j["last_cycle"] is not None and j["last_cycle"]["id"] >= min_id
                      and j["state"] == "idle", timeout=20, what="cycle ended")


class SyncStack:
    """vault-sim + consul-sim, and a daemon running a sync origin job (reads Vault with the token file) next to
    a test-kind job that uses neither."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vk-reload-")
        vport, cport = vkproc.free_port(), vkproc.free_port()
        self.vault = f"http://127.0.0.1:{vport}"
        self.consul = f"http://127.0.0.1:{cport}"
        self.vproc = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{vport}",
                                     "--dev-root-token", ROOT], ready_url=f"{self.vault}/v1/sys/health")
        self.cproc = vkproc.Process([vkproc.binary("consul-sim"), "--listen", f"127.0.0.1:{cport}"],
                                    ready_url=f"{self.consul}/v1/status/leader")
        self.token_path = secret_file(self.dir, "vault-token", ROOT)
        self.config = {
            "vaults": {"o": {"address": self.vault, "token": {"file": self.token_path}}},
            "consuls": {"oc": {"address": self.consul}},
            "jobs": [{"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "20s",
                      "origin": {"vault": "o", "consul": "oc", "mounts": ["secret/"]}, "buckets": 2, "workers": 2},
                     job_spec("bystander", interval="1h")],
        }
        self.d = Daemon(self.config, tmpdir=self.dir)
        wait_idle(self.d, "origin")
        wait_idle(self.d, "bystander")

    def last_token_sha(self):
        status, body = http("GET", f"{self.vault}/_sim/vault/last-token", token=None)
        assert status == 200, body
        return body["sha256"]

    def new_token(self, value):
        status, body = http("POST", f"{self.vault}/v1/auth/token/create", {"id": value, "policies": ["root"]})
        assert status == 200, body
        return body["auth"]["client_token"]

    def stop(self):
        try:
            assert self.d.stop() == 0
        finally:
            self.vproc.stop()
            self.cproc.stop()


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def test_rotated_vault_token_file_reaches_the_next_request_and_only_its_jobs_restart():
    s = SyncStack()
    try:
        assert s.last_token_sha() == sha(ROOT)
        rotated = s.new_token("rotated-token-0123456789")
        secret_file(s.dir, "vault-token", rotated)  # the same path, a new value: the JSON is unchanged
        reload(s.d)
        # The origin job uses vault "o": restarted (fresh history), its start-up cycle runs with the new token.
        job = wait_idle(s.d, "origin")
        assert job["last_cycle"]["outcome"] == "ok", job
        assert s.last_token_sha() == sha(rotated)
        assert s.d.job("bystander")["last_cycle"]["id"] == 1  # untouched: it names no changed block
        assert "rotated-token" not in s.d.log()
    finally:
        s.stop()


def test_changed_consul_block_restarts_its_jobs_and_a_changed_job_restarts_alone():
    s = SyncStack()
    try:
        # Both jobs get a second cycle so a restart (history back to cycle 1) shows.
        for job in ("origin", "bystander"):
            assert s.d.call("POST", f"/v1/jobs/{job}/trigger")[0] == 202
            wait_idle(s.d, job, min_id=2)
        s.config["consuls"]["oc"]["max_connections"] = 4
        s.d.write_config(s.config)
        reload(s.d)
        assert wait_idle(s.d, "origin")["last_cycle"]["id"] == 1
        assert s.d.job("bystander")["last_cycle"]["id"] == 2
        # A changed job restarts; the other keeps its history.
        assert s.d.call("POST", "/v1/jobs/origin/trigger")[0] == 202
        wait_idle(s.d, "origin", min_id=2)
        s.config["jobs"][1] = job_spec("bystander", interval="2h")
        s.d.write_config(s.config)
        reload(s.d)
        assert wait_idle(s.d, "bystander")["last_cycle"]["id"] == 1
        assert s.d.job("origin")["last_cycle"]["id"] == 2
        # A changed vault block restarts the job that uses it.
        s.config["vaults"]["o"]["max_connections"] = 8
        s.d.write_config(s.config)
        reload(s.d)
        assert wait_idle(s.d, "origin")["last_cycle"]["id"] == 1
        assert s.d.job("bystander")["last_cycle"]["id"] == 1
    finally:
        s.stop()


def test_changed_ha_block_restarts_every_job():
    port = vkproc.free_port()
    consul = f"http://127.0.0.1:{port}"
    cproc = vkproc.Process([vkproc.binary("consul-sim"), "--listen", f"127.0.0.1:{port}"],
                           ready_url=f"{consul}/v1/status/leader")
    config = {"consuls": {"main": {"address": consul}},
              "ha": {"consul": "main", "key": "vk/ha", "session_ttl": "20s", "replica_id": "r1"},
              "jobs": [job_spec("a", interval="1h"), job_spec("b", interval="1h")]}
    d = Daemon(config)
    try:
        for job in ("a", "b"):
            wait_idle(d, job)
            assert d.call("POST", f"/v1/jobs/{job}/trigger")[0] == 202
            wait_idle(d, job, min_id=2)
        config["ha"]["session_ttl"] = "30s"
        d.write_config(config)
        reload(d)
        for job in ("a", "b"):
            assert wait_idle(d, job)["last_cycle"]["id"] == 1
            assert d.job(job)["holder"] == "r1"
    finally:
        assert d.stop() == 0
        cproc.stop()


def test_changed_webhook_url_and_rotated_header_file_are_used_by_the_next_notification():
    old_hook, new_hook = WebhookReceiver(), WebhookReceiver()
    directory = tempfile.mkdtemp(prefix="vk-reload-")
    key_path = secret_file(directory, "hook-key", "key-one")
    config = {"notify": {"webhook": {"url": old_hook.url, "headers": {"X-Hook-Key": {"file": key_path}}}},
              "jobs": [job_spec("doomed", interval="1h", fail="fatal", fail_from_cycle=2)]}
    d = Daemon(config, tmpdir=directory)
    try:
        wait_idle(d, "doomed")
        config["notify"]["webhook"]["url"] = new_hook.url
        d.write_config(config)
        secret_file(directory, "hook-key", "key-two")
        reload(d)
        assert d.job("doomed")["last_cycle"]["id"] == 1  # the job itself did not change
        assert d.call("POST", "/v1/jobs/doomed/trigger")[0] == 202
        vkproc.wait_until(lambda: new_hook.received, 20, what="webhook delivery to the new URL")
        assert new_hook.received[0]["headers"]["X-Hook-Key"] == "key-two"
        assert new_hook.received[0]["body"]["job"] == "doomed"
        assert old_hook.attempts == 0
    finally:
        assert d.stop() == 0
        old_hook.close()
        new_hook.close()


def test_rotated_admin_token_file_refuses_the_old_token():
    directory = tempfile.mkdtemp(prefix="vk-reload-")
    old_token, new_token = ADMIN_TOKEN, "rotated-admin-token-0123456789"
    token_path = secret_file(directory, "admin-token", old_token)
    d = Daemon({"jobs": [job_spec("a", interval="1h")]}, tmpdir=directory)
    try:
        # Daemon writes an inline admin token; this test needs it from a file.
        with open(d.config_path) as f:
            full = json.load(f)
        full["admin"]["token"] = {"file": token_path}
        with open(d.config_path, "w") as f:
            json.dump(full, f)
        reload(d)
        assert d.call("GET", "/v1/jobs", token=old_token)[0] == 200
        secret_file(directory, "admin-token", new_token)
        reload(d)
        assert d.call("GET", "/v1/jobs", token=old_token)[0] == 401
        assert d.call("GET", "/v1/jobs", token=new_token)[0] == 200
        assert new_token not in d.log()
    finally:
        assert d.stop() == 0
