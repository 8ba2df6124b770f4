"""Debian's python3-google-auth (1.5.1) against cloud-sim's Google endpoints: service_account.Credentials
refreshes through the sim's token endpoint (the key file's token_uri), its RS256 assertion verified by the sim;
compute_engine.Credentials refreshes through the sim's metadata server (GCE_METADATA_ROOT, the name google-auth
1.x reads; run in a child process because the module reads it at import). The refusals are Google's
{"error","error_description"}, which google-auth turns into RefreshError."""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from google.auth import exceptions
from google.auth.transport.requests import Request
from google.oauth2 import service_account

import gcpkeys
import vkproc

SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"


@pytest.fixture(scope="module")
def sim():
    port = vkproc.free_port()
    url = f"http://127.0.0.1:{port}"
    p = vkproc.Process([vkproc.binary("cloud-sim"), "--listen", f"127.0.0.1:{port}"], ready_url=f"{url}/_sim/counters")
    yield url
    p.stop()


def call(sim, method, path, body=None):
    req = urllib.request.Request(sim + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"{}")


@pytest.fixture(autouse=True)
def reset(sim):
    call(sim, "POST", "/_sim/reset")


def test_service_account_jwt_grant(sim, tmp_path):
    call(sim, "POST", "/_sim/cloud/gcp/config", {"ttl_seconds": 1800})
    creds = service_account.Credentials.from_service_account_file(str(gcpkeys.service_account(tmp_path, sim)),
                                                                  scopes=[SCOPE])
    creds.refresh(Request())
    assert creds.token == "ya29.cloudsim-sa-1"
    assert call(sim, "GET", "/_sim/cloud/gcp/state")["issued"] == [{"source": "sa", "access_token": creds.token}]
    assert call(sim, "GET", "/_sim/counters") == {"POST /token": 1}


def test_unregistered_key_and_clock_skew_are_google_s_invalid_grant(sim, tmp_path):
    path = gcpkeys.service_account(tmp_path, sim, register=False)
    creds = service_account.Credentials.from_service_account_file(str(path), scopes=[SCOPE])
    with pytest.raises(exceptions.RefreshError, match="invalid_grant"):
        creds.refresh(Request())
    gcpkeys.service_account(tmp_path, sim)
    call(sim, "POST", "/_sim/cloud/gcp/config", {"clock_offset_seconds": 3700})
    creds = service_account.Credentials.from_service_account_file(str(path), scopes=[SCOPE])
    with pytest.raises(exceptions.RefreshError, match="short-lived token"):
        creds.refresh(Request())


def test_token_endpoint_refusal_shape(sim):
    req = urllib.request.Request(sim + "/token", method="POST", data=b"grant_type=password")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=5)
    assert e.value.code == 400
    assert json.loads(e.value.read()) == {"error": "unsupported_grant_type",
                                          "error_description": "Invalid grant_type: password"}


CHILD = """
from google.auth import compute_engine
from google.auth.transport.requests import Request
c = compute_engine.Credentials()
c.refresh(Request())
print(c.token, c.service_account_email)
"""


def test_compute_engine_credentials_through_the_metadata_server(sim):
    env = {**os.environ, "GCE_METADATA_ROOT": sim.removeprefix("http://")}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ya29.cloudsim-metadata-1", "vaultkeeper@cloud-sim.iam.gserviceaccount.com"]


def test_metadata_flavor_is_required(sim):
    path = "/computeMetadata/v1/instance/service-accounts/default/token"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(sim + path, timeout=5)
    assert e.value.code == 403
    req = urllib.request.Request(sim + path, headers={"Metadata-Flavor": "Google"})
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.headers["Metadata-Flavor"] == "Google"
        body = json.loads(r.read())
    assert body == {"access_token": "ya29.cloudsim-metadata-1", "expires_in": 3599, "token_type": "Bearer"}
