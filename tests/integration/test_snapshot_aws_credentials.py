"""Issue 24: the S3 storage's AWS credential chain end to end. The daemon's snapshot job uploads to s3rver
through a recording proxy (s3rver does not check signatures, so the proxy shows which access key id signed
each request and whether X-Amz-Security-Token came along), with credentials from each source: the
environment's session credentials, web identity (cloud-sim STS), IMDSv2 (cloud-sim), the container endpoint
with an EKS Pod Identity token file (cloud-sim), a profile of a temporary shared credentials file, and
assume_role_arn on top of instance metadata. Then refresh: a short TTL, keys rotated at the sim, the next
upload signs with the new key; STS failing keeps the old keys until the mandatory window, then the cycle
fails naming the source and the STS endpoint; an STS clock an hour off is corrected through its Date header.
--check-config says which source each storage will use."""
import json
import os
import re
import subprocess
import urllib.request

import pytest

import vkproc
from recording_proxy import RecordingProxy
from test_snapshot_storages import s3rver  # noqa: F401  (fixture)
from vkdaemon import Daemon

ROOT = "root"
CHAIN_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                   "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
                   "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
                   "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                   "AWS_EC2_METADATA_SERVICE_ENDPOINT"]
ROLE = "arn:aws:iam::123456789012:role/vaultkeeper"


class CloudSim:
    def __init__(self):
        port = vkproc.free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = vkproc.Process([vkproc.binary("cloud-sim"), "--listen", f"127.0.0.1:{port}",
                                    "--web-identity-token", "jwt-from-kubelet", "--container-token", "pod-token"],
                                   ready_url=f"{self.url}/_sim/counters")

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read() or b"{}")

    def counters(self):
        return self.call("GET", "/_sim/counters")


@pytest.fixture(scope="module")
def cloud():
    c = CloudSim()
    yield c
    c.proc.stop()


@pytest.fixture
def sim(cloud):
    cloud.call("POST", "/_sim/reset")
    return cloud


@pytest.fixture(scope="module")
def vault():
    port = vkproc.free_port()
    p = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{port}", "--dev-root-token", ROOT],
                       ready_url=f"http://127.0.0.1:{port}/v1/sys/health")
    yield f"http://127.0.0.1:{port}"
    p.stop()


class Recorder(RecordingProxy):
    """Keeps (method, access key id, security token) of every request to s3rver. s3rver knows one access key
    id (S3RVER) and does not check SigV4 signatures, so the forwarded Authorization names S3RVER instead (our
    signatures are checked against botocore's in test_sigv4_botocore.py)."""

    def record(self, method, headers):
        m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/", headers.get("Authorization", ""))
        return (method, m.group(1) if m else None, headers.get("X-Amz-Security-Token"))

    def rewrite(self, headers):
        auth = headers.get("Authorization", "")
        if m := re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/", auth):
            headers["Authorization"] = auth.replace(f"Credential={m.group(1)}/", "Credential=S3RVER/")
        return headers

    def keys(self):
        return [(k, t) for _, k, t in self.rows()]


@pytest.fixture
def proxy(s3rver):  # noqa: F811
    rec = Recorder(s3rver).start()
    yield rec
    rec.close()


def storage(proxy, **extra):
    return {"name": "s3", "type": "s3", "bucket": "snaps", "endpoint": f"http://127.0.0.1:{proxy.server_port}",
            "force_path_style": True, "key_prefix": "aws-creds/", "credentials": "default", **extra}


def config(tmp_path, vault, storage):
    return {"vaults": {"v": {"address": vault, "token": ROOT}},
            "jobs": [{"name": "snap", "kind": "snapshot", "interval": "1h", "timeout": "30s", "vault": "v",
                      "spool_dir": str(tmp_path / "spool"), "storages": [storage]}]}


def chain_env(tmp_path, **env):
    """Only the given chain variables (the others empty, which the chain treats as unset); HOME without ~/.aws;
    instance metadata unreachable unless a test points it at the sim."""
    base = {name: "" for name in CHAIN_VARIABLES}
    base.update({"HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"})
    base.update(env)
    return base


class Run:
    """The daemon with one snapshot job; its first cycle starts at start-up."""

    def __init__(self, tmp_path, vault, storage, env):
        self.daemon = Daemon(config(tmp_path, vault, storage), extra_env=env, tmpdir=str(tmp_path))

    def first(self, outcome="ok"):
        j = self.daemon.wait_job("snap", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] != "running",
                                 timeout=15, what="first cycle end")
        assert j["last_cycle"]["outcome"] == outcome, j
        return j

    def cycle(self, outcome="ok"):
        before = (self.daemon.job("snap").get("last_cycle") or {}).get("id", 0)
        status, body, _ = self.daemon.call("POST", "/v1/jobs/snap/trigger")
        assert status in (200, 202), body
        j = self.daemon.wait_job("snap", lambda j: j["last_cycle"] and j["last_cycle"]["id"] > before
                                 and j["last_cycle"]["outcome"] != "running", timeout=30, what="cycle end")
        assert outcome is None or j["last_cycle"]["outcome"] == outcome, j
        return j

    def stop(self):
        self.daemon.stop()


@pytest.fixture
def run(tmp_path, vault):
    runs = []

    def start(storage, env):
        r = Run(tmp_path, vault, storage, env)
        runs.append(r)
        return r
    yield start
    for r in runs:
        r.stop()
    for r in runs:
        assert "secret-ASIA" not in r.daemon.log() and "jwt-from-kubelet" not in r.daemon.log()


def signed_with(proxy, key_id, token):
    keys = proxy.keys()
    assert keys and set(keys) == {(key_id, token)}, keys


def test_environment_session_credentials(proxy, run, tmp_path):
    r = run(storage(proxy), chain_env(tmp_path, AWS_ACCESS_KEY_ID="ASIAENVIRONMENT", AWS_SECRET_ACCESS_KEY="s",
                                      AWS_SESSION_TOKEN="env-session-token"))
    r.first()
    signed_with(proxy, "ASIAENVIRONMENT", "env-session-token")


def test_web_identity_through_sts_once_for_many_requests(proxy, sim, run, tmp_path):
    token = tmp_path / "token"
    token.write_text("jwt-from-kubelet\n")
    r = run(storage(proxy, sts_endpoint=sim.url),
            chain_env(tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN=ROLE))
    r.first()
    r.cycle()
    signed_with(proxy, "ASIAWEBIDG1", "token-ASIAWEBIDG1")
    assert sim.counters().get("POST /") == 1  # cached: one STS call for two cycles of several requests


def test_instance_metadata_v2(proxy, sim, run, tmp_path):
    r = run(storage(proxy), chain_env(tmp_path, AWS_EC2_METADATA_DISABLED="",
                                      AWS_EC2_METADATA_SERVICE_ENDPOINT=sim.url))
    r.first()
    signed_with(proxy, "ASIAIMDSG1", "token-ASIAIMDSG1")
    counters = sim.counters()
    assert counters.get("PUT /latest/api/token") == 1
    assert counters.get("GET /latest/meta-data/iam/security-credentials/vaultkeeper-instance") == 1


def test_container_eks_pod_identity_token_file(proxy, sim, run, tmp_path):
    token = tmp_path / "eks-pod-identity-token"
    token.write_text("pod-token")
    r = run(storage(proxy), chain_env(tmp_path, AWS_CONTAINER_CREDENTIALS_FULL_URI=f"{sim.url}/v1/credentials",
                                      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token)))
    r.first()
    signed_with(proxy, "ASIACTRG1", "token-ASIACTRG1")


def test_profile_of_a_shared_credentials_file(proxy, run, tmp_path):
    creds = tmp_path / "credentials"
    creds.write_text("[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n"
                     "[backup]\naws_access_key_id = AKIABACKUP\naws_secret_access_key = b\n")
    r = run(storage(proxy, profile="backup"),
            chain_env(tmp_path, AWS_SHARED_CREDENTIALS_FILE=str(creds), AWS_ACCESS_KEY_ID="AKIAENV",
                      AWS_SECRET_ACCESS_KEY="e"))
    r.first()
    signed_with(proxy, "AKIABACKUP", None)


def test_assume_role_arn_on_top_of_instance_metadata(proxy, sim, run, tmp_path):
    r = run(storage(proxy, sts_endpoint=sim.url, assume_role_arn="arn:aws:iam::123456789012:role/backup",
                    external_id="ext-1"),
            chain_env(tmp_path, AWS_EC2_METADATA_DISABLED="", AWS_EC2_METADATA_SERVICE_ENDPOINT=sim.url))
    r.first()
    signed_with(proxy, "ASIAROLEG1", "token-ASIAROLEG1")
    assert sim.call("GET", "/_sim/cloud/state")["assume_role_callers"] == ["ASIAIMDSG1"]


def test_refresh_rotation_and_refresh_failure(proxy, sim, run, tmp_path):
    """TTL 12 s, advisory window 9 s, mandatory 5 s: fresh for 3 s after a fetch, then refreshed."""
    sim.call("POST", "/_sim/cloud/config", {"ttl_seconds": 12})
    token = tmp_path / "token"
    token.write_text("jwt-from-kubelet")
    r = run(storage(proxy, sts_endpoint=sim.url, refresh_advisory="9s", refresh_mandatory="5s"),
            chain_env(tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN=ROLE))
    r.first()
    assert proxy.keys()[-1][0] == "ASIAWEBIDG1"
    sim.call("POST", "/_sim/cloud/rotate")
    # Past the 3 fresh seconds the next cycle refreshes and signs with the rotated key.
    vkproc.wait_until(lambda: r.cycle() and proxy.keys()[-1][0] == "ASIAWEBIDG2", 10, what="rotated key used")
    sim.call("POST", "/_sim/fail", {"method": "POST", "path": "/", "status": 503, "count": 1000})
    # In the advisory window a failed refresh keeps the current keys; in the mandatory one the cycle fails.
    failed = vkproc.wait_until(lambda: (lambda j: j if j["last_cycle"]["outcome"] == "failed" else None)(
        r.cycle(outcome=None)), 30, what="mandatory refresh failure")
    assert proxy.keys()[-1][0] == "ASIAWEBIDG2"
    assert "refreshing AWS credentials failed; the current ones stay in use" in r.daemon.log()
    error = failed["last_cycle"]["error"]
    assert "web identity (role " + ROLE + ")" in error and "AssumeRoleWithWebIdentity" in error, error
    assert "jwt-from-kubelet" not in error


def test_sts_clock_an_hour_ahead_is_taken_back_by_its_date_header(proxy, sim, run, tmp_path):
    """STS's clock (Date, Expiration) an hour ahead: read as written, the 12 s credentials would look good for
    an hour and the rotated key would never be fetched."""
    sim.call("POST", "/_sim/cloud/config", {"ttl_seconds": 12, "clock_offset_seconds": 3600})
    token = tmp_path / "token"
    token.write_text("jwt-from-kubelet")
    r = run(storage(proxy, sts_endpoint=sim.url, refresh_advisory="9s", refresh_mandatory="5s"),
            chain_env(tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN=ROLE))
    r.first()
    sim.call("POST", "/_sim/cloud/rotate")
    vkproc.wait_until(lambda: r.cycle() and proxy.keys()[-1][0] == "ASIAWEBIDG2", 10, what="rotated key used")


def test_check_config_names_each_storage_s_source(tmp_path, proxy, sim):
    token = tmp_path / "token"
    token.write_text("jwt")
    cfg = {"admin": {"token": "0123456789abcdef"}, **config(tmp_path, "http://127.0.0.1:1", storage(proxy))}
    static = {k: v for k, v in storage(proxy).items() if k != "credentials"}
    cfg["jobs"][0]["storages"] += [{**static, "name": "static", "access_key_id": "AKIA", "secret_access_key": "x"},
                                   {**storage(proxy), "name": "role", "assume_role_arn": "arn:aws:iam::1:role/r"}]
    path = tmp_path / "vk.json"
    path.write_text(json.dumps(cfg))
    env = {**os.environ, **chain_env(tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_ARN=ROLE)}
    out = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True,
                         text=True, timeout=20, env=env)
    assert out.returncode == 0, out.stderr
    assert f"snap: storage s3: credentials from web identity (role {ROLE})" in out.stdout
    assert "snap: storage static: credentials from static keys" in out.stdout
    assert f"snap: storage role: credentials from assume role arn:aws:iam::1:role/r over web identity" in out.stdout
    assert sim.counters() == {}  # nothing fetched
