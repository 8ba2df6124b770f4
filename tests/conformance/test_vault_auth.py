"""Token store, AppRole, ACL policies and sys/capabilities-self on vault-sim, driven by python3-hvac 0.11.2.

Raw urllib is used only where hvac has no call or hides the exact status/body being checked.
"""
import hvac
import pytest
import vkproc

from fixtures_vault import DEV_ROOT_TOKEN, vault_dev  # noqa: F401  (pytest fixture)

BAD_TOKEN = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"
POLICY_DENIED = "1 error occurred:\n\t* permission denied\n\n"

APP_POLICY = """
# the app may read and write its own secrets and list their names
path "secret/data/app/*" {
  capabilities = ["create", "read", "update"]
}
path "secret/metadata/app/*" {
  capabilities = ["list"]
}
"""


@pytest.fixture
def client(vault_dev):
    return vault_dev.client(token=DEV_ROOT_TOKEN)


def test_root_token_lookup_self(client):
    data = client.lookup_token()["data"]
    assert data["id"] == DEV_ROOT_TOKEN
    assert data["policies"] == ["root"]
    assert data["ttl"] == 0 and data["expire_time"] is None
    assert data["path"] == "auth/token/root" and data["type"] == "service"
    assert client.is_authenticated()


def test_create_token_and_lookup(client, vault_dev):
    created = client.auth.token.create(policies=["app"], ttl="1h", display_name="ci", meta={"team": "ops"})
    auth = created["auth"]
    assert auth["client_token"].startswith("hvs.")
    assert auth["policies"] == ["app", "default"] and auth["token_policies"] == ["app", "default"]
    assert auth["lease_duration"] == 3600 and auth["renewable"] is True
    assert auth["token_type"] == "service" and auth["orphan"] is False
    assert auth["metadata"] == {"team": "ops"}
    assert created["data"] is None
    child = vault_dev.client(token=auth["client_token"])
    me = child.auth.token.lookup_self()["data"]
    assert me["display_name"] == "token-ci" and 3595 <= me["ttl"] <= 3600
    assert me["accessor"] == auth["accessor"]
    other = client.auth.token.lookup(auth["client_token"])["data"]
    assert other["policies"] == ["app", "default"]
    by_accessor = client.auth.token.lookup_accessor(auth["accessor"])["data"]
    assert by_accessor["display_name"] == "token-ci"


def test_invalid_and_missing_tokens_are_403(vault_dev):
    bogus = vault_dev.client(token="hvs.doesnotexist")
    assert not bogus.is_authenticated()
    r = vault_dev.raw("GET", "/v1/secret/data/x", token="hvs.doesnotexist")
    assert (r.status, r.json()) == (403, {"errors": [BAD_TOKEN]})
    r = vault_dev.raw("GET", "/v1/secret/data/x")
    assert (r.status, r.json()) == (403, {"errors": ["permission denied"]})


def test_renew_self_and_revoke_self(client, vault_dev):
    client.sys.create_or_update_policy("minter", 'path "auth/token/create" { capabilities = ["update"] }')
    tok = client.auth.token.create(policies=["app", "minter"], ttl="10m", explicit_max_ttl="1h")["auth"]
    tok = tok["client_token"]
    c = vault_dev.client(token=tok)
    renewed = c.auth.token.renew_self(increment="30m")
    assert renewed["auth"]["client_token"] == tok
    assert 1795 <= renewed["auth"]["lease_duration"] <= 1800
    capped = c.auth.token.renew_self(increment="2h")
    assert 3500 <= capped["auth"]["lease_duration"] <= 3600
    assert capped["warnings"]
    with pytest.raises(hvac.exceptions.InvalidRequest):
        client.auth.token.renew_self()  # the root token has no TTL to renew
    child = vault_dev.client(token=tok).auth.token.create(policies=["app"])["auth"]["client_token"]
    c.auth.token.revoke_self()
    with pytest.raises(hvac.exceptions.Forbidden):
        c.auth.token.lookup_self()
    with pytest.raises(hvac.exceptions.Forbidden):
        vault_dev.client(token=child).auth.token.lookup_self()


def test_revoke_by_token_and_accessor(client, vault_dev):
    a = client.auth.token.create(policies=["x"])["auth"]
    b = client.auth.token.create(policies=["x"])["auth"]
    client.auth.token.revoke(a["client_token"])
    client.auth.token.revoke_accessor(b["accessor"])
    for t in (a["client_token"], b["client_token"]):
        assert not vault_dev.client(token=t).is_authenticated()


def test_revoke_orphan_and_expiry(client, vault_dev):
    parent = client.auth.token.create(policies=["x"])["auth"]["client_token"]
    r = vault_dev.raw("POST", "/v1/auth/token/create", body={"policies": ["x"]}, token=parent)
    assert r.status == 403  # the default policy does not grant auth/token/create
    client.auth.token.revoke_and_orphan_children(parent)
    assert not vault_dev.client(token=parent).is_authenticated()
    short = client.auth.token.create(policies=["x"], ttl="1s")["auth"]["client_token"]
    vkproc.wait_until(lambda: not vault_dev.client(token=short).is_authenticated(), timeout=10, what="token expiry")
    r = vault_dev.raw("GET", "/v1/auth/token/lookup-self", token=short)
    assert (r.status, r.json()) == (403, {"errors": [BAD_TOKEN]})


def test_policy_crud_hcl_and_json(client, vault_dev):
    client.sys.create_or_update_policy("app", APP_POLICY)
    assert client.sys.read_policy("app")["rules"] == APP_POLICY
    client.sys.create_or_update_policy("jsonpol", {"path": {"kv/*": {"capabilities": ["read"]}}})
    names = client.sys.list_policies()["data"]["policies"]
    assert names == ["app", "default", "jsonpol", "root"]
    r = vault_dev.raw("GET", "/v1/sys/policies/acl/app", token=DEV_ROOT_TOKEN)
    assert r.status == 200 and r.json()["data"] == {"name": "app", "policy": APP_POLICY}
    r = vault_dev.raw("LIST", "/v1/sys/policies/acl", token=DEV_ROOT_TOKEN)
    assert r.json()["data"]["keys"] == ["app", "default", "jsonpol", "root"]
    r = vault_dev.raw("PUT", "/v1/sys/policies/acl/bad", body={"policy": 'path "x" { capabilities = ["fly"] }'},
                      token=DEV_ROOT_TOKEN)
    assert r.status == 400 and r.json()["errors"][0].startswith("failed to parse policy: ")
    with pytest.raises(hvac.exceptions.InvalidRequest):
        client.sys.delete_policy("default")
    client.sys.delete_policy("jsonpol")
    with pytest.raises(hvac.exceptions.InvalidPath):
        client.sys.read_policy("jsonpol")


def test_acl_enforcement_on_kv(client, vault_dev):
    client.sys.create_or_update_policy("app", APP_POLICY)
    tok = client.auth.token.create(policies=["app"])["auth"]["client_token"]
    app = vault_dev.client(token=tok)
    app.secrets.kv.v2.create_or_update_secret("app/one", {"k": "v"})
    assert app.secrets.kv.v2.read_secret_version("app/one")["data"]["data"] == {"k": "v"}
    assert app.secrets.kv.v2.list_secrets("app/")["data"]["keys"] == ["one"]
    with pytest.raises(hvac.exceptions.Forbidden) as denied:
        app.secrets.kv.v2.read_secret_version("other")
    assert denied.value.errors == [POLICY_DENIED]
    with pytest.raises(hvac.exceptions.Forbidden):
        app.secrets.kv.v2.delete_metadata_and_all_versions("app/one")
    with pytest.raises(hvac.exceptions.Forbidden):
        app.sys.list_mounted_secrets_engines()


def test_create_needs_create_update_needs_update(client, vault_dev):
    client.sys.create_or_update_policy("createonly", 'path "secret/data/*" { capabilities = ["create"] }')
    tok = client.auth.token.create(policies=["createonly"])["auth"]["client_token"]
    c = vault_dev.client(token=tok)
    c.secrets.kv.v2.create_or_update_secret("fresh", {"a": 1})
    with pytest.raises(hvac.exceptions.Forbidden):
        c.secrets.kv.v2.create_or_update_secret("fresh", {"a": 2})


def test_capabilities_self(client, vault_dev):
    client.sys.create_or_update_policy("app", APP_POLICY)
    tok = client.auth.token.create(policies=["app"])["auth"]["client_token"]
    c = vault_dev.client(token=tok)
    caps = c.sys.get_capabilities(["secret/data/app/x", "secret/data/other"])
    assert caps["data"]["secret/data/app/x"] == ["create", "read", "update"]
    assert caps["secret/data/other"] == ["deny"]  # also at the top level
    assert "capabilities" not in caps["data"]
    # The Go client's legacy form: {"token", "path"}; one path adds "capabilities".
    r = vault_dev.raw("POST", "/v1/sys/capabilities-self", body={"token": tok, "path": "secret/data/app/x"},
                      token=tok)
    assert r.status == 200
    assert r.json()["data"]["capabilities"] == ["create", "read", "update"]
    root_caps = client.sys.get_capabilities(["anything/at/all"])
    assert root_caps["data"]["anything/at/all"] == ["root"]
    assert root_caps["data"]["capabilities"] == ["root"]


def test_approle_flow(client, vault_dev):
    client.sys.enable_auth_method("approle")
    assert "approle/" in client.sys.list_auth_methods()["data"]
    client.sys.create_or_update_policy("app", APP_POLICY)
    client.auth.approle.create_or_update_approle("web", token_policies=["app"], token_ttl="20m",
                                                 secret_id_ttl="1h")
    role = client.auth.approle.read_role("web")["data"]
    assert role["token_policies"] == ["app"] and role["token_ttl"] == 1200 and role["secret_id_ttl"] == 3600
    assert client.auth.approle.list_roles()["data"]["keys"] == ["web"]
    role_id = client.auth.approle.read_role_id("web")["data"]["role_id"]
    secret = client.auth.approle.generate_secret_id("web")["data"]
    assert secret["secret_id_ttl"] == 3600 and secret["secret_id_accessor"]
    app = vault_dev.client()
    login = app.auth.approle.login(role_id, secret["secret_id"])
    auth = login["auth"]
    assert auth["policies"] == ["app", "default"] and auth["metadata"] == {"role_name": "web"}
    assert auth["lease_duration"] == 1200 and auth["orphan"] is True and auth["renewable"] is True
    assert login["data"] is None and login["mount_type"] == "approle"
    assert app.token == auth["client_token"]
    app.secrets.kv.v2.create_or_update_secret("app/from-approle", {"ok": True})


def test_approle_wrong_credentials(client, vault_dev):
    client.sys.enable_auth_method("approle")
    client.auth.approle.create_or_update_approle("web", token_policies=["app"])
    role_id = client.auth.approle.read_role_id("web")["data"]["role_id"]
    app = vault_dev.client()
    with pytest.raises(hvac.exceptions.InvalidRequest) as e:
        app.auth.approle.login(role_id, "not-a-secret")
    assert e.value.errors == ["invalid role or secret ID"]
    with pytest.raises(hvac.exceptions.InvalidRequest) as e:
        app.auth.approle.login("not-a-role", "x")
    assert e.value.errors == ["invalid role or secret ID"]
    r = vault_dev.raw("POST", "/v1/auth/approle/login", body={"role_id": role_id, "secret_id": "nope"})
    assert (r.status, r.json()) == (400, {"errors": ["invalid role or secret ID"]})


def test_approle_secret_id_lifecycle(client, vault_dev):
    client.sys.enable_auth_method("approle")
    client.auth.approle.create_or_update_approle("web", token_policies=["app"])
    role_id = client.auth.approle.read_role_id("web")["data"]["role_id"]
    once = client.auth.approle.generate_secret_id("web", )["data"]["secret_id"]
    client.auth.approle.destroy_secret_id("web", once)
    with pytest.raises(hvac.exceptions.InvalidRequest):
        vault_dev.client().auth.approle.login(role_id, once)
    custom = client.auth.approle.create_custom_secret_id("web", "my-own-secret")["data"]
    assert custom["secret_id"] == "my-own-secret"
    accessors = client.auth.approle.list_secret_id_accessors("web")["data"]["keys"]
    assert custom["secret_id_accessor"] in accessors
    client.auth.approle.update_role_id("web", "custom-role-id")
    assert vault_dev.client().auth.approle.login("custom-role-id", "my-own-secret")["auth"]["client_token"]
    client.auth.approle.delete_role("web")
    with pytest.raises(hvac.exceptions.InvalidPath):
        client.auth.approle.read_role("web")
