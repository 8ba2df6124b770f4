"""emissary end to end: a vault-sim, a consul-sim and vaultkeeper-test running emissary jobs. A template
waiting on three secrets writes nothing until the third appears, then writes once and runs the command once;
a Consul change re-renders within a second; unchanged values neither rewrite nor re-run; a hanging command is
killed with its child at its timeout; no secret value reaches the log; a crash mid-write leaves the old file;
the admin API answers while a write is slow (writes run off the io thread); `--once` exits non-zero when a
template cannot be rendered."""
import functools
import glob
import http.server
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

import vkproc
from vkdaemon import Daemon

ROOT = "root"
SECRETS = {"pw": "s3cr3t-Pa55word-x9", "host": "db-host-secret-77", "port": "port-secret-4242",
           "host2": "db-host-secret-88"}


def call(method, url, body=None, token=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("X-Vault-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Sims:
    def __init__(self):
        self.vport = vkproc.free_port(2)
        self.cport = self.vport + 1
        self.vault_addr = f"http://127.0.0.1:{self.vport}"
        self.consul_addr = f"http://127.0.0.1:{self.cport}"
        self.vault = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{self.vport}",
                                     "--dev-root-token", ROOT], ready_url=f"{self.vault_addr}/v1/sys/health")
        self.consul = vkproc.Process([vkproc.binary("consul-sim"), "--listen", f"127.0.0.1:{self.cport}"],
                                     ready_url=f"{self.consul_addr}/v1/status/leader")

    def vault_write(self, path, data):
        status, body = call("POST", f"{self.vault_addr}/v1/secret/data/{path}", {"data": data}, token=ROOT)
        assert status == 200, body

    def consul_put(self, key, value):
        status, body = call("PUT", f"{self.consul_addr}/v1/kv/{key}", raw=value.encode())
        assert status == 200, body

    def config(self, jobs):
        return {"log": {"level": "info"},
                "vaults": {"v": {"address": self.vault_addr, "token": ROOT}},
                "consuls": {"c": {"address": self.consul_addr}},
                "jobs": jobs}

    def stop(self):
        self.vault.stop()
        self.consul.stop()


@pytest.fixture
def sims():
    s = Sims()
    yield s
    s.stop()


def job(name, template, destination, command=None, **extra):
    j = {"name": name, "kind": "emissary", "interval": "1m", "timeout": "20s",
         "sources": {"vault": {"type": "vault", "vault": "v"}, "kv": {"type": "consul", "consul": "c"}},
         "templates": [{"contents": template, "destination": destination}],
         "retry": {"initial": "100ms", "max": "300ms"}}
    if command is not None:
        j["command"] = command
        j["shell"] = True
    j.update(extra)
    return j


TEMPLATE = ('pw={{ secret "vault" "secret/app" "pw" }}\n'
            'host={{ secret "kv" "app/host" }}\nport={{ secret "kv" "app/port" | trim }}\n')


def lines(path):
    return open(path).read().splitlines() if os.path.exists(path) else []


def emissary_status(d, name):
    status, body, _ = d.call("GET", f"/v1/emissary/{name}/status")
    assert status == 200, body
    return body


def test_waits_for_every_value_then_writes_and_runs_once_then_follows_consul(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest, runs = os.path.join(tmp, "out", "app.conf"), os.path.join(tmp, "runs")
    d = Daemon(sims.config([job("web", TEMPLATE, dest, f"echo run >> {runs}; cat {dest}")]))
    try:
        waiting = vkproc.wait_until(
            lambda: (lambda s: s if s["templates"][0]["missing"] else None)(emissary_status(d, "web")), 10,
            what="first cycle")
        assert waiting["templates"][0]["state"] == "waiting"
        assert waiting["templates"][0]["missing"] == ["kv app/host", "kv app/port", "vault secret/app pw"]
        sims.vault_write("app", {"pw": SECRETS["pw"]})
        sims.consul_put("app/host", SECRETS["host"])
        vkproc.wait_until(lambda: emissary_status(d, "web")["templates"][0]["missing"] == ["kv app/port"], 10,
                          what="two of three values seen")
        time.sleep(0.5)
        assert not os.path.exists(dest)
        sims.consul_put("app/port", SECRETS["port"] + "\n")
        vkproc.wait_until(lambda: lines(runs) == ["run"], 10, what="file written and command run")
        assert open(dest).read() == f"pw={SECRETS['pw']}\nhost={SECRETS['host']}\nport={SECRETS['port']}\n"
        assert os.stat(dest).st_mode & 0o777 == 0o600
        # The command has written its line before it exits: wait for its exit to be recorded (slow under ASan).
        st = vkproc.wait_until(
            lambda: (s := emissary_status(d, "web"))["templates"][0]["last_command_exit_status"] is not None and s,
            20, what="command exit recorded")
        assert st["templates"][0]["state"] == "rendered"
        assert st["templates"][0]["last_command_exit_status"] == 0
        assert st["command"]["runs"] == 1

        # A Consul change lands within a second.
        start = time.monotonic()
        sims.consul_put("app/host", SECRETS["host2"])
        vkproc.wait_until(lambda: SECRETS["host2"] in open(dest).read(), 1.0, interval=0.005,
                          what="re-render after a Consul change")
        assert time.monotonic() - start < 1.0
        vkproc.wait_until(lambda: lines(runs) == ["run", "run"], 5, what="second command run")

        # The same value written again: no rewrite, no command.
        inode, mtime = os.stat(dest).st_ino, os.stat(dest).st_mtime_ns
        sims.consul_put("app/host", SECRETS["host2"])
        time.sleep(1.5)
        assert (os.stat(dest).st_ino, os.stat(dest).st_mtime_ns) == (inode, mtime)
        assert lines(runs) == ["run", "run"]

        status, metrics, _ = d.call("GET", "/metrics", token=None)
        assert 'vaultkeeper_emissary_renders_total{job="web",outcome="written"} 2' in metrics
        assert 'vaultkeeper_emissary_command_runs_total{job="web",outcome="ok"} 2' in metrics
        assert 'vaultkeeper_emissary_waiting_templates{job="web"} 0' in metrics
    finally:
        d.stop()
    log = d.log()
    assert "command output" in log  # the command printed the file: the log holds it redacted
    for value in SECRETS.values():
        assert value not in log, f"secret value {value} in the log"


def test_a_hanging_command_is_killed_with_its_children_at_its_timeout(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest, pids = os.path.join(tmp, "f"), os.path.join(tmp, "pids")
    sims.consul_put("k", "v1")
    command = f"sleep 60 & echo $! > {pids}; echo $$ >> {pids}; wait"
    d = Daemon(sims.config([job("hang", '{{ secret "kv" "k" }}', dest, command, command_timeout="1s")]))
    try:
        st = vkproc.wait_until(lambda: (lambda s: s if s["command"]["outcome"] else None)(emissary_status(d, "hang")),
                               10, what="command outcome")
        assert st["command"]["outcome"] == "timeout"
        for pid in map(int, lines(pids)):
            vkproc.wait_until(lambda: not os.path.exists(f"/proc/{pid}") or
                              open(f"/proc/{pid}/stat").read().split()[2] == "Z", 3, what=f"pid {pid} gone")
        status, metrics, _ = d.call("GET", "/metrics", token=None)
        assert 'vaultkeeper_emissary_command_runs_total{job="hang",outcome="timeout"} 1' in metrics
    finally:
        d.stop()


def test_a_crash_mid_write_leaves_the_old_file(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest = os.path.join(tmp, "f")
    with open(dest, "w") as f:
        f.write("old contents\n")
    os.chmod(dest, 0o600)
    sims.consul_put("k", "new contents that are long enough to be cut in half")
    d = Daemon(sims.config([job("crash", '{{ secret "kv" "k" }}', dest)]),
               extra_env={"VK_EMISSARY_SLOW_WRITE_MS": "5000"}, wait_ready=False)
    try:
        vkproc.wait_until(lambda: glob.glob(dest + ".vk-tmp-*"), 10, what="a temp file being written")
        d.proc.kill()
        assert open(dest).read() == "old contents\n"
    finally:
        d.stop()
    # The next start removes the partial temp file and writes the new contents.
    d = Daemon(sims.config([job("crash", '{{ secret "kv" "k" }}', dest)]))
    try:
        vkproc.wait_until(lambda: open(dest).read().startswith("new contents"), 10, what="render after restart")
        assert glob.glob(dest + ".vk-tmp-*") == []
    finally:
        d.stop()


def test_the_admin_api_answers_while_a_write_is_slow(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest = os.path.join(tmp, "f")
    sims.consul_put("k", "slow contents")
    d = Daemon(sims.config([job("slow", '{{ secret "kv" "k" }}', dest)]),
               extra_env={"VK_EMISSARY_SLOW_WRITE_MS": "5000"})
    try:
        vkproc.wait_until(lambda: glob.glob(dest + ".vk-tmp-*"), 10, what="a temp file being written")
        status, body, _ = d.call("GET", "/v1/jobs/slow")
        assert status == 200, body
        # The write is still in its pause: the answer came while the file was being written.
        assert glob.glob(dest + ".vk-tmp-*") and not os.path.exists(dest)
        vkproc.wait_until(lambda: os.path.exists(dest), 15, what="the slow write finished")
        assert open(dest).read() == "slow contents"
    finally:
        d.stop()


class Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_file_env_and_http_sources_and_dry_run(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    root, web = os.path.join(tmp, "seed"), os.path.join(tmp, "web")
    os.makedirs(root)
    os.makedirs(os.path.join(web, "config"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Files, directory=web))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dest, dry = os.path.join(tmp, "out"), os.path.join(tmp, "dry")
    template = ('{{ secret "files" "db.json" "/creds/user" }} {{ secret "environ" "VK_EMISSARY_TEST_VALUE" }} '
                '{{ secret "meta" "region" | trim }} {{ env "VK_EMISSARY_TEST_VALUE" | base64 }}')
    sources = {"files": {"type": "file", "root": root}, "environ": {"type": "env"},
               "meta": {"type": "http", "base_url": f"http://127.0.0.1:{server.server_address[1]}/config/"}}
    jobs = [job("mixed", template, dest, sources=sources),
            job("dry", '{{ secret "files" "db.json" "/creds/user" }}', dry, sources=sources, dry_run=True)]
    d = Daemon(sims.config(jobs), extra_env={"VK_EMISSARY_TEST_VALUE": "from-env"})
    try:
        vkproc.wait_until(lambda: emissary_status(d, "mixed")["templates"][0]["missing"] ==
                          ["files db.json /creds/user", "meta region"], 10, what="waiting on file and http")
        with open(os.path.join(root, "db.json"), "w") as f:
            json.dump({"creds": {"user": "alice"}}, f)
        with open(os.path.join(web, "config", "region"), "w") as f:
            f.write("eu-west\n")
        vkproc.wait_until(lambda: os.path.exists(dest), 10, what="rendered from file, env and http")
        assert open(dest).read() == "alice from-env eu-west ZnJvbS1lbnY="
        st = vkproc.wait_until(lambda: (lambda s: s if s["templates"][0]["state"] == "rendered" else None)(
            emissary_status(d, "dry")), 10, what="dry run rendered")
        assert st["templates"][0]["would_change"] is True and st["dry_run"] is True
        assert not os.path.exists(dry)
    finally:
        d.stop()
        server.shutdown()


def test_once_exits_non_zero_when_a_template_cannot_render(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    sims.consul_put("present", "here")
    ok = job("ok", '{{ secret "kv" "present" }}', os.path.join(tmp, "ok"), timeout="3s")
    missing = job("missing", '{{ secret "kv" "absent" }}', os.path.join(tmp, "missing"), timeout="1s")
    for jobs, code in (([ok], 0), ([ok, missing], 1)):
        cfg = os.path.join(tmp, "vk.json")
        with open(cfg, "w") as f:
            json.dump({"admin": {"token": "test-admin-token-0123456789"}, **sims.config(jobs)}, f)
        r = subprocess.run([vkproc.binary("vaultkeeper"), "--once", "--config", cfg], capture_output=True,
                           timeout=30)
        assert r.returncode == code, r.stderr.decode()
        assert open(os.path.join(tmp, "ok")).read() == "here"
        if code:
            assert b"missing: kv absent" in r.stderr, r.stderr


def test_vault_refresh_and_a_failing_refresh_keeps_the_last_good_value(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest = os.path.join(tmp, "pw")
    sims.vault_write("app", {"pw": "first-value-1"})
    d = Daemon(sims.config([job("vault", '{{ secret "vault" "secret/app" "pw" }}', dest, refresh="500ms")]))
    try:
        vkproc.wait_until(lambda: os.path.exists(dest) and open(dest).read() == "first-value-1", 10, what="render")
        sims.vault_write("app", {"pw": "second-value-2"})
        vkproc.wait_until(lambda: open(dest).read() == "second-value-2", 5, what="refresh picks the change up")
        status, body = call("POST", f"{sims.vault_addr}/_sim/fail",
                            {"method": "GET", "path": "/v1/secret/", "status": 403, "count": 100000})
        assert status in (200, 204), body
        st = vkproc.wait_until(lambda: (lambda s: s if s["source_errors"] else None)(emissary_status(d, "vault")), 5,
                               what="the 403 reported")
        assert "permission_denied" in st["source_errors"][0]["error"]
        assert st["source_errors"][0]["path"] == "secret/app"
        assert st["templates"][0]["state"] == "rendered"
        assert open(dest).read() == "second-value-2"
        job_state = d.job("vault")
        assert job_state["state"] != "failed", job_state
        call("POST", f"{sims.vault_addr}/_sim/reset", {})
        sims.vault_write("app", {"pw": "third-value-3"})
        vkproc.wait_until(lambda: open(dest).read() == "third-value-3", 5, what="recovered")
        assert emissary_status(d, "vault")["source_errors"] == []
    finally:
        d.stop()
    for value in ("first-value-1", "second-value-2", "third-value-3"):
        assert value not in d.log()


def test_once_job_renders_once_then_is_finished(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest, runs = os.path.join(tmp, "f"), os.path.join(tmp, "runs")
    sims.consul_put("o", "first")
    d = Daemon(sims.config([job("once", '{{ secret "kv" "o" }}', dest, f"echo run >> {runs}", once=True)]))
    try:
        st = vkproc.wait_until(lambda: (lambda s: s if s["finished"] else None)(emissary_status(d, "once")), 10,
                               what="finished")
        assert st["once"] is True and st["command"]["outcome"] == "ok"
        assert open(dest).read() == "first" and lines(runs) == ["run"]
        sims.consul_put("o", "second")
        time.sleep(1.0)
        assert open(dest).read() == "first" and lines(runs) == ["run"]
    finally:
        d.stop()


def test_identical_commands_of_two_jobs_run_once_per_wait_window(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    runs = os.path.join(tmp, "runs")
    sims.consul_put("shared", "one")
    command = f"echo run >> {runs}"
    jobs = [job(name, '{{ secret "kv" "shared" }}', os.path.join(tmp, name), command,
                wait={"min": "700ms", "max": "2s"}) for name in ("a", "b")]
    d = Daemon(sims.config(jobs))
    try:
        vkproc.wait_until(lambda: lines(runs) == ["run"], 10, what="one run for both first renders")
        sims.consul_put("shared", "two")
        vkproc.wait_until(lambda: all(open(os.path.join(tmp, n)).read() == "two" for n in ("a", "b")), 5,
                          what="both re-rendered")
        vkproc.wait_until(lambda: lines(runs) == ["run", "run"], 5, what="one run for both changes")
        time.sleep(1.5)
        assert lines(runs) == ["run", "run"]
    finally:
        d.stop()
