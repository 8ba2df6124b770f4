"""Throw-away certificates made with the openssl CLI: a CA, and server or client certificates it signs with the
subject and subject alternative names a test needs."""
import os
import subprocess

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


class Authority:
    """A CA in `directory`; `issue()` signs certificates with it."""

    def __init__(self, directory, name="Test CA"):
        self.dir = str(directory)
        self.crt = os.path.join(self.dir, f"{name.replace(' ', '_')}.crt")
        self.key = os.path.join(self.dir, f"{name.replace(' ', '_')}.key")
        _openssl("req", "-x509", *_EC, "-days", "2", "-subj", f"/CN={name}", "-keyout", self.key, "-out", self.crt)

    def issue(self, name, subject, sans=(), usage="clientAuth"):
        """(certificate, key) paths for `subject` ("/O=Example/CN=ops") with `sans` ("email:a@b", "DNS:x",
        "URI:spiffe://x", "IP:127.0.0.1")."""
        crt, key, csr = (os.path.join(self.dir, f"{name}.{ext}") for ext in ("crt", "key", "csr"))
        ext = os.path.join(self.dir, f"{name}.ext")
        with open(ext, "w") as f:
            if sans:
                f.write("subjectAltName=" + ",".join(sans) + "\n")
            f.write(f"extendedKeyUsage={usage}\n")
        _openssl("req", *_EC, "-subj", subject, "-keyout", key, "-out", csr)
        _openssl("x509", "-req", "-in", csr, "-CA", self.crt, "-CAkey", self.key, "-CAcreateserial", "-days", "2",
                 "-extfile", ext, "-out", crt)
        return crt, key
