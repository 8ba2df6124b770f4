"""cloud-sim's Azure token endpoints against the documented exchanges and, where Debian's python3-azure is
installed, azure-identity's own ManagedIdentityCredential (IMDS through AZURE_POD_IDENTITY_AUTHORITY_HOST, as on
a VM or AKS node, system- and user-assigned). azure-identity's workload identity goes through MSAL, which
insists on an https authority and discovers the tenant's OpenID configuration first: that exchange is replayed
as "Microsoft identity platform and the OAuth 2.0 client credentials flow" documents it (a client assertion,
scope .../.default; tests/sim/README.md cites the pages), as are IMDS's documented refusals."""
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from unittest import mock

import pytest

import vkproc

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT = "a1b2c3d4-0000-4000-8000-00000000c11e"
USER_ASSIGNED = "5f6e7d8c-0000-4000-8000-0000000000aa"
STORAGE = "https://storage.azure.com/"


@pytest.fixture(scope="module")
def sim():
    port = vkproc.free_port()
    url = f"http://127.0.0.1:{port}"
    p = vkproc.Process([vkproc.binary("cloud-sim"), "--listen", f"127.0.0.1:{port}", "--ttl", "900s"],
                       ready_url=f"{url}/_sim/counters")
    yield url
    p.stop()


def call(url, method="GET", body=None, headers=None, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else (
        json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read() or b"{}"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), dict(e.headers)


@pytest.fixture(autouse=True)
def clean(sim):
    keep = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_") and k not in ("MSI_ENDPOINT",
                                                                                           "IDENTITY_ENDPOINT")}
    with mock.patch.dict(os.environ, keep, clear=True):
        call(f"{sim}/_sim/reset", "POST")
        call(f"{sim}/_sim/cloud/azure/config", "POST",
             {"user_assigned_client_id": USER_ASSIGNED, "federated_token": "eyJ.federated.sig"})
        yield


def issued(sim):
    return call(f"{sim}/_sim/cloud/azure/state")[1]["issued"]


def imds_url(sim, **extra):
    return f"{sim}/metadata/identity/oauth2/token?" + urllib.parse.urlencode(
        {"api-version": "2018-02-01", "resource": STORAGE, **extra})


def test_imds_documented_exchange(sim):
    status, body, headers = call(imds_url(sim), headers={"Metadata": "true"})
    assert status == 200
    assert set(body) == {"access_token", "client_id", "expires_in", "expires_on", "ext_expires_in", "not_before",
                         "resource", "token_type"}
    assert body["token_type"] == "Bearer" and body["resource"] == STORAGE
    assert all(isinstance(body[k], str) for k in ("expires_in", "expires_on", "not_before"))
    assert abs(int(body["expires_on"]) - time.time() - 900) < 5
    assert "Date" in headers


def test_imds_documented_refusals(sim):
    status, body, _ = call(imds_url(sim))
    assert (status, body["error"]) == (400, "bad_request_102")
    assert body["error_description"] == "Required metadata header not specified"
    status, body, _ = call(imds_url(sim, client_id="unknown"), headers={"Metadata": "true"})
    assert (status, body["error"], body["error_description"]) == (400, "invalid_request", "Identity not found")
    status, body, _ = call(imds_url(sim, resource="https://vault.azure.net"), headers={"Metadata": "true"})
    assert (status, body["error"]) == (400, "invalid_resource")
    assert body["error_description"].startswith("AADSTS50001")


def client_credentials(**override):
    form = {"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": "eyJ.federated.sig", "client_id": CLIENT, "grant_type": "client_credentials",
            "scope": "https://storage.azure.com/.default"}
    form.update(override)
    return form


def test_v2_token_endpoint_documented_exchange(sim):
    status, body, _ = call(f"{sim}/{TENANT}/oauth2/v2.0/token", "POST", form=client_credentials(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200
    assert set(body) == {"token_type", "expires_in", "ext_expires_in", "access_token"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert [(t["source"], t["client_id"]) for t in issued(sim)] == [("workload", CLIENT)]


@pytest.mark.parametrize("override,status,error,code", [
    ({"client_assertion": "eyJ.other.sig"}, 400, "invalid_client", 70021),
    ({"client_id": "someone-else"}, 400, "unauthorized_client", 700016),
    ({"scope": "https://storage.azure.com/"}, 400, "invalid_scope", 1002012),
    ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
])
def test_v2_token_endpoint_documented_errors(sim, override, status, error, code):
    got, body, _ = call(f"{sim}/{TENANT}/oauth2/v2.0/token", "POST", form=client_credentials(**override))
    assert (got, body["error"], body["error_codes"]) == (status, error, [code])
    assert {"error_description", "timestamp", "trace_id", "correlation_id", "error_uri"} <= set(body)
    assert body["error_description"].startswith(f"AADSTS{code}:")


def test_azure_identity_managed_identity_system_and_user_assigned(sim):
    identity = pytest.importorskip("azure.identity", reason="Debian's python3-azure is not installed")
    os.environ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = sim
    system = identity.ManagedIdentityCredential().get_token("https://storage.azure.com/.default")
    user = identity.ManagedIdentityCredential(client_id=USER_ASSIGNED).get_token(
        "https://storage.azure.com/.default")
    tokens = issued(sim)
    assert [(t["source"], t["client_id"]) for t in tokens] == [("imds", ""), ("imds", USER_ASSIGNED)]
    assert [system.token, user.token] == [t["access_token"] for t in tokens]
    assert abs(system.expires_on - time.time() - 900) < 5
