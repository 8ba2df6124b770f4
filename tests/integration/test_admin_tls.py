"""admin.tls: the admin API speaks HTTPS with the configured certificate, and refuses plain HTTP."""
import json
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

import vkproc
from vkdaemon import ADMIN_TOKEN, Daemon


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    crt, key = d / "admin.crt", d / "admin.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True, timeout=60)
    return str(crt), str(key)


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
