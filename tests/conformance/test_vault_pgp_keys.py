"""vault-sim's pgp_keys on sys/init, driven by hvac: every share comes back encrypted to the OpenPGP key at its
index (base64 of a binary message, as Vault's), decrypts with GnuPG to the share's hex, and unseals; a count
that does not match secret_shares is Vault's error and leaves the node uninitialised."""
import base64
import os
import subprocess
import tempfile

import hvac
import pytest

from fixtures_vault import vault_sealed  # noqa: F401


class GnuPG:
    """A throw-away GNUPGHOME holding one key per person (no passphrase)."""

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="vk-gpg-")
        os.chmod(self.home, 0o700)

    def gpg(self, *args, data=None):
        return subprocess.run(["gpg", "--homedir", self.home, "--batch", "--quiet", "--no-tty", *args],
                              input=data, capture_output=True, check=True, timeout=60).stdout

    def new_key(self, name):
        """The base64 of `name`'s binary public key: what pgp_keys takes."""
        self.gpg("--passphrase", "", "--quick-gen-key", f"{name} <{name}@example.test>", "default", "default",
                 "never")
        return base64.b64encode(self.gpg("--export", f"{name}@example.test")).decode()

    def fingerprint(self, name):
        """`name`'s primary key fingerprint as gpg lists it (upper-case hex)."""
        listing = self.gpg("--with-colons", "--fingerprint", f"{name}@example.test").decode()
        return next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))

    def decrypt(self, b64):
        return self.gpg("--decrypt", data=base64.b64decode(b64)).decode()

    def close(self):
        subprocess.run(["gpgconf", "--homedir", self.home, "--kill", "all"], capture_output=True, timeout=30)
        subprocess.run(["rm", "-rf", self.home], timeout=30)


@pytest.fixture
def gnupg():
    g = GnuPG()
    yield g
    g.close()


def test_init_encrypts_each_share_to_its_key_and_the_decrypted_shares_unseal(vault_sealed, gnupg):
    keys = [gnupg.new_key(n) for n in ("alice", "bob", "carol")]
    client = vault_sealed.client()
    result = client.sys.initialize(secret_shares=3, secret_threshold=2, pgp_keys=keys)
    assert len(result["keys_base64"]) == 3
    assert all(bytes.fromhex(h) == base64.b64decode(b) for h, b in zip(result["keys"], result["keys_base64"]))
    shares = [gnupg.decrypt(b) for b in result["keys_base64"]]
    assert all(len(s) == 66 and bytes.fromhex(s) for s in shares), shares  # each share's hex, as Vault's
    assert len(set(shares)) == 3
    assert client.sys.submit_unseal_key(shares[2])["sealed"] is True
    assert client.sys.submit_unseal_key(shares[0])["sealed"] is False


def test_a_pgp_key_count_other_than_the_shares_or_a_bad_key_is_refused(vault_sealed, gnupg):
    # hvac checks the count itself; the raw request shows Vault's answer.
    r = vault_sealed.raw("PUT", "/v1/sys/init",
                         body={"secret_shares": 3, "secret_threshold": 2, "pgp_keys": [gnupg.new_key("alice")]})
    assert (r.status, r.json()) == (400, {"errors": [
        "count mismatch between number of provided PGP keys and number of shares"]})
    client = vault_sealed.client()
    with pytest.raises(hvac.exceptions.InvalidRequest):
        client.sys.initialize(secret_shares=1, secret_threshold=1, pgp_keys=[base64.b64encode(b"no key").decode()])
    assert client.sys.is_initialized() is False


def test_rekey_encrypts_the_new_shares_and_they_verify_and_unseal(vault_sealed, gnupg):
    init = vault_sealed.init_and_unseal(3, 2)
    old = init["keys"]
    keys = [gnupg.new_key(n) for n in ("alice", "bob", "carol")]
    client = vault_sealed.client()
    assert client.sys.read_rekey_progress()["pgp_fingerprints"] is None, "no rekey: null, as Vault's"
    nonce = client.sys.start_rekey(secret_shares=3, secret_threshold=2, pgp_keys=keys,
                                   require_verification=True)["nonce"]
    # Vault announces the keys' fingerprints, in order and in lower case, while the rekey runs and when done.
    fingerprints = [gnupg.fingerprint(n).lower() for n in ("alice", "bob", "carol")]
    assert client.sys.read_rekey_progress()["pgp_fingerprints"] == fingerprints
    done = client.sys.rekey_multi(old[:2], nonce=nonce)
    assert done["complete"] is True and len(done["keys_base64"]) == 3
    assert done["pgp_fingerprints"] == fingerprints
    shares = [gnupg.decrypt(b) for b in done["keys_base64"]]
    assert all(len(s) == 66 for s in shares), shares
    for s in shares[1:]:
        r = vault_sealed.raw("PUT", "/v1/sys/rekey/verify", body={"key": s, "nonce": done["verification_nonce"]})
        assert r.status == 200, r.body
    assert r.json()["complete"] is True
    vault_sealed.client(token=init["root_token"]).sys.seal()
    with pytest.raises(hvac.exceptions.InvalidRequest):
        client.sys.submit_unseal_keys(old[:2])
    client.sys.submit_unseal_key(reset=True)
    assert client.sys.submit_unseal_keys(shares[:2])["sealed"] is False
