"""Start and stop real processes for tests: free loopback ports, bounded readiness waits, stop by PID.

Every test that runs vaultkeeper, vault-sim or consul-sim as a real process goes through here, so no test
touches an address outside 127.0.0.0/8 and no wait is unbounded.
"""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

BIN_DIR = os.environ.get("VK_BIN_DIR") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "bin")


SIMULATORS = ("vault-sim", "consul-sim", "k8s-sim", "cloud-sim")


def binary(name):
    """Absolute path of one of the project's executables (build/bin unless VK_BIN_DIR says otherwise; the
    simulators come from VK_SIM_BIN_DIR when set, e.g. the release build's, for the sanitizer build)."""
    base = os.environ.get("VK_SIM_BIN_DIR") if name in SIMULATORS else None
    path = os.path.abspath(os.path.join(base or BIN_DIR, name))
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} not built")
    return path


def sanitized(name="vaultkeeper-test"):
    """Whether `name` was built with AddressSanitizer (its memory and speed figures then mean nothing)."""
    with open(binary(name), "rb") as f:
        return b"__asan_init" in f.read()


def free_port(count=1):
    """A loopback port such that port..port+count-1 were all free a moment ago."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count >= 65535:
            continue
        if all(_is_free(base + i) for i in range(1, count)):
            return base
    raise RuntimeError("no free loopback port range")


def _is_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def wait_until(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Polls predicate until it returns a truthy value; raises TimeoutError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def json_call(method, url, body=None, token=None, token_header="X-Vault-Token"):
    """One JSON request to a sim (or anything on loopback): (status, parsed JSON, text or None), any status."""
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, method=method)
    if token:
        req.add_header(token_header, token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


def http_ok(url, timeout=1.0):
    """True if url answers with any HTTP status (the server is listening and speaking HTTP)."""
    try:
        urllib.request.urlopen(url, timeout=timeout)
        return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


class Process:
    """A child process started with a readiness URL; stopped by PID (SIGTERM, then SIGKILL)."""

    def __init__(self, argv, ready_url=None, env=None, timeout=15.0, log_path=None, ready_log=None):
        """`ready_log`: a text the process logs once it holds its port; until then an answer at `ready_url` may
        come from another process that took the port first (parallel tests), so it does not count."""
        self.argv = argv
        self.log_path = log_path
        self._log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})}, start_new_session=True)
        if ready_url:
            def ready():
                if self.proc.poll() is not None:
                    return True
                if ready_log and ready_log not in self.output():
                    return False
                return http_ok(ready_url)
            try:
                wait_until(ready, timeout, what=f"{argv[0]} at {ready_url}")
            except TimeoutError:
                self.stop()
                raise
            if self.proc.poll() is not None:
                raise RuntimeError(f"{argv} exited with {self.proc.returncode} before it was ready"
                                   + self._tail())

    @property
    def pid(self):
        return self.proc.pid

    def output(self):
        """What the process logged so far ("" without a log file)."""
        if not self.log_path:
            return ""
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def _tail(self):
        return "\n" + self.output()[-4000:] if self.log_path else ""

    def signal(self, sig):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)

    def wait(self, timeout=10.0):
        return self.proc.wait(timeout=timeout)

    def stop(self, timeout=10.0):
        """SIGTERM, wait up to timeout, then SIGKILL. Returns the exit code."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=timeout)
        if self._log is not subprocess.DEVNULL:
            self._log.close()
            self._log = subprocess.DEVNULL
        return self.proc.returncode

    def kill(self):
        """SIGKILL now (a crash), and reap."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        return self.proc.wait(timeout=10.0)
