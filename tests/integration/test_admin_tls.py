"""admin.tls: the admin API speaks HTTPS with the configured certificate, and refuses plain HTTP."""
import json
import shutil
import signal
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

import vkproc
from vkdaemon import ADMIN_TOKEN, Daemon


def make_cert(d, name="admin"):
    crt, key = d / f"{name}.crt", d / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True, timeout=60)
    return str(crt), str(key)


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("tls"))


def test_admin_api_over_tls(cert):
    crt, key = cert
    d = TlsDaemon(crt, key)
    try:
        ctx = ssl.create_default_context(cafile=crt)
        req = urllib.request.Request(f"https://127.0.0.1:{d.port}/v1/jobs",
                                     headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            assert r.status == 200 and json.load(r) == {"jobs": []}
        # An untrusting client fails the handshake.
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"https://127.0.0.1:{d.port}/v1/health", context=ssl.create_default_context(),
                                   timeout=10)
        # Plain HTTP on the TLS port gets no HTTP answer.
        assert not _plain_http_answers(d.port)
    finally:
        assert d.stop() == 0


def _plain_http_answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=5) as r:
            return r.status == 200
    except Exception:
        return False


class TlsDaemon(Daemon):
    def __init__(self, crt, key):
        self.tls = {"cert_file": crt, "key_file": key}
        super().__init__({"jobs": []}, wait_ready=False)
        ctx = ssl.create_default_context(cafile=crt)

        def up():
            try:
                with urllib.request.urlopen(f"https://127.0.0.1:{self.port}/v1/health", context=ctx, timeout=1):
                    return True
            except Exception:
                return False
        vkproc.wait_until(up, 15, what="vaultkeeper over TLS")

    def write_config(self, config):
        super().write_config(config)
        with open(self.config_path) as f:
            full = json.load(f)
        full["admin"]["tls"] = self.tls
        with open(self.config_path, "w") as f:
            json.dump(full, f)


def _tls_get(port, cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    req = urllib.request.Request(f"https://127.0.0.1:{port}/v1/jobs", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
        return r.status


def test_sighup_serves_a_renewed_certificate_from_the_same_files(tmp_path):
    """Issue 15, "SIGHUP must pick up rotated secret files (tokens, keys, TLS certificates)"."""
    crt, key = make_cert(tmp_path)
    first = str(tmp_path / "first.crt")
    shutil.copy(crt, first)
    renewed_crt, renewed_key = make_cert(tmp_path, "renewed")
    d = TlsDaemon(crt, key)
    try:
        assert _tls_get(d.port, first) == 200
        shutil.copy(renewed_crt, crt)  # a renewal: same paths, new contents
        shutil.copy(renewed_key, key)
        d.proc.signal(signal.SIGHUP)
        vkproc.wait_until(lambda: "admin TLS certificate reloaded" in d.log(), 15, what="certificate reload")
        assert _tls_get(d.port, renewed_crt) == 200
        with pytest.raises(urllib.error.URLError):
            _tls_get(d.port, first)
    finally:
        assert d.stop() == 0

