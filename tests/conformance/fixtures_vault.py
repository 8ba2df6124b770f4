"""vault-sim processes for conformance tests: a dev-mode node, a sealed uninitialised node, a 3-node HA cluster.

Every process runs on free loopback ports (tests/support/vkproc.py) and is stopped by PID. Import the fixtures
into a test module with `from fixtures_vault import *` (or list the ones you need).
"""
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request

import hvac
import pytest

import vkproc

DEV_ROOT_TOKEN = "root"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class RawResponse:
    """Status, headers and body of one HTTP exchange (errors and redirects included, never followed)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class VaultSim:
    """One vault-sim process with `nodes` nodes on consecutive loopback ports."""

    def __init__(self, nodes=1, dev_root_token=None, data_dir=None, extra_args=()):
        self.nodes = nodes
        self.dev_root_token = dev_root_token
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.port = vkproc.free_port(nodes)
        self._logdir = tempfile.mkdtemp(prefix="vault-sim-log-")
        self._starts = 0
        self.proc = None
        self.start()

    def start(self):
        argv = [vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{self.port}", "--nodes", str(self.nodes)]
        if self.dev_root_token:
            argv += ["--dev-root-token", self.dev_root_token]
        if self.data_dir:
            argv += ["--data-dir", self.data_dir]
        self._starts += 1
        self.log_path = os.path.join(self._logdir, f"vault-sim-{self._starts}.log")
        self.proc = vkproc.Process(argv + self.extra_args, ready_url=self.url(0) + "/v1/sys/health",
                                   log_path=self.log_path)

    def stop(self):
        if self.proc:
            self.proc.stop()
            self.proc = None

    def restart(self):
        """Stops the process and starts it again on the same ports (state survives only with data_dir)."""
        self.stop()
        self.start()

    def close(self):
        self.stop()
        shutil.rmtree(self._logdir, ignore_errors=True)

    def url(self, node=0):
        return f"http://127.0.0.1:{self.port + node}"

    def client(self, node=0, token=None):
        return hvac.Client(url=self.url(node), token=token)

    @property
    def dev_unseal_key(self):
        """The base64 unseal key a dev-mode start prints (like `vault server -dev`)."""
        with open(self.log_path) as f:
            match = re.search(r"Unseal Key: (\S+)", f.read())
        return match.group(1) if match else None

    def raw(self, method, path, node=0, body=None, headers=None, token=None):
        """One request with urllib; body may be bytes, str or a JSON-able object."""
        data = body
        if body is not None and not isinstance(body, (bytes, str)):
            data = json.dumps(body)
        if isinstance(data, str):
            data = data.encode()
        hdrs = dict(headers or {})
        if token:
            hdrs["X-Vault-Token"] = token
        req = urllib.request.Request(self.url(node) + path, data=data, method=method, headers=hdrs)
        try:
            with _opener.open(req, timeout=30) as r:
                return RawResponse(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return RawResponse(e.code, e.headers, e.read())

    def control(self, method, path, body=None):
        r = self.raw(method, "/_sim/vault/" + path, body=body)
        assert r.status == 200, (r.status, r.body)
        return r.json()

    def status(self):
        return self.control("GET", "status")

    def init_and_unseal(self, shares=3, threshold=2):
        """sys/init through hvac, then unseals every node; returns the init response (keys, root_token)."""
        result = self.client(0).sys.initialize(secret_shares=shares, secret_threshold=threshold)
        for node in range(self.nodes):
            self.unseal(result["keys"], node)
        return result

    def unseal(self, keys, node=0):
        client = self.client(node)
        threshold = client.sys.read_seal_status()["t"]
        for key in keys[:threshold]:
            status = client.sys.submit_unseal_key(key)
        assert status["sealed"] is False, status
        return status


@pytest.fixture
def vault_dev():
    """One dev-mode node: initialised, unsealed, KV v2 at secret/, root token DEV_ROOT_TOKEN."""
    sim = VaultSim(dev_root_token=DEV_ROOT_TOKEN)
    yield sim
    sim.close()


@pytest.fixture
def vault_sealed():
    """One uninitialised (hence sealed) node."""
    sim = VaultSim()
    yield sim
    sim.close()


@pytest.fixture
def vault_ha():
    """Three nodes sharing storage, initialised with 3 shares / threshold 2 and all unsealed; node 0 is active.
    sim.init_result holds keys and root_token."""
    sim = VaultSim(nodes=3)
    sim.init_result = sim.init_and_unseal(3, 2)
    yield sim
    sim.close()


@pytest.fixture
def vault_persistent():
    """One node with a --data-dir (uninitialised at first); sim.restart() brings it back sealed."""
    data_dir = tempfile.mkdtemp(prefix="vault-sim-data-")
    sim = VaultSim(data_dir=data_dir)
    yield sim
    sim.close()
    shutil.rmtree(data_dir, ignore_errors=True)
