"""A vault whose auth is Vault's JWT method (issue 25), end to end against vault-sim: an emissary job logs in with
the JWT in token_file and renders its secret; the token file is replaced (a rotated projected service-account
token, another subject) and the next login (the role's tokens die after 3 s) uses the new one; a JWT vault-sim
refuses shows in the job's status naming the auth path and the role; no JWT text reaches the log or the API."""
import json
import os
import tempfile

import pytest

import jwtmint
import vkproc
from test_cli import run, write
from test_emissary import ROOT, call
from vkdaemon import Daemon

ISSUER = "https://kubernetes.default.svc"
PW = "jwt-guarded-Pa55word-31"
# A KV v1 secret, read again every `refresh` (1 s) by the job's cycle (KV v2 values are version-checked by a
# shared hub instead), so a failed login shows in the job's last cycle within a second.
TEMPLATE = '{{ secret "vault" "kv1/app" "pw" }}\n'


class VaultOnly:
    """A dev-mode vault-sim (the job needs no Consul)."""

    def __init__(self):
        port = vkproc.free_port()
        self.vault_addr = f"http://127.0.0.1:{port}"
        self.proc = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{port}",
                                    "--dev-root-token", ROOT], ready_url=f"{self.vault_addr}/v1/sys/health")


@pytest.fixture
def sims():
    s = VaultOnly()
    yield s
    s.proc.stop()


def vault(sims, method, path, body=None):
    status, text = call(method, f"{sims.vault_addr}/v1/{path}", body, token=ROOT)
    assert status in (200, 204), (path, text)
    return json.loads(text) if status == 200 and text else None


def jwt_auth(sims, issuer):
    """Mounts jwt at auth/jwt with the issuer's key, and role "app" whose tokens live 3 s."""
    vault(sims, "POST", "sys/auth/jwt", {"type": "jwt"})
    vault(sims, "PUT", "sys/policy/app", {"policy": 'path "kv1/app" { capabilities = ["read"] }'})
    vault(sims, "POST", "auth/jwt/config", {"jwt_validation_pubkeys": [issuer.public_pem], "bound_issuer": ISSUER})
    vault(sims, "POST", "auth/jwt/role/app", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": ["vault"],
                                              "token_policies": ["app"], "token_ttl": "3s",
                                              "token_explicit_max_ttl": "3s"})


def service_account_jwt(issuer, name):
    return issuer.mint({"iss": ISSUER, "aud": ["vault"], "sub": f"system:serviceaccount:apps:{name}"})


def rotate(path, jwt):
    """Replaces the file the way the kubelet does: a new file renamed over the old one."""
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write(jwt + "\n")
    os.replace(tmp, path)


def logged_in_subjects(sims):
    """The display names of the live tokens issued by auth/jwt/login."""
    keys = vault(sims, "LIST", "auth/token/accessors")["data"]["keys"]
    names = set()
    for accessor in keys:
        status, text = call("POST", f"{sims.vault_addr}/v1/auth/token/lookup-accessor", {"accessor": accessor},
                            token=ROOT)
        if status == 200:
            data = json.loads(text)["data"]
            if data["path"] == "auth/jwt/login":
                names.add(data["display_name"])
    return names


def emissary_job(dest):
    return {"name": "app", "kind": "emissary", "interval": "1s", "timeout": "10s",
            "sources": {"vault": {"type": "vault", "vault": "v", "kv_version": 1}},
            "templates": [{"contents": TEMPLATE, "destination": dest}],
            "refresh": "1s", "retry": {"initial": "100ms", "max": "300ms"}}


def test_jwt_login_follows_the_token_file_and_refusals_name_path_and_role(sims):
    tmp = tempfile.mkdtemp(prefix="vk-jwt-")
    issuer, stranger = jwtmint.Issuer(tmp, "ES256"), jwtmint.Issuer(tmp, "RS256", name="stranger")
    jwt_auth(sims, issuer)
    vault(sims, "POST", "sys/mounts/kv1", {"type": "kv"})
    vault(sims, "POST", "kv1/app", {"pw": PW})
    token_file, dest = os.path.join(tmp, "tokens", "vault"), os.path.join(tmp, "app.conf")
    os.makedirs(os.path.dirname(token_file))
    jwts = [service_account_jwt(issuer, "web-1"), service_account_jwt(issuer, "web-2"),
            service_account_jwt(stranger, "web-3")]
    rotate(token_file, jwts[0])
    config = {"log": {"level": "info"}, "jobs": [emissary_job(dest)],
              "vaults": {"v": {"address": sims.vault_addr,
                               "auth": {"method": "jwt", "role": "app", "token_file": token_file}}}}
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: os.path.exists(dest) and open(dest).read().strip() == PW, 10,
                          what="the secret rendered through the jwt login")
        assert "jwt-system:serviceaccount:apps:web-1" in logged_in_subjects(sims)
        # The rotated file is read by the next login (the 3 s token cannot outlive its max TTL).
        rotate(token_file, jwts[1])
        vkproc.wait_until(lambda: "jwt-system:serviceaccount:apps:web-2" in logged_in_subjects(sims), 15,
                          what="a login with the rotated JWT")
        # A JWT signed by a key vault-sim does not know: the job's status says which login failed.
        rotate(token_file, jwts[2])
        want = 'vault jwt login as role "app" at auth/jwt failed'
        job = d.wait_job("app", lambda j: want in (j["last_cycle"]["error"] or ""), timeout=15,
                         what="the refused login in the status")
        assert "no known key successfully validated the token signature" in job["last_cycle"]["error"]
        assert "path auth/jwt/login" in job["last_cycle"]["error"]
        answers = [json.dumps(d.job("app"))]
        for path in ("/v1/jobs", "/v1/emissary/app/status", "/v1/jobs/app/cycles"):
            status, body, _ = d.call("GET", path)
            assert status == 200, (path, body)
            answers.append(json.dumps(body))
        for jwt in jwts:
            signature = jwt.rsplit(".", 1)[1]
            assert signature not in d.log()
            assert all(signature not in a for a in answers)
            assert all(jwt.split(".")[1] not in a for a in answers + [d.log()])
    finally:
        d.stop()


def test_check_config_names_the_missing_jwt_fields(tmp_path):
    path = write(tmp_path, {"admin": {"token": "0123456789abcdef"},
                            "vaults": {"v": {"address": "http://127.0.0.1:1", "auth": {"method": "jwt"}}}})
    r = run("--check-config", path)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [f"{path}: /vaults/v/auth/role: missing required field (a string)",
                                     f"{path}: /vaults/v/auth/token_file: missing required field (a string)"], r.stderr
