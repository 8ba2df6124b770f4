"""Leased and generated secrets on vault-sim, driven by Debian's python3-hvac 0.11.2: the database engine's
creds under a lease, sys/leases renew (capped by the role's max TTL) / lookup / revoke / revoke-prefix, leases
dying with their token, and the PKI engine's certificates checked with the openssl CLI.

The sim's clock moves with POST /_sim/vault/advance, so expiry needs no waiting.
"""
import datetime
import re
import subprocess

import hvac
import pytest

from fixtures_vault import DEV_ROOT_TOKEN, vault_dev  # noqa: F401  (pytest fixture)


@pytest.fixture
def client(vault_dev):
    c = vault_dev.client(token=DEV_ROOT_TOKEN)
    c.sys.enable_secrets_engine("database", path="database")
    c.secrets.database.create_role("ro", db_name="pg", creation_statements=["CREATE ROLE \"{{name}}\""],
                                   default_ttl="1h", max_ttl="2h")
    return c


def live_leases(sim):
    return [lease["id"] for lease in sim.control("GET", "leases")["leases"]]


def test_creds_are_leased_and_fresh_each_call(client, vault_dev):
    first = client.secrets.database.generate_credentials("ro")
    second = client.secrets.database.generate_credentials("ro")
    assert first["lease_id"].startswith("database/creds/ro/")
    assert first["lease_duration"] == 3600 and first["renewable"] is True
    assert set(first["data"]) == {"username", "password"}
    assert first["data"] != second["data"]
    assert sorted(live_leases(vault_dev)) == sorted([first["lease_id"], second["lease_id"]])
    role = client.secrets.database.read_role("ro")["data"]
    assert role["default_ttl"] == 3600 and role["max_ttl"] == 7200 and role["db_name"] == "pg"


def test_renew_is_capped_by_the_max_ttl(client, vault_dev):
    lease_id = client.secrets.database.generate_credentials("ro")["lease_id"]
    vault_dev.control("POST", "advance", {"seconds": 3000})
    renewed = client.sys.renew_lease(lease_id, increment=3600)
    assert renewed["lease_id"] == lease_id and renewed["lease_duration"] == 3600
    vault_dev.control("POST", "advance", {"seconds": 3000})
    capped = client.sys.renew_lease(lease_id, increment=3600)
    # 6000 s into a 7200 s max TTL: Vault grants what is left and says so.
    assert 1190 <= capped["lease_duration"] <= 1200
    assert "TTL value is capped accordingly" in capped["warnings"][0]
    lookup = client.sys.read_lease(lease_id)["data"]
    assert lookup["id"] == lease_id and lookup["renewable"] is True
    # ttl counts to expiry against a clock rounded to the second (leaseEntry.ttl), so it may be one less.
    assert 0 <= capped["lease_duration"] - lookup["ttl"] <= 1 and lookup["last_renewal"] is not None
    vault_dev.control("POST", "advance", {"seconds": 1201})
    with pytest.raises(hvac.exceptions.InvalidRequest) as gone:
        client.sys.renew_lease(lease_id)
    assert gone.value.errors == ["lease not found"]
    with pytest.raises(hvac.exceptions.InvalidRequest) as lookup_gone:
        client.sys.read_lease(lease_id)
    assert lookup_gone.value.errors == ["invalid lease"]
    assert live_leases(vault_dev) == []


def test_revoke_and_revoke_prefix(client, vault_dev):
    a, b, c = (client.secrets.database.generate_credentials("ro")["lease_id"] for _ in range(3))
    client.sys.revoke_lease(a)
    with pytest.raises(hvac.exceptions.InvalidRequest) as gone:
        client.sys.renew_lease(a)
    assert gone.value.errors == ["lease not found"]
    assert sorted(live_leases(vault_dev)) == sorted([b, c])
    assert client.sys.list_leases("database/creds/ro")["data"]["keys"] == sorted(
        [b.rsplit("/", 1)[1], c.rsplit("/", 1)[1]])
    client.sys.revoke_prefix("database/creds/ro")
    assert live_leases(vault_dev) == []


def test_leases_die_with_their_token(client, vault_dev):
    client.sys.create_or_update_policy("creds", 'path "database/creds/*" { capabilities = ["read"] }')
    token = client.auth.token.create(policies=["creds"], ttl="10m")["auth"]["client_token"]
    app = vault_dev.client(token=token)
    mine = app.secrets.database.generate_credentials("ro")["lease_id"]
    other = client.secrets.database.generate_credentials("ro")["lease_id"]
    with pytest.raises(hvac.exceptions.Forbidden):
        app.sys.renew_lease(mine)  # the policy grants creds only
    client.auth.token.revoke(token)
    assert live_leases(vault_dev) == [other]


def test_leases_die_when_their_token_expires(client, vault_dev):
    token = client.auth.token.create(policies=["root"], ttl="10m")["auth"]["client_token"]
    vault_dev.client(token=token).secrets.database.generate_credentials("ro")
    assert len(live_leases(vault_dev)) == 1
    vault_dev.control("POST", "advance", {"seconds": 601})
    assert live_leases(vault_dev) == []


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, text=True, timeout=30)


def test_pki_issues_a_certificate_openssl_verifies(vault_dev, tmp_path):
    client = vault_dev.client(token=DEV_ROOT_TOKEN)
    client.sys.enable_secrets_engine("pki", path="pki")
    root = client.secrets.pki.generate_root("internal", "vault-sim root", extra_params={"ttl": "720h"})
    assert root["data"]["certificate"].startswith("-----BEGIN CERTIFICATE-----")
    client.secrets.pki.create_or_update_role(
        "web", extra_params={"allowed_domains": ["example.com"], "allow_subdomains": True, "max_ttl": "72h"})
    issued = client.secrets.pki.generate_certificate(
        "web", "web.example.com", extra_params={"alt_names": "api.example.com", "ip_sans": "127.0.0.1",
                                                "ttl": "100h"})
    assert issued["lease_id"] == "" and issued["renewable"] is False
    data = issued["data"]
    assert data["private_key_type"] == "ec" and data["ca_chain"] == [data["issuing_ca"]]
    assert re.fullmatch(r"([0-9a-f]{2}:){19}[0-9a-f]{2}", data["serial_number"])
    ca_pem = client.secrets.pki.read_ca_certificate()
    assert ca_pem.strip() == data["issuing_ca"].strip()
    (tmp_path / "ca.pem").write_text(ca_pem)
    (tmp_path / "leaf.pem").write_text(data["certificate"])
    verify = openssl("verify", "-CAfile", str(tmp_path / "ca.pem"), str(tmp_path / "leaf.pem"))
    assert verify.returncode == 0 and verify.stdout.strip().endswith(": OK"), verify
    text = openssl("x509", "-in", str(tmp_path / "leaf.pem"), "-noout", "-subject", "-enddate", "-ext",
                   "subjectAltName").stdout
    assert re.search(r"subject=\s*CN\s*=\s*web.example.com", text)
    assert "DNS:web.example.com" in text and "DNS:api.example.com" in text and "IP Address:127.0.0.1" in text
    end = re.search(r"notAfter=(.+ GMT)", text).group(1)
    not_after = datetime.datetime.strptime(end, "%b %d %H:%M:%S %Y GMT").replace(tzinfo=datetime.timezone.utc)
    assert int(not_after.timestamp()) == data["expiration"]
    # 100h asked, the role's max_ttl (72h) granted.
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    assert abs(data["expiration"] - (now + 72 * 3600)) < 60
    key_matches = openssl("pkey", "-pubout", stdin=data["private_key"]).stdout == openssl(
        "x509", "-pubkey", "-noout", stdin=data["certificate"]).stdout
    assert key_matches
    # LIST certs: the serials issued (the sim leaves the CA's out; Vault lists it too).
    assert client.secrets.pki.list_certificates()["data"]["keys"] == [data["serial_number"]]


def test_pki_refuses_names_outside_the_role(vault_dev):
    client = vault_dev.client(token=DEV_ROOT_TOKEN)
    client.sys.enable_secrets_engine("pki", path="pki")
    with pytest.raises(hvac.exceptions.InvalidRequest) as no_ca:
        client.secrets.pki.create_or_update_role("web", extra_params={"allowed_domains": "example.com",
                                                                      "allow_subdomains": True})
        client.secrets.pki.generate_certificate("web", "a.example.com")
    assert no_ca.value.errors == ["no default issuer currently configured"]
    client.secrets.pki.generate_root("internal", "vault-sim root", extra_params={"ttl": "720h"})
    with pytest.raises(hvac.exceptions.InvalidRequest) as refused:
        client.secrets.pki.generate_certificate("web", "evil.org", extra_params={"ttl": "1h"})
    assert refused.value.errors == ["common name evil.org not allowed by this role"]
    cert = vault_dev.raw("GET", "/v1/pki/cert/ca", token=DEV_ROOT_TOKEN)
    assert cert.status == 200 and cert.json()["data"]["certificate"].startswith("-----BEGIN CERTIFICATE-----")
