"""Issue 21, client certificates: with admin.tls.client_ca_file the admin listener verifies the certificate a
client presents and maps it to a token entry by SAN or subject; require_client_cert refuses bearer tokens."""
import http.client
import json
import ssl

import pytest

import vkproc
from tlscerts import Authority
from vkdaemon import ADMIN_TOKEN, Daemon

GRAFANA_TOKEN = "grafana-read-token-0000"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("mtls")
    server_ca = Authority(d / "", "Server CA")
    clients = Authority(d / "", "Clients CA")
    other = Authority(d / "", "Other CA")
    return {
        "server_ca": server_ca.crt,
        "server": server_ca.issue("server", "/CN=127.0.0.1", ["IP:127.0.0.1"], usage="serverAuth"),
        "clients_ca": clients.crt,
        "deployer": clients.issue("deployer", "/CN=deploy-bot", ["email:deploy@ops.example"]),
        "runner": clients.issue("runner", "/CN=runner", ["DNS:Runner-7.CI.example", "URI:spiffe://ex/ci"]),
        "ops": clients.issue("ops", "/O=Example/CN=ops"),
        "stranger": clients.issue("stranger", "/CN=stranger", ["email:someone@else.example"]),
        # The right SAN, signed by a CA the daemon does not trust.
        "forged": other.issue("forged", "/CN=deploy-bot", ["email:deploy@ops.example"]),
    }


def tokens():
    return [
        {"name": "deployer", "client_cert": {"san": "email:deploy@ops.example"}, "scopes": ["read", "operate"]},
        {"name": "ci", "client_cert": {"san": "dns:*.ci.example"}, "scopes": ["read"]},
        {"name": "ops", "client_cert": {"subject": "CN=ops,O=Example"}, "scopes": ["*"]},
        {"name": "grafana", "token": GRAFANA_TOKEN, "scopes": ["read"]},
    ]


class MtlsDaemon(Daemon):
    def __init__(self, pki, tmp_path, require=False):
        crt, key = pki["server"]
        self.pki = pki
        self.tls = {"cert_file": crt, "key_file": key, "client_ca_file": pki["clients_ca"]}
        if require:
            self.tls["require_client_cert"] = True
        self.audit = str(tmp_path / "audit.log")
        self.require = require
        super().__init__({"jobs": [], "admin": {"tokens": tokens()}, "audit": {"file": self.audit}},
                         wait_ready=False)
        vkproc.wait_until(lambda: self.answers("ops"), 15, what="vaultkeeper over mTLS")

    def write_config(self, config):
        super().write_config(config)
        with open(self.config_path) as f:
            full = json.load(f)
        full["admin"]["tls"] = self.tls
        if self.require:
            del full["admin"]["token"]  # a bearer token; require_client_cert refuses it
        with open(self.config_path, "w") as f:
            json.dump(full, f)

    def https(self, method, path, cert=None, token=None, body=None):
        """(status, parsed JSON) over HTTPS, presenting the named client certificate (or none)."""
        ctx = ssl.create_default_context(cafile=self.pki["server_ca"])
        if cert:
            ctx.load_cert_chain(*self.pki[cert])
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx, timeout=10)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            r = conn.getresponse()
            text = r.read().decode()
            is_json = r.getheader("Content-Type", "").startswith("application/json")
            return r.status, (json.loads(text) if text and is_json else text)
        finally:
            conn.close()

    def answers(self, cert):
        try:
            return self.https("GET", "/v1/health", cert=cert)[0] == 200
        except OSError:
            return False


def handshake_refused(d, cert):
    try:
        d.https("GET", "/v1/health", cert=cert)
    except (ssl.SSLError, ConnectionError):
        return True
    return False


def test_a_certificate_maps_to_its_entry_by_san_or_subject(pki, tmp_path):
    d = MtlsDaemon(pki, tmp_path)
    try:
        status, me = d.https("GET", "/v1/whoami", cert="deployer")
        assert status == 200, me
        assert me["name"] == "deployer" and me["credential"] == "client_certificate"
        assert me["scopes"] == ["read", "operate"]
        assert d.https("GET", "/v1/whoami", cert="runner")[1]["name"] == "ci"  # a DNS glob, in any case
        assert d.https("GET", "/v1/whoami", cert="ops")[1]["name"] == "ops"  # the subject
        # Scopes hold as for a token: operate yes, restore no (403 naming the scope).
        assert d.https("PUT", "/v1/log-level", cert="deployer", body={"level": "info"})[0] == 200
        status, err = d.https("POST", "/v1/snapshot/backup/restore", cert="deployer", body={"name": "x"})
        assert status == 403 and "restore" in err["error"]["message"]
        # The change made with a certificate is audited under its entry's name, saying how it was identified.
        lines = [json.loads(x) for x in open(d.audit)]
        req = next(x for x in lines if x["event"] == "request" and x["route"] == "/v1/log-level")
        assert req["token"] == "deployer" and req["credential"] == "client_certificate"
    finally:
        assert d.stop() == 0


def test_bearer_tokens_still_work_and_identify_first(pki, tmp_path):
    d = MtlsDaemon(pki, tmp_path)
    try:
        status, me = d.https("GET", "/v1/whoami", token=GRAFANA_TOKEN)  # no certificate at all
        assert status == 200 and me["name"] == "grafana" and me["credential"] == "token"
        assert d.https("GET", "/v1/whoami", cert="ops", token=GRAFANA_TOKEN)[1]["name"] == "grafana"
        assert d.https("GET", "/v1/whoami", cert="ops", token="not-a-token-at-all")[0] == 401
        assert d.https("GET", "/v1/whoami")[0] == 401
    finally:
        assert d.stop() == 0


def test_an_unmapped_certificate_is_401_and_an_untrusted_one_fails_the_handshake(pki, tmp_path):
    d = MtlsDaemon(pki, tmp_path)
    try:
        status, err = d.https("GET", "/v1/jobs", cert="stranger")
        assert status == 401 and "certificate" in err["error"]["message"]
        assert d.https("GET", "/v1/jobs", cert="stranger", token=ADMIN_TOKEN)[0] == 200
        assert handshake_refused(d, "forged")
        metrics = d.https("GET", "/metrics", cert="ops")[1]
        assert 'reason="unknown_certificate"' in metrics
    finally:
        assert d.stop() == 0


def test_require_client_cert_refuses_bearer_tokens(pki, tmp_path):
    d = MtlsDaemon(pki, tmp_path, require=True)
    try:
        assert handshake_refused(d, None), "a client without a certificate is refused at the handshake"
        assert handshake_refused(d, "forged")
        # The certificate is the only credential: a bearer token beside an unmapped one does not help...
        status, err = d.https("GET", "/v1/jobs", cert="stranger", token=GRAFANA_TOKEN)
        assert status == 401
        # ...and beside a mapped one it is ignored.
        status, me = d.https("GET", "/v1/whoami", cert="deployer", token=GRAFANA_TOKEN)
        assert status == 200 and me["name"] == "deployer"
    finally:
        assert d.stop() == 0
