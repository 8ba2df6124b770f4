"""Vault's JWT auth method on vault-sim with static keys, driven by python3-hvac 0.11.2's client.auth.jwt: config,
roles, and jwt_login with good tokens and with each check failing (signature, exp, aud, bound claims, iss)."""
import hvac
import pytest

import jwtmint
from fixtures_vault import DEV_ROOT_TOKEN, vault_dev  # noqa: F401  (pytest fixture)

ISSUER = "https://kubernetes.default.svc.cluster.local"
SA = "system:serviceaccount:apps:web"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("jwt-keys")
    return {"rsa": jwtmint.Issuer(d, "RS256"), "ec": jwtmint.Issuer(d, "ES256"),
            "stranger": jwtmint.Issuer(d, "RS256", name="stranger")}


@pytest.fixture
def client(vault_dev, keys):
    c = vault_dev.client(token=DEV_ROOT_TOKEN)
    c.sys.enable_auth_method("jwt", path="k8s-jwt")
    c.auth.jwt.configure(jwt_validation_pubkeys=[keys["rsa"].public_pem, keys["ec"].public_pem],
                         bound_issuer=ISSUER, path="k8s-jwt")
    c.auth.jwt.create_role("web", user_claim="sub", allowed_redirect_uris=None, role_type="jwt",
                           bound_audiences=["vault"], bound_claims={"kubernetes.io/namespace": ["apps", "tools"]},
                           token_policies=["app"], token_ttl="30m", path="k8s-jwt")
    return c


def claims(**extra):
    return {"iss": ISSUER, "sub": SA, "aud": ["vault"], "kubernetes.io/namespace": "apps", **extra}


def test_config_and_role_read_back(client, keys):
    cfg = client.auth.jwt.read_config(path="k8s-jwt")["data"]
    assert cfg["bound_issuer"] == ISSUER
    assert cfg["jwt_validation_pubkeys"] == [keys["rsa"].public_pem, keys["ec"].public_pem]
    assert cfg["oidc_discovery_url"] == "" and cfg["jwks_url"] == ""
    role = client.auth.jwt.read_role("web", path="k8s-jwt")["data"]
    assert role["role_type"] == "jwt" and role["user_claim"] == "sub"
    assert role["bound_audiences"] == ["vault"]
    assert role["bound_claims"] == {"kubernetes.io/namespace": ["apps", "tools"]}
    assert role["token_policies"] == ["app"] and role["token_ttl"] == 1800
    assert client.auth.jwt.list_roles(path="k8s-jwt")["data"]["keys"] == ["web"]


@pytest.mark.parametrize("alg", ["rsa", "ec"])
def test_good_token_logs_in_and_the_token_works(client, vault_dev, keys, alg):
    app = vault_dev.client()
    login = app.auth.jwt.jwt_login("web", keys[alg].mint(claims()), path="k8s-jwt")
    auth = login["auth"]
    assert auth["policies"] == ["app", "default"] and auth["metadata"] == {"role": "web"}
    assert auth["lease_duration"] == 1800 and auth["renewable"] is True
    assert login["mount_type"] == "jwt"
    assert app.token == auth["client_token"]
    me = app.auth.token.lookup_self()["data"]
    assert me["policies"] == ["app", "default"] and me["path"] == "auth/k8s-jwt/login"
    assert me["display_name"] == f"k8s-jwt-{SA}" and me["meta"] == {"role": "web"}


@pytest.mark.parametrize("case,token,message", [
    ("signature", lambda k: k["stranger"].mint(claims()),
     "no known key successfully validated the token signature"),
    ("expired", lambda k: k["rsa"].mint(claims(iat=1, exp=2)),
     "error validating claims: square/go-jose/jwt: validation failed, token is expired (exp)"),
    ("audience", lambda k: k["rsa"].mint(claims(aud="consul")),
     "error validating claims: aud claim does not match any bound audience"),
    ("bound claim", lambda k: k["ec"].mint(claims(**{"kubernetes.io/namespace": "kube-system"})),
     'error validating claims: claim "kubernetes.io/namespace" does not match any associated bound claim values'),
    ("issuer", lambda k: k["rsa"].mint(claims(iss="https://evil.example")),
     "error validating claims: square/go-jose/jwt: validation failed, invalid issuer claim (iss)"),
])
def test_each_failed_check_is_an_invalid_request(client, vault_dev, keys, case, token, message):
    app = vault_dev.client()
    with pytest.raises(hvac.exceptions.InvalidRequest) as e:
        app.auth.jwt.jwt_login("web", token(keys), path="k8s-jwt")
    assert e.value.errors == [message], case
    assert app.token is None


def test_role_without_audiences_refuses_a_token_with_one(client, vault_dev, keys):
    client.auth.jwt.create_role("by-subject", user_claim="sub", allowed_redirect_uris=None, role_type="jwt",
                                bound_subject=SA, path="k8s-jwt")
    app = vault_dev.client()
    with pytest.raises(hvac.exceptions.InvalidRequest) as e:
        app.auth.jwt.jwt_login("by-subject", keys["rsa"].mint(claims()), path="k8s-jwt")
    assert e.value.errors == ["audience claim found in JWT but no audiences bound to the role"]
    no_aud = claims()
    del no_aud["aud"]
    assert app.auth.jwt.jwt_login("by-subject", keys["rsa"].mint(no_aud), path="k8s-jwt")["auth"]["client_token"]


def test_role_validation_and_delete(client):
    with pytest.raises(hvac.exceptions.InvalidRequest) as e:
        client.auth.jwt.create_role("nobind", user_claim="sub", allowed_redirect_uris=None, role_type="jwt",
                                    path="k8s-jwt")
    assert e.value.errors == ["must have at least one bound constraint when creating/updating a role"]
    client.auth.jwt.delete_role("web", path="k8s-jwt")
    with pytest.raises(hvac.exceptions.InvalidPath):
        client.auth.jwt.read_role("web", path="k8s-jwt")
