"""k8s-sim as a real process for tests: TLS with a throw-away certificate (openssl CLI), the bearer token in a
file, a free loopback port, stopped by PID. Used by the conformance test (python3-kubernetes) and by any test
that needs a Kubernetes Secrets or Leases API (the keeper's kubernetes store, HA leases).
"""
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import urllib.request

import vkproc

TOKEN = "k8s-sim-test-token"


def api_client(sim, token=TOKEN, ca=None):
    """A python3-kubernetes ApiClient for the sim: TLS verified against `ca` (default: the sim's certificate),
    the bearer token unless token is None, no retries."""
    from kubernetes import client
    cfg = client.Configuration()
    cfg.host = sim.url
    cfg.ssl_ca_cert = ca or sim.cert
    if token is not None:
        cfg.api_key = {"authorization": token}
        cfg.api_key_prefix = {"authorization": "Bearer"}
    cfg.retries = False
    return client.ApiClient(cfg)


def make_certificate(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=30)
    return cert, key


class K8sSim:
    """One k8s-sim process over TLS on a free loopback port (stopped by PID); restartable on the same port."""

    def __init__(self, data_dir=None):
        self.dir = tempfile.mkdtemp(prefix="k8s-sim-")
        self.cert, self.key = make_certificate(self.dir)
        self.token_file = os.path.join(self.dir, "token")
        with open(self.token_file, "w") as f:
            f.write(TOKEN + "\n")
        self.data_dir = data_dir
        self.port = vkproc.free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.proc = None
        self.start()

    def start(self):
        argv = [vkproc.binary("k8s-sim"), "--listen", f"127.0.0.1:{self.port}", "--token-file", self.token_file,
                "--tls-cert", self.cert, "--tls-key", self.key]
        if self.data_dir:
            argv += ["--data-dir", self.data_dir]
        self.proc = vkproc.Process(argv, log_path=os.path.join(self.dir, "sim.log"))
        vkproc.wait_until(self._listening, timeout=10, what="k8s-sim listening")

    def _listening(self):
        if self.proc.proc.poll() is not None:
            raise RuntimeError("k8s-sim exited: " + self.proc._tail())
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self):
        if self.proc:
            self.proc.stop()
            self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def rotate_token(self, token):
        """As the kubelet rotates a projected token: the file gets the new one and only it is accepted."""
        with open(self.token_file, "w") as f:
            f.write(token + "\n")
        self.control("POST", "/_sim/k8s/token", {"token": token})

    def control(self, method, path, body=None):
        """A /_sim/ control call over TLS (no token needed); returns the decoded JSON answer."""
        ctx = ssl.create_default_context(cafile=self.cert)
        req = urllib.request.Request(self.url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(req, context=ctx, timeout=5) as r:
            return json.loads(r.read() or b"null")
