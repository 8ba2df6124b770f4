"""Human custodians for keeper tests: an OpenPGP key pair made by GnuPG from Debian in a private GNUPGHOME
(no passphrase), its public key exported as ASCII armour for the config, and decryption of the share the
keeper hands out (base64 of Vault's binary OpenPGP message; the plaintext is the share's hex)."""
import base64
import os
import subprocess
import tempfile


class Custodian:
    def __init__(self, name, parent):
        self.name = name
        self.home = tempfile.mkdtemp(prefix=f"gpg-{name}-", dir=parent)
        os.chmod(self.home, 0o700)
        self.gpg("--passphrase", "", "--quick-gen-key", f"{name} <{name}@example.invalid>", "future-default",
                 "default", "never")
        self.key_file = os.path.join(parent, f"{name}.asc")
        with open(self.key_file, "wb") as f:
            f.write(self.gpg("--armor", "--export").stdout)
        self.fingerprint = next(line.split(":")[9] for line in
                                self.gpg("--with-colons", "--list-keys").stdout.decode().splitlines()
                                if line.startswith("fpr:"))

    def gpg(self, *args, data=None, check=True):
        return subprocess.run(["gpg", "--homedir", self.home, "--batch", "--quiet", "--no-tty", *args],
                              input=data, capture_output=True, check=check, timeout=60)

    def decrypt(self, message_b64):
        """The share (base64, as Vault's keys_base64) in the message, or None when this key cannot open it."""
        r = self.gpg("--decrypt", data=base64.b64decode(message_b64), check=False)
        if r.returncode != 0:
            return None
        return base64.b64encode(bytes.fromhex(r.stdout.decode().strip())).decode()

    def close(self):
        subprocess.run(["gpgconf", "--homedir", self.home, "--kill", "gpg-agent"], capture_output=True, timeout=30)
