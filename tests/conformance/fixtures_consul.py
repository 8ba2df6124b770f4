"""pytest fixtures that run consul-sim as a real process on a free loopback port (stopped by PID).

Import the fixtures into a test module with `from fixtures_consul import consul_sim, consul_acl_sim`.
"""
import json
import os
import tempfile
import urllib.error
import urllib.request

import pytest

import vkproc

ACL_TOKEN = "c0ffee00-0000-4000-8000-000000000001"


class ConsulSim:
    """One running consul-sim: its port, base URL and raw-HTTP helpers for what python-consul lacks."""

    def __init__(self, acl_token=None, extra_args=()):
        self.port = vkproc.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [vkproc.binary("consul-sim"), "--listen", f"127.0.0.1:{self.port}", *extra_args]
        if acl_token:
            argv += ["--acl-token", acl_token]
        self.log = tempfile.NamedTemporaryFile(prefix="consul-sim-", suffix=".log", delete=False).name
        self.proc = vkproc.Process(argv, ready_url=self.url + "/v1/status/leader", timeout=15.0,
                                   log_path=self.log)

    def request(self, method, path, body=None, headers=None, timeout=10.0):
        """Raw HTTP exchange; returns (status, headers, body bytes) for any status."""
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as res:
                return res.status, res.headers, res.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def control(self, path, payload=None):
        """POST (or GET without payload) to the /_sim/ control API; returns the decoded JSON."""
        method = "GET" if payload is None else "POST"
        status, _, body = self.request(method, path, json.dumps(payload) if payload is not None else None)
        assert status == 200, body
        return json.loads(body)

    def stop(self):
        code = self.proc.stop()
        os.unlink(self.log)
        return code


@pytest.fixture
def consul_sim():
    sim = ConsulSim()
    yield sim
    assert sim.stop() == 0, "consul-sim did not exit cleanly on SIGTERM"


@pytest.fixture
def consul_acl_sim():
    sim = ConsulSim(acl_token=ACL_TOKEN)
    yield sim
    assert sim.stop() == 0, "consul-sim did not exit cleanly on SIGTERM"
