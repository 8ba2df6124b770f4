"""emissary pkiCert end to end against vault-sim's PKI engine: the file holds a certificate for the asked
common name, signed by the sim's CA, with its key and the CA; a short certificate is re-issued at ~2/3 of
what is left of it (a new serial on disk, the command ran) and never on `refresh`; a restart with a still
valid certificate on disk issues nothing (the sim's LIST pki/certs counts what was issued), one past its
renewal point is replaced at once; the private key never reaches the log."""
import json
import os
import subprocess
import tempfile
import time

import vkproc
from test_emissary import ROOT, call, emissary_status, job, sims  # noqa: F401  (sims: fixture)
from vkdaemon import Daemon


def setup_pki(s):
    for method, path, body in [
        ("POST", "sys/mounts/pki", {"type": "pki"}),
        ("POST", "pki/root/generate/internal", {"common_name": "vault-sim root", "ttl": "720h"}),
        ("POST", "pki/roles/web", {"allowed_domains": ["example.com"], "allow_subdomains": True,
                                   "max_ttl": "72h"}),
    ]:
        status, answer = call(method, f"{s.vault_addr}/v1/{path}", body, token=ROOT)
        assert status in (200, 204), answer


def issued(s):
    """How many certificates the sim's PKI mount has issued."""
    status, answer = call("LIST", f"{s.vault_addr}/v1/pki/certs", token=ROOT)
    if status == 404:
        return 0
    assert status == 200, answer
    return len(json.loads(answer)["data"]["keys"])


def read(path):
    return open(path).read() if os.path.exists(path) else None


def openssl(*args, stdin=None):
    r = subprocess.run(["openssl", *args], input=stdin, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def pem_blocks(text):
    blocks, current = [], None
    for line in text.splitlines():
        if line.startswith("-----BEGIN "):
            current = [line]
        elif current is not None:
            current.append(line)
            if line.startswith("-----END "):
                blocks.append("\n".join(current) + "\n")
                current = None
    return blocks


def serial_of(path):
    text = read(path)
    if not text or "BEGIN CERTIFICATE" not in text:
        return None
    return openssl("x509", "-noout", "-serial", stdin=pem_blocks(text)[0]).strip()


TEMPLATE = ('{{ with pkiCert "vault" "pki/issue/web" "common_name=web.example.com" "ttl=%s" }}'
            '{{ .Cert }}\n{{ .Key }}\n{{ .CA }}\n{{ end }}')


def test_issues_a_certificate_and_reuses_it_across_a_restart(sims, tmp_path):
    setup_pki(sims)
    dest, runs = str(tmp_path / "web.pem"), str(tmp_path / "runs")
    config = sims.config([job("tls", TEMPLATE % "1h", dest, f"echo run >> {runs}", refresh="200ms")])
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: read(runs) == "run\n", 15, what="certificate written and command run")
    finally:
        d.stop()
    cert, key, ca = pem_blocks(read(dest))
    assert "PRIVATE KEY" in key and os.stat(dest).st_mode & 0o777 == 0o600
    (tmp_path / "ca.pem").write_text(ca)
    (tmp_path / "leaf.pem").write_text(cert)
    assert openssl("verify", "-CAfile", str(tmp_path / "ca.pem"), str(tmp_path / "leaf.pem")).strip().endswith(
        ": OK")
    assert "CN = web.example.com" in openssl("x509", "-noout", "-subject", stdin=cert)
    assert openssl("pkey", "-pubout", stdin=key) == openssl("x509", "-pubkey", "-noout", stdin=cert)
    assert issued(sims) == 1
    key_line = key.splitlines()[1]
    assert key_line not in d.log(), "the private key in the log"
    before = read(dest)

    # A restart finds the certificate valid beyond its renewal point at the destination: no new one.
    d2 = Daemon(config)
    try:
        vkproc.wait_until(lambda: emissary_status(d2, "tls")["templates"][0]["state"] == "rendered", 15,
                          what="rendered after the restart")
        assert issued(sims) == 1
        assert read(dest) == before
        assert read(runs) == "run\n"  # the file did not change: the command did not run again
    finally:
        d2.stop()
    assert key_line not in d2.log()
    assert "pkiCert: certificate issued" in d.log()
    assert "pkiCert: reusing the certificate found at its destination" in d2.log()
    assert "pkiCert: certificate issued" not in d2.log()


def test_a_short_certificate_is_reissued_at_two_thirds_of_its_life_not_on_refresh(sims, tmp_path):
    setup_pki(sims)
    dest, runs = str(tmp_path / "web.pem"), str(tmp_path / "runs")
    # refresh 200ms: other values are polled that often; the certificate is not re-issued by it.
    d = Daemon(sims.config([job("tls", TEMPLATE % "6s", dest, f"echo run >> {runs}", refresh="200ms")]))
    try:
        first = vkproc.wait_until(lambda: serial_of(dest), 15, what="first certificate")
        seen = time.monotonic()
        assert issued(sims) == 1
        # Vault backdates notBefore by 30 s: the re-issue comes at 2/3 of the 6 s left (~3.4-4 s), once.
        second = vkproc.wait_until(lambda: (s := serial_of(dest)) != first and s, 12, interval=0.05,
                                   what="the certificate re-issued")
        elapsed = time.monotonic() - seen
        assert 3.0 <= elapsed <= 6.0, elapsed
        assert second != first
        vkproc.wait_until(lambda: read(runs) == "run\nrun\n", 5, what="the command ran for the new certificate")
        assert issued(sims) == 2
    finally:
        d.stop()
    assert pem_blocks(read(dest))[1].splitlines()[1] not in d.log(), "the private key in the log"
    # What is on disk is past its renewal point (the 30 s backdate): a restart issues a new one at once.
    on_disk = serial_of(dest)
    d2 = Daemon(sims.config([job("tls", TEMPLATE % "6s", dest, f"echo run >> {runs}", refresh="200ms")]))
    try:
        vkproc.wait_until(lambda: serial_of(dest) != on_disk, 3, interval=0.05, what="a new certificate")
        assert issued(sims) == 3
    finally:
        d2.stop()


def test_a_certificate_split_over_two_files_is_reused_after_a_restart(sims, tmp_path):
    setup_pki(sims)
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    call_ = '{{ with pkiCert "vault" "pki/issue/web" "ttl=1h" "common_name=api.example.com" }}'
    templates = [{"contents": call_ + '{{ .Cert }}\n{{ .CA }}\n{{ end }}', "destination": cert},
                 {"contents": call_ + '{{ .Key }}\n{{ end }}', "destination": key}]
    config = sims.config([job("split", "", cert, templates=templates)])
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: read(cert) and read(key), 15, what="both files written")
        assert issued(sims) == 1  # both templates share one certificate
    finally:
        d.stop()
    before = (read(cert), read(key))
    leaf = pem_blocks(before[0])[0]
    assert openssl("pkey", "-pubout", stdin=before[1]) == openssl("x509", "-pubkey", "-noout", stdin=leaf)
    d2 = Daemon(config)
    try:
        vkproc.wait_until(lambda: all(t["state"] == "rendered" for t in emissary_status(d2, "split")["templates"]),
                          15, what="both rendered after the restart")
        assert issued(sims) == 1
        assert (read(cert), read(key)) == before
    finally:
        d2.stop()
