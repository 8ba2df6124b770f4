"""JWTs signed with throw-away keys made by the openssl CLI (RS256 with RSA 2048, ES256 with P-256), for the
tests of Vault's JWT auth method: `Issuer(directory, "ES256").mint({"sub": ...})`."""
import base64
import json
import os
import subprocess
import time


def _openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True, timeout=60).stdout


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _der_ints(der):
    """The two INTEGERs of a DER ECDSA-Sig-Value (SEQUENCE of r, s; short lengths only, as for P-256)."""
    assert der[0] == 0x30
    pos, out = 2, []
    for _ in range(2):
        assert der[pos] == 0x02
        n = der[pos + 1]
        out.append(int.from_bytes(der[pos + 2:pos + 2 + n], "big"))
        pos += 2 + n
    return out


class Issuer:
    """A signing key in `directory`; `public_pem` is what Vault's jwt_validation_pubkeys takes."""

    def __init__(self, directory, alg="RS256", name="issuer"):
        self.alg = alg
        self.key = os.path.join(str(directory), f"{name}-{alg}.key")
        if alg == "ES256":
            _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", self.key)
        else:
            _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", self.key)
        self.public_pem = _openssl("pkey", "-in", self.key, "-pubout").decode()

    def mint(self, claims, ttl=600):
        """The compact JWS of `claims`, with iat now and exp now + ttl unless the claims set them."""
        now = int(time.time())
        body = {"iat": now, "exp": now + ttl, **claims}
        header = {"alg": self.alg, "typ": "JWT"}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(body).encode())}"
        sig = _openssl("dgst", "-sha256", "-sign", self.key, data=signing_input.encode())
        if self.alg == "ES256":
            r, s = _der_ints(sig)
            sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return f"{signing_input}.{_b64url(sig)}"
