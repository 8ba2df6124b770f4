"""The transit engine on vault-sim, driven by Debian's python3-hvac 0.11.2 (client.secrets.transit): keys and
their versions, encrypt/decrypt/rewrap, rotation, min_decryption_version and Vault's 400s, and the ACL on
transit paths (encrypt on a missing key needs "create", as Vault's upsert does).
"""
import base64

import hvac
import pytest

from fixtures_vault import DEV_ROOT_TOKEN, vault_dev  # noqa: F401  (pytest fixture)


@pytest.fixture
def client(vault_dev):
    c = vault_dev.client(token=DEV_ROOT_TOKEN)
    c.sys.enable_secrets_engine("transit", path="transit")
    return c


def b64(data):
    return base64.b64encode(data).decode()


def test_mount_lists_as_transit(client):
    assert client.sys.list_mounted_secrets_engines()["data"]["transit/"]["type"] == "transit"


def test_create_and_read_key(client):
    client.secrets.transit.create_key("k")
    data = client.secrets.transit.read_key("k")["data"]
    assert data["type"] == "aes256-gcm96" and data["name"] == "k"
    assert data["latest_version"] == 1 and list(data["keys"]) == ["1"]
    assert data["min_decryption_version"] == 1 and data["min_encryption_version"] == 0
    with pytest.raises(hvac.exceptions.InvalidPath):
        client.secrets.transit.read_key("absent")


def test_encrypt_decrypt_roundtrip_hides_plaintext(client):
    client.secrets.transit.create_key("k")
    secret = b"a data key of thirty-two bytes!!"
    out = client.secrets.transit.encrypt_data("k", b64(secret))["data"]
    assert out["ciphertext"].startswith("vault:v1:") and out["key_version"] == 1
    raw = base64.b64decode(out["ciphertext"].split(":", 2)[2])
    assert secret not in raw
    plain = client.secrets.transit.decrypt_data("k", out["ciphertext"])["data"]["plaintext"]
    assert base64.b64decode(plain) == secret
    again = client.secrets.transit.encrypt_data("k", b64(secret))["data"]["ciphertext"]
    assert again != out["ciphertext"]  # a fresh nonce each time


def test_encrypt_upserts_a_missing_key(client):
    client.secrets.transit.encrypt_data("fresh", b64(b"x"))
    assert client.secrets.transit.read_key("fresh")["data"]["latest_version"] == 1


def test_rotate_rewrap_and_min_decryption_version(client):
    t = client.secrets.transit
    t.create_key("k")
    v1 = t.encrypt_data("k", b64(b"old"))["data"]["ciphertext"]
    t.rotate_key("k")
    key = t.read_key("k")["data"]
    assert key["latest_version"] == 2 and sorted(key["keys"]) == ["1", "2"]
    assert t.encrypt_data("k", b64(b"new"))["data"]["ciphertext"].startswith("vault:v2:")
    v2 = t.rewrap_data("k", v1)["data"]
    assert v2["ciphertext"].startswith("vault:v2:") and v2["key_version"] == 2
    assert base64.b64decode(t.decrypt_data("k", v2["ciphertext"])["data"]["plaintext"]) == b"old"
    t.update_key_configuration("k", min_decryption_version=2)
    assert t.read_key("k")["data"]["min_decryption_version"] == 2
    with pytest.raises(hvac.exceptions.InvalidRequest) as e:
        t.decrypt_data("k", v1)
    assert "ciphertext or signature version is disallowed by policy (too old)" in str(e.value)
    with pytest.raises(hvac.exceptions.InvalidRequest):
        t.rewrap_data("k", v1)


def test_errors_are_vaults(client, vault_dev):
    t = client.secrets.transit
    t.create_key("k")
    cases = [
        ("decrypt/k", {"ciphertext": "nope"}, "invalid ciphertext: no prefix"),
        ("decrypt/k", {"ciphertext": "vault:v9:AAAA"}, "invalid ciphertext: version is too new"),
        ("decrypt/k", {}, "missing ciphertext to decrypt"),
        ("decrypt/absent", {"ciphertext": "vault:v1:AAAA"}, "encryption key not found"),
        ("encrypt/k", {"plaintext": "***"}, "failed to base64-decode plaintext"),
        ("keys/k/config", {"min_decryption_version": 5}, "cannot set min decryption version of 5, latest key version is 1"),
    ]
    for path, body, message in cases:
        r = vault_dev.raw("POST", "/v1/transit/" + path, body=body, token=DEV_ROOT_TOKEN)
        assert (r.status, r.json()["errors"]) == (400, [message]), path


def test_acl_guards_transit_paths(client, vault_dev):
    client.sys.create_or_update_policy(
        "wrapper", 'path "transit/encrypt/k" { capabilities = ["update"] }\n'
                   'path "transit/decrypt/k" { capabilities = ["update"] }')
    token = client.auth.token.create(policies=["wrapper"])["auth"]["client_token"]
    client.secrets.transit.create_key("k")
    app = vault_dev.client(token=token)
    ct = app.secrets.transit.encrypt_data("k", b64(b"x"))["data"]["ciphertext"]
    assert app.secrets.transit.decrypt_data("k", ct)["data"]["plaintext"] == b64(b"x")
    for call in (lambda: app.secrets.transit.rotate_key("k"), lambda: app.secrets.transit.encrypt_data("other", b64(b"x"))):
        with pytest.raises(hvac.exceptions.Forbidden):
            call()
