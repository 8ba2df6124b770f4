"""A Google service account for tests: an RSA key pair made with openssl, the key file as the console hands
it out (its token_uri pointed at cloud-sim), and the public key registered at cloud-sim's control endpoint."""
import json
import subprocess
import urllib.request

EMAIL = "vaultkeeper-backup@cloud-sim-project.iam.gserviceaccount.com"


def service_account(tmp_path, sim_url, email=EMAIL, register=True):
    """Writes tmp_path/<name>.json and returns its path."""
    private = tmp_path / "sa-private.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                    str(private)], check=True, capture_output=True, timeout=30)
    public = subprocess.run(["openssl", "pkey", "-in", str(private), "-pubout"], check=True, capture_output=True,
                            text=True, timeout=30).stdout
    key = {"type": "service_account", "project_id": "cloud-sim-project", "private_key_id": "0123456789abcdef",
           "private_key": private.read_text(), "client_email": email, "client_id": "1000000000000000000001",
           "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": f"{sim_url}/token"}
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(key))
    private.unlink()
    if register:
        req = urllib.request.Request(f"{sim_url}/_sim/cloud/gcp/keys", method="POST",
                                     data=json.dumps({"client_email": email, "public_key_pem": public}).encode())
        urllib.request.urlopen(req, timeout=5).read()
    return path
