"""The sync test stack, shared by every sync integration test: an origin vault-sim and consul-sim, a
destination-region vault-sim (KV v2 at secret/ and west/) and consul-sim, and one vaultkeeper at a time.

The sims live for a whole test module (`sync_sims`, module scope); `fresh_stack` hands a test the same sims
wiped back to their start state (no daemon, no faults, empty KV and Consul), so a module starts four sims once
instead of once per test. `reuse(stack, key, setup)` keeps a prepared daemon for tests that only read it.
Cycles are started with POST /v1/jobs/{name}/trigger and awaited through GET /v1/jobs/{name}/cycles; every
wait is on a condition and bounded.
"""
import base64
import json
import urllib.error
import urllib.request

import pytest

import vkproc
from vkdaemon import Daemon

ROOT = "root"
CYCLE_WAIT = 30.0  # seconds: any single cycle in these tests takes well under 10 s
DEST_MOUNTS = ("secret", "west")  # the "west" destination writes into its own KV v2 mount


def http(method, url, body=None, headers=None, timeout=10.0, token=ROOT):
    """(status, parsed JSON or text or None), any status; the root token unless token=None."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Vault-Token", token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    if not raw:
        return status, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


class Sim:
    def __init__(self, binary, *args, ready):
        port = vkproc.free_port()
        self.addr = f"http://127.0.0.1:{port}"
        self.proc = vkproc.Process([vkproc.binary(binary), "--listen", f"127.0.0.1:{port}", *args],
                                   ready_url=f"{self.addr}{ready}")

    def sim(self, path, body=None, method="POST"):
        status, answer = http(method, f"{self.addr}/_sim/{path}", body if body is not None else {}, token=None)
        assert status in (200, 204), f"{method} /_sim/{path} -> {status} {answer}"
        return answer

    def stop(self):
        self.proc.stop()


class Vault(Sim):
    """One vault-sim in dev mode (KV v2 at secret/, root token "root"), driven over its HTTP API."""

    def __init__(self):
        super().__init__("vault-sim", "--dev-root-token", ROOT, ready="/v1/sys/health")

    def call(self, method, path, body=None):
        return http(method, f"{self.addr}/v1/{path}", body)

    def ok(self, method, path, body=None):
        status, answer = self.call(method, path, body)
        assert status in (200, 204), f"{method} {self.addr}/v1/{path} -> {status} {answer}"
        return answer

    def mount_kv2(self, mount):
        self.ok("POST", f"sys/mounts/{mount}", {"type": "kv", "options": {"version": "2"}})

    def write(self, path, data, mount="secret"):
        """Writes KV v2 data; returns the answer's data (its "version")."""
        return self.ok("POST", f"{mount}/data/{path}", {"data": data})["data"]

    def read(self, path, mount="secret"):
        """The latest data, or None when missing or deleted."""
        state, data = self.state(path, mount)
        return data if state == "live" else None

    def metadata(self, path, mount="secret"):
        return self.ok("GET", f"{mount}/metadata/{path}")["data"]

    def delete_latest(self, path, mount="secret"):
        self.ok("DELETE", f"{mount}/data/{path}")

    def undelete(self, path, versions, mount="secret"):
        self.ok("POST", f"{mount}/undelete/{path}", {"versions": versions})

    def destroy(self, path, versions, mount="secret"):
        self.ok("POST", f"{mount}/destroy/{path}", {"versions": versions})

    def delete_metadata(self, path, mount="secret"):
        self.ok("DELETE", f"{mount}/metadata/{path}")

    def state(self, path, mount="secret"):
        """("live", data) | ("deleted", None) | ("destroyed", None) | ("missing", None) for the latest version."""
        status, body = self.call("GET", f"{mount}/data/{path}")
        if status == 200:
            return "live", body["data"]["data"]
        assert status == 404, f"GET {mount}/data/{path} -> {status} {body}"
        meta = ((body or {}).get("data") or {}).get("metadata") if isinstance(body, dict) else None
        if not meta:
            return "missing", None
        if meta.get("destroyed"):
            return "destroyed", None
        if meta.get("deletion_time"):
            return "deleted", None
        return "missing", None

    def wipe(self, mounts):
        """No faults, unsealed, and `mounts` empty KV v2 mounts again (removed and mounted anew)."""
        self.sim("reset")
        if http("GET", f"{self.addr}/v1/sys/health", token=None)[0] != 200:
            self.sim("vault/restart", {"node": 0})
            vkproc.wait_until(lambda: http("GET", f"{self.addr}/v1/sys/health", token=None)[0] == 200, 10,
                              what="the vault-sim unsealed after a restart")
        for m in mounts:
            self.call("DELETE", f"sys/mounts/{m}")  # may already be gone
            self.mount_kv2(m)


class Consul(Sim):
    def __init__(self):
        super().__init__("consul-sim", ready="/v1/status/leader")

    def entry(self, key):
        status, body = http("GET", f"{self.addr}/v1/kv/{key}", token=None)
        return body[0] if status == 200 else None

    def keys(self, prefix):
        status, body = http("GET", f"{self.addr}/v1/kv/{prefix}?keys", token=None)
        return body if status == 200 else []

    def recurse(self, prefix):
        """{key: (decoded value, ModifyIndex)} under prefix ({} when nothing is there)."""
        status, body = http("GET", f"{self.addr}/v1/kv/{prefix}?recurse", token=None)
        if status == 404:
            return {}
        assert status == 200, f"GET /v1/kv/{prefix}?recurse -> {status} {body}"
        return {e["Key"]: (base64.b64decode(e["Value"] or "").decode(), e["ModifyIndex"]) for e in body}

    def modify_indexes(self, prefix):
        return {k: mi for k, (_, mi) in self.recurse(prefix).items()}

    def wipe(self):
        self.sim("reset")
        self.sim("consul/clear")


class SyncStack:
    """The four sims (started at once) and, on start_daemon(), one vaultkeeper."""

    def __init__(self):
        self.sims = []
        self.extra_vaults = {}  # name -> config, beside origin and dest (add_vault)
        self.daemon = None
        self.prepared = None
        try:
            for name, kind in (("origin", Vault), ("dest", Vault), ("oc", Consul), ("dc", Consul)):
                setattr(self, name, kind())
                self.sims.append(getattr(self, name))
            self.dest.mount_kv2("west")
        except BaseException:
            self.close()
            raise

    def add_vault(self, sim):
        """One more vault in the daemon's config (sim.name, sim.config()); the stack stops it on close()."""
        self.sims.append(sim)
        self.extra_vaults[sim.name] = sim.config()

    def config(self, jobs, vaults=None, **extra):
        return {"vaults": {**(vaults or {"origin": {"address": self.origin.addr, "token": ROOT},
                                         "dest": {"address": self.dest.addr, "token": ROOT}}),
                           **self.extra_vaults},
                "consuls": {"oc": {"address": self.oc.addr}, "dc": {"address": self.dc.addr}},
                "jobs": jobs, **extra}

    def start_daemon(self, jobs, extra_env=None, **extra):
        assert self.daemon is None, "one daemon at a time"
        self.daemon = Daemon(self.config(jobs, **extra), extra_env=extra_env)
        return self.daemon

    def stop_daemon(self):
        """Stops the daemon; returns its exit code (None if none runs)."""
        rc = None
        if self.daemon:
            rc = self.daemon.stop()
            self.daemon = None
        return rc

    def reset(self):
        """Back to the start state: no daemon (it must exit cleanly), no faults, empty KV and Consul."""
        self.prepared = None
        rc = self.stop_daemon()
        assert rc in (None, 0), f"vaultkeeper exited with {rc} on SIGTERM"
        self.origin.wipe(["secret"])
        self.dest.wipe(DEST_MOUNTS)
        self.oc.wipe()
        self.dc.wipe()

    def close(self):
        """Stops everything; returns the daemon's exit code (None if it was not running)."""
        rc = self.stop_daemon()
        for p in reversed(self.sims):
            try:
                p.stop()
            except Exception:
                pass
        self.sims = []
        return rc

    # --- daemon helpers
    def log_tail(self, lines=30):
        if not self.daemon:
            return ""
        text = self.daemon.log().splitlines()[-lines:]
        return f"\n--- daemon log ({self.daemon.log_path}), last {len(text)} lines:\n" + "\n".join(text)

    def cycles(self, job):
        status, body, _ = self.daemon.call("GET", f"/v1/jobs/{job}/cycles")
        assert status == 200, f"GET /v1/jobs/{job}/cycles -> {status} {body}"
        return body["cycles"]

    def newest_id(self, job):
        cs = self.cycles(job)
        return cs[0]["id"] if cs else 0

    def cycle_by_id(self, job, cid):
        return next((c for c in self.cycles(job) if c["id"] == cid), None)

    def wait_cycle_end(self, job, cid, timeout=CYCLE_WAIT):
        def ended():
            c = self.cycle_by_id(job, cid)
            return c if c and c["outcome"] != "running" else None
        try:
            return vkproc.wait_until(ended, timeout, interval=0.05, what=f"cycle {cid} of {job} to end")
        except TimeoutError as e:
            raise AssertionError(f"{e}; cycles: {self.cycles(job)[:3]}{self.log_tail()}") from None

    def trigger(self, job, after_id):
        """Asks for a cycle; a 409 because a cycle is running is retried until a cycle newer than after_id
        has started (that one serves as well)."""
        def attempt():
            status, body, _ = self.daemon.call("POST", f"/v1/jobs/{job}/trigger")
            if status == 202:
                return True
            assert status == 409, f"POST /v1/jobs/{job}/trigger -> {status} {body}"
            message = json.dumps(body)
            assert "halted" not in message and "failed" not in message, \
                f"{job} cannot be triggered: {message}{self.log_tail()}"
            return self.newest_id(job) > after_id
        vkproc.wait_until(attempt, 20, interval=0.05, what=f"a trigger of {job} to be accepted")

    def run_cycle(self, job, expect="ok", timeout=CYCLE_WAIT):
        """The first cycle of `job` that starts after this call, once ended (its outcome checked unless
        expect is None)."""
        n = self.newest_id(job)
        self.trigger(job, n)
        c = self.wait_cycle_end(job, n + 1, timeout)
        if expect:
            assert c["outcome"] == expect, \
                f"{job} cycle {c['id']}: expected outcome {expect!r}, got {json.dumps(c)}{self.log_tail()}"
        return c

    def wait_first_ok(self, job, timeout=CYCLE_WAIT):
        """Waits until `job` has at least one ended cycle and returns the newest ended one."""
        def done():
            return next((c for c in self.cycles(job) if c["outcome"] != "running"), None)
        try:
            return vkproc.wait_until(done, timeout, interval=0.05, what=f"a first cycle of {job}")
        except TimeoutError as e:
            raise AssertionError(f"{e}{self.log_tail()}") from None

    def wait_idle(self, jobs, timeout=CYCLE_WAIT):
        """Each job ended its start-up cycle and is idle."""
        for job in jobs:
            self.daemon.wait_job(job, lambda j: j["last_cycle"] is not None and j["state"] == "idle",
                                 timeout=timeout, what="start-up cycle ended")

    def wait_running(self, job, cid, timeout=10):
        def running():
            c = self.cycle_by_id(job, cid)
            assert c is None or c["outcome"] == "running", f"{job} cycle {cid} ended too soon: {c}"
            return c
        vkproc.wait_until(running, timeout, interval=0.02, what=f"cycle {cid} of {job} to start")

    def sync(self, destinations=("east", "west")):
        """An origin cycle, then a cycle of each destination that started after it published."""
        self.run_cycle("origin")
        return {d: self.run_cycle(d) for d in destinations}

    def sync_status(self, job):
        status, body, _ = self.daemon.call("GET", f"/v1/sync/{job}/status")
        assert status == 200, f"GET /v1/sync/{job}/status -> {status} {body}"
        return body


def reuse(stack, key, setup):
    """`stack` as the last test that asked for `key` left it, or reset and prepared by setup(stack)."""
    if stack.prepared != key:
        stack.reset()
        setup(stack)
        stack.prepared = key
    return stack


@pytest.fixture(scope="module")
def sync_sims():
    """The four sims of a test module (import this fixture together with fresh_stack)."""
    s = SyncStack()
    try:
        yield s
    finally:
        rc = s.close()
    assert rc in (None, 0), f"vaultkeeper exited with {rc} on SIGTERM"


@pytest.fixture
def fresh_stack(sync_sims):
    """The module's sims back at their start state, no daemon yet; the daemon is stopped afterwards."""
    sync_sims.reset()
    yield sync_sims
    sync_sims.prepared = None
    rc = sync_sims.stop_daemon()
    assert rc in (None, 0), f"vaultkeeper exited with {rc} on SIGTERM"
