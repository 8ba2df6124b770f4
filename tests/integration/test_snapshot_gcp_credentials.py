"""Issue 24: a GCS storage's OAuth identities end to end. The daemon's snapshot job uploads to s3rver through
a recording proxy that keeps each request's Bearer token (and any x-amz-* header: there must be none) and
forwards it without the Authorization s3rver would not understand. Tokens come from cloud-sim: a service
account key file (GOOGLE_APPLICATION_CREDENTIALS, or "service_account_key_file", whose JWT grant the sim
verifies with the registered public key) or the metadata server (GCE_METADATA_HOST). Then refresh after a
short TTL, a failing token endpoint (the old token kept until it is about to expire, then a clear error), a
token endpoint whose clock is an hour ahead, and --check-config naming each storage's source."""
import json
import os
import subprocess

import pytest

import gcpkeys
import vkproc
from recording_proxy import RecordingProxy
from test_snapshot_aws_credentials import Run, cloud, sim, vault  # noqa: F401  (fixtures)
from test_snapshot_storages import s3rver  # noqa: F401  (fixture)

GCP_VARIABLES = ["GOOGLE_APPLICATION_CREDENTIALS", "GCE_METADATA_HOST", "GCE_METADATA_ROOT"]


class Recorder(RecordingProxy):
    """Keeps (method, Bearer token or None, names of x-amz-* headers) of every request; forwards it without the
    Authorization s3rver would not understand."""

    def record(self, method, headers):
        auth = headers.get("Authorization", "")
        amz = sorted(k.lower() for k in headers.keys() if k.lower().startswith("x-amz-"))
        return (method, auth[len("Bearer "):] if auth.startswith("Bearer ") else None, amz)

    def rewrite(self, headers):
        return {k: v for k, v in headers.items() if k.lower() != "authorization"}

    def tokens(self):
        return [t for _, t, _ in self.rows()]


@pytest.fixture
def proxy(s3rver):  # noqa: F811
    rec = Recorder(s3rver).start()
    yield rec
    rec.close()


def storage(proxy, **extra):
    return {"name": "gcs", "type": "gcs", "bucket": "snaps", "endpoint": f"http://127.0.0.1:{proxy.server_port}",
            "key_prefix": "gcp-creds/", **extra}


def gcp_env(tmp_path, **env):
    return {**{name: "" for name in GCP_VARIABLES}, "HOME": str(tmp_path), **env}


def issued(sim):
    return [i["access_token"] for i in sim.call("GET", "/_sim/cloud/gcp/state")["issued"]]


@pytest.fixture
def run(tmp_path, vault):  # noqa: F811
    runs = []

    def start(storage, env):
        r = Run(tmp_path, vault, storage, env)
        runs.append(r)
        return r
    yield start
    for r in runs:
        api = json.dumps(r.daemon.job("snap"))
        r.stop()
        assert "ya29." not in r.daemon.log() and "ya29." not in api
        assert "PRIVATE KEY" not in r.daemon.log()


def authorized_with(proxy, token):
    assert proxy.rows() and {t for _, t, _ in proxy.rows()} == {token}, proxy.rows()
    assert all(not amz for _, _, amz in proxy.rows()), proxy.rows()  # no SigV4 headers next to a Bearer token


def test_key_file_from_google_application_credentials_once_for_many_requests(proxy, sim, run, tmp_path):
    key = gcpkeys.service_account(tmp_path, sim.url)
    r = run(storage(proxy), gcp_env(tmp_path, GOOGLE_APPLICATION_CREDENTIALS=str(key)))
    r.first()
    r.cycle()
    authorized_with(proxy, "ya29.cloudsim-sa-1")
    assert issued(sim) == ["ya29.cloudsim-sa-1"]
    assert sim.counters() == {"POST /token": 1}


def test_explicit_key_file_comes_before_the_environment(proxy, sim, run, tmp_path):
    key = gcpkeys.service_account(tmp_path, sim.url)
    r = run(storage(proxy, service_account_key_file=str(key)),
            gcp_env(tmp_path, GOOGLE_APPLICATION_CREDENTIALS=str(tmp_path / "absent.json")))
    r.first()
    authorized_with(proxy, "ya29.cloudsim-sa-1")


def test_metadata_server(proxy, sim, run, tmp_path):
    r = run(storage(proxy, credentials="default"), gcp_env(tmp_path, GCE_METADATA_HOST=sim.url.removeprefix("http://")))
    r.first()
    authorized_with(proxy, "ya29.cloudsim-metadata-1")
    assert sim.counters() == {"GET /computeMetadata/v1/instance/service-accounts/default/token": 1}


def test_an_answer_without_metadata_flavor_is_not_taken_for_a_token(proxy, run, tmp_path):
    """The S3 proxy stands in for something else listening where the metadata server should be."""
    r = run(storage(proxy), gcp_env(tmp_path, GCE_METADATA_HOST=f"127.0.0.1:{proxy.server_port}"))
    error = r.first(outcome="failed")["last_cycle"]["error"]
    assert f"GCS token from metadata server (http://127.0.0.1:{proxy.server_port})" in error, error
    assert "lacks Metadata-Flavor: Google" in error, error
    assert all(t is None for t in proxy.tokens())  # only the token request reached it


def test_refresh_then_refresh_failure_keeps_the_token_until_it_expires(proxy, sim, run, tmp_path):
    """TTL 12 s, advisory window 9 s, mandatory 5 s: fresh for 3 s after a fetch, then refreshed."""
    sim.call("POST", "/_sim/cloud/gcp/config", {"ttl_seconds": 12})
    key = gcpkeys.service_account(tmp_path, sim.url)
    r = run(storage(proxy, service_account_key_file=str(key), refresh_advisory="9s", refresh_mandatory="5s"),
            gcp_env(tmp_path))
    r.first()
    assert proxy.tokens()[-1] == "ya29.cloudsim-sa-1"
    vkproc.wait_until(lambda: r.cycle() and proxy.tokens()[-1] == "ya29.cloudsim-sa-2", 10, what="new token used")
    sim.call("POST", "/_sim/fail", {"method": "POST", "path": "/token", "status": 503, "count": 1000,
                                    "body": '{"error":"internal_failure","error_description":"simulated"}'})
    failed = vkproc.wait_until(lambda: (lambda j: j if j["last_cycle"]["outcome"] == "failed" else None)(
        r.cycle(outcome=None)), 30, what="refresh failure past the mandatory window")
    assert set(proxy.tokens()) == {"ya29.cloudsim-sa-1", "ya29.cloudsim-sa-2"}
    assert "refreshing the GCS token failed; the current one stays in use" in r.daemon.log()
    error = failed["last_cycle"]["error"]
    assert f"GCS token from service account key file {key}" in error and "HTTP 503" in error, error
    assert sim.url.removeprefix("http://") in error, error


def test_token_endpoint_an_hour_ahead_gets_an_assertion_on_its_clock(proxy, sim, run, tmp_path):
    sim.call("POST", "/_sim/cloud/gcp/config", {"clock_offset_seconds": 3700})
    key = gcpkeys.service_account(tmp_path, sim.url)
    r = run(storage(proxy, service_account_key_file=str(key)), gcp_env(tmp_path))
    r.first()
    authorized_with(proxy, "ya29.cloudsim-sa-1")
    assert sim.counters() == {"POST /token": 2}  # refused once (iat off its clock), then granted


def test_check_config_names_each_gcs_storage_s_source(tmp_path, proxy, sim):
    key = gcpkeys.service_account(tmp_path, sim.url)
    cfg = {"admin": {"token": "0123456789abcdef"},
           "vaults": {"v": {"address": "http://127.0.0.1:1", "token": "root"}},
           "jobs": [{"name": "snap", "kind": "snapshot", "interval": "1h", "vault": "v",
                     "spool_dir": str(tmp_path / "spool"),
                     "storages": [storage(proxy, name="adc"), storage(proxy, name="file", service_account_key_file=str(key)),
                                  storage(proxy, name="hmac", hmac_access_id="GOOG1", hmac_secret="x")]}]}
    path = tmp_path / "vk.json"
    path.write_text(json.dumps(cfg))
    env = {**os.environ, **gcp_env(tmp_path, GCE_METADATA_HOST="169.254.169.254")}
    out = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True,
                         text=True, timeout=20, env=env)
    assert out.returncode == 0, out.stderr
    assert "snap: storage adc: credentials from metadata server (http://169.254.169.254)" in out.stdout
    assert f"snap: storage file: credentials from service account key file {key} ({gcpkeys.EMAIL})" in out.stdout
    assert "snap: storage hmac: credentials from HMAC keys" in out.stdout
    assert sim.counters() == {}  # nothing fetched
