"""Run vaultkeeper as a real process for tests: write its config, start it, talk to its admin API.

Also a local webhook receiver (http.server on a loopback port) that records what the daemon POSTs.
"""
import http.server
import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request

import vkproc

ADMIN_TOKEN = "test-admin-token-0123456789"


def ready_log(config):
    """The line the daemon logs once it holds its port, when the config's log level lets it through (info); a
    quieter daemon (the benchmarks log at warn) counts as ready when its health route answers."""
    level = config.get("log", {}).get("level", "info")
    return "admin API listening" if level in ("trace", "debug", "info") else None


class Daemon:
    """vaultkeeper-test --config <tmp>/vk.json: the daemon plus the test job kind."""

    def __init__(self, config, extra_env=None, tmpdir=None, wait_ready=True):
        self.dir = tmpdir or tempfile.mkdtemp(prefix="vk-daemon-")
        self.config_path = os.path.join(self.dir, "vk.json")
        self.log_path = os.path.join(self.dir, "vk.log")
        env = dict(extra_env or {})
        # A free port can be taken by a parallel test before the daemon binds it: then try another.
        for attempt in range(3):
            self.port = vkproc.free_port()
            self.write_config(config)
            try:
                self.proc = vkproc.Process([vkproc.binary("vaultkeeper-test"), "--config", self.config_path],
                                           ready_url=self.url("/v1/health") if wait_ready else None,
                                           env=env, log_path=self.log_path, ready_log=ready_log(config))
                return
            except RuntimeError:
                if attempt == 2 or "cannot start the admin API" not in self.log():
                    raise

    def write_config(self, config):
        # The config's own admin block (admin.tokens...) is merged into the test's listener and token.
        admin = {"listen": f"127.0.0.1:{self.port}", "token": ADMIN_TOKEN, **config.get("admin", {})}
        full = {**config, "admin": admin}
        with open(self.config_path, "w") as f:
            json.dump(full, f)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def call(self, method, path, body=None, token=ADMIN_TOKEN, headers=None, raw=None):
        """Returns (status, parsed JSON or text, headers)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url(path), data=data, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, _decode(r), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, _decode(e), dict(e.headers)

    def job(self, name):
        status, body, _ = self.call("GET", f"/v1/jobs/{name}")
        assert status == 200, body
        return body

    def wait_job(self, name, predicate, timeout=10.0, what="job condition"):
        """Polls GET /v1/jobs/{name} until predicate(job) holds; returns that job."""
        def check():
            job = self.job(name)
            return job if predicate(job) else None
        return vkproc.wait_until(check, timeout, what=f"{name}: {what}")

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        return self.proc.stop()


def _decode(resp):
    raw = resp.read()
    ctype = resp.headers.get("Content-Type", "")
    if "json" in ctype and raw:
        return json.loads(raw)
    return raw.decode(errors="replace")


def job_spec(name, **settings):
    return {"name": name, "kind": "test", **settings}


class WebhookReceiver:
    """Records POSTed JSON bodies; answers `fail_first` requests with 500 first."""

    def __init__(self, fail_first=0):
        self.received = []
        self.attempts = 0
        self.fail_first = fail_first
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                outer.attempts += 1
                if outer.attempts <= outer.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    return
                outer.received.append({"body": json.loads(body), "headers": dict(self.headers)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
