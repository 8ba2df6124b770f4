"""Issue 24: the Azure storage's identities end to end. The daemon's snapshot job uploads to azurite over
HTTPS with `--oauth basic` (a throw-away CA trusted through the storage's ca_file) with a token from each
source: managed identity (cloud-sim's IMDS, user-assigned) and workload identity (the federated token file
exchanged at cloud-sim's v2 token endpoint); and with a SAS token made with the account key. azurite's debug
log shows what each request carried: the Bearer token cloud-sim issued, or the SAS in the query and no
Authorization. Then refresh: a short TTL refreshes the token (the federated token file re-read); the token
endpoint failing keeps the current token until it expires, then the cycle fails naming the identity and the
endpoint; an IMDS clock an hour off (expires_on, Date) does not stretch the token's life. --check-config says
which source each storage will use, without fetching. No token, federated token or SAS signature appears in
the daemon's log or API answers."""
import base64
import datetime
import hashlib
import hmac
import json
import os
import ssl
import subprocess
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

import tlscerts
import vkproc
from test_snapshot_aws_credentials import Run, cloud, config, sim, vault  # noqa: F401  (fixtures)
from test_snapshot_storages import AZ_ACCOUNT, AZ_KEY, azure_create_container, emulator

IDENTITY_VARIABLES = ["AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_AUTHORITY_HOST",
                      "AZURE_POD_IDENTITY_AUTHORITY_HOST"]
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"  # cloud-sim's defaults
CLIENT = "a1b2c3d4-0000-4000-8000-00000000c11e"
USER_ASSIGNED = "5f6e7d8c-0000-4000-8000-0000000000aa"
TOKEN_PATH = f"/{TENANT}/oauth2/v2.0/token"


class Azurite:
    def __init__(self, directory):
        ca = tlscerts.Authority(directory)
        self.ca_file = ca.crt
        crt, key = ca.issue("azurite", "/CN=127.0.0.1", sans=("IP:127.0.0.1",), usage="serverAuth")
        self.context = ssl.create_default_context(cafile=ca.crt)
        port = vkproc.free_port()
        self.base = f"https://127.0.0.1:{port}"
        self.debug_log = directory / "debug.log"
        self.proc = vkproc.Process([emulator("azurite-blob"), "--blobHost", "127.0.0.1", "--blobPort", str(port),
                                    "--location", str(directory), "--cert", crt, "--key", key, "--oauth", "basic",
                                    "--debug", str(self.debug_log), "--skipApiVersionCheck", "--disableTelemetry"],
                                   log_path=str(directory / "azurite.log"))
        vkproc.wait_until(self.answers, 60, what="azurite over https")
        azure_create_container(self.base, "snaps", context=self.context)

    def answers(self):
        try:
            urllib.request.urlopen(f"{self.base}/{AZ_ACCOUNT}?comp=list", timeout=1, context=self.context)
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            return False
        return True

    def requests_since(self, mark):
        """The debug log's request lines (method, URL, headers) written after `mark` (a byte offset)."""
        with open(self.debug_log, "rb") as f:
            f.seek(mark)
            text = f.read().decode(errors="replace")
        return [line for line in text.splitlines() if "BlobStorageContextMiddleware: RequestMethod=" in line
                and "/snaps" in line]

    def mark(self):
        return os.path.getsize(self.debug_log) if self.debug_log.exists() else 0


@pytest.fixture(scope="module")
def azurite(tmp_path_factory):
    a = Azurite(tmp_path_factory.mktemp("azurite-oauth"))
    yield a
    a.proc.stop()


def storage(azurite, prefix, **extra):
    return {"name": "az", "type": "azure", "account_name": AZ_ACCOUNT, "container": "snaps",
            "endpoint": f"{azurite.base}/{AZ_ACCOUNT}", "key_prefix": f"{prefix}/", "ca_file": azurite.ca_file,
            **extra}


def identity_env(**env):
    base = {name: "" for name in IDENTITY_VARIABLES}
    base.update(env)
    return base


def workload_env(sim, token_file):
    return identity_env(AZURE_FEDERATED_TOKEN_FILE=str(token_file), AZURE_CLIENT_ID=CLIENT, AZURE_TENANT_ID=TENANT,
                        AZURE_AUTHORITY_HOST=sim.url)


def issued(sim):
    return sim.call("GET", "/_sim/cloud/azure/state")["issued"]


@pytest.fixture
def run(tmp_path, vault):  # noqa: F811
    runs, secrets = [], []

    def start(storage, env, *hidden):
        secrets.extend(hidden)
        r = Run(tmp_path, vault, storage, env)
        runs.append(r)
        return r
    yield start, secrets
    for r in runs:
        answers = json.dumps(r.daemon.job("snap"))
        r.stop()
        for s in secrets:
            assert s not in r.daemon.log() and s not in answers


def outcome(job):
    """The storage's outcome in the job's last cycle ("ok" or "failed: <error>")."""
    return job["status"]["last"]["storages"]["az"]


def bearer_tokens(lines):
    tokens = set()
    for line in lines:
        headers = json.loads(line.split("RequestHeaders:", 1)[1].rsplit(" ClientIP=", 1)[0])
        tokens.add(headers.get("authorization"))
    return tokens


def test_managed_identity_user_assigned(azurite, sim, run, tmp_path):
    start, secrets = run
    sim.call("POST", "/_sim/cloud/azure/config", {"user_assigned_client_id": USER_ASSIGNED})
    mark = azurite.mark()
    r = start(storage(azurite, "mi", client_id=USER_ASSIGNED),
              identity_env(AZURE_POD_IDENTITY_AUTHORITY_HOST=sim.url))
    r.first()
    r.cycle()
    tokens = issued(sim)
    assert [(t["source"], t["client_id"]) for t in tokens] == [("imds", USER_ASSIGNED)]
    secrets.append(tokens[0]["access_token"])
    assert bearer_tokens(azurite.requests_since(mark)) == {"Bearer " + tokens[0]["access_token"]}
    assert sim.counters().get("GET /metadata/identity/oauth2/token") == 1  # cached across two cycles


def test_workload_identity(azurite, sim, run, tmp_path):
    start, secrets = run
    sim.call("POST", "/_sim/cloud/azure/config", {"federated_token": "federated-from-kubelet"})
    token_file = tmp_path / "azure-identity-token"
    token_file.write_text("federated-from-kubelet\n")
    mark = azurite.mark()
    r = start(storage(azurite, "wi"), workload_env(sim, token_file), "federated-from-kubelet")
    r.first()
    tokens = issued(sim)
    assert [(t["source"], t["client_id"]) for t in tokens] == [("workload", CLIENT)]
    secrets.append(tokens[0]["access_token"])
    assert bearer_tokens(azurite.requests_since(mark)) == {"Bearer " + tokens[0]["access_token"]}


def account_sas(expiry_minutes=10, key=AZ_KEY):
    """An account SAS (blob service, container and object resources) as "Create an account SAS" specifies its
    string-to-sign for version 2020-12-06 and later."""
    expiry = (datetime.datetime.utcnow() + datetime.timedelta(minutes=expiry_minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = {"sv": "2021-08-06", "ss": "b", "srt": "co", "sp": "rwdlac", "se": expiry, "spr": "https"}
    to_sign = "\n".join([AZ_ACCOUNT, fields["sp"], fields["ss"], fields["srt"], "", expiry, "", fields["spr"],
                         fields["sv"], "", ""])
    sig = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in {**fields, "sig": sig}.items()), quote(sig, safe="")


def test_sas_token_in_every_query_and_no_authorization(azurite, run, tmp_path):
    start, secrets = run
    sas, sig = account_sas()
    sas_file = tmp_path / "sas"
    sas_file.write_text("?" + sas + "\n")
    mark = azurite.mark()
    r = start(storage(azurite, "sas", sas_token={"file": str(sas_file)}), identity_env(), sig)
    r.first()
    lines = azurite.requests_since(mark)
    assert lines and all(f"sig={sig}" in line for line in lines)
    assert bearer_tokens(lines) == {None}


def test_wrong_sas_is_refused_without_showing_it(azurite, run, tmp_path):
    start, _ = run
    sas, sig = account_sas(key=base64.b64encode(b"not the account key").decode())
    r = start(storage(azurite, "badsas", sas_token=sas), identity_env(), sig)
    j = r.first(outcome="failed")
    assert "403" in outcome(j), j


def test_refresh_after_short_ttl_then_refresh_failure_keeps_the_token_until_it_nearly_expires(azurite, sim, run,
                                                                                       tmp_path):
    """TTL 12 s, refreshed 10 s ahead: fresh for 2 s after a fetch, then refreshed (the federated token file read
    again); with the token endpoint failing, the current token serves until 2 s before it expires (a loaded
    machine may take a second to deliver a request), then cycles fail."""
    start, secrets = run
    sim.call("POST", "/_sim/cloud/azure/config", {"ttl_seconds": 12, "federated_token": "fed-1"})
    token_file = tmp_path / "azure-identity-token"
    token_file.write_text("fed-1")
    r = start(storage(azurite, "refresh", refresh_before="10s"), workload_env(sim, token_file), "fed-1", "fed-2")
    r.first()
    token_file.write_text("fed-2")  # the kubelet rotated it
    sim.call("POST", "/_sim/cloud/azure/config", {"federated_token": "fed-2"})
    vkproc.wait_until(lambda: r.cycle() and len(issued(sim)) == 2, 10, what="refreshed token")
    secrets.extend(t["access_token"] for t in issued(sim))
    sim.call("POST", "/_sim/fail", {"method": "POST", "path": TOKEN_PATH, "status": 503, "count": 1000})
    failed = vkproc.wait_until(lambda: (lambda j: j if j["last_cycle"]["outcome"] == "failed" else None)(
        r.cycle(outcome=None)), 20, what="failure once the token expired")
    assert "refreshing the Azure token failed; the current one stays in use until it expires" in r.daemon.log()
    error = failed["last_cycle"]["error"] + " " + outcome(failed)
    assert f"workload identity (tenant {TENANT}, client {CLIENT})" in error and sim.url in error, error
    assert len(issued(sim)) == 2


def test_imds_clock_an_hour_ahead_does_not_stretch_the_token(azurite, sim, run, tmp_path):
    """expires_on (and Date) an hour ahead: read as written, the 8 s token would look good for an hour."""
    start, secrets = run
    sim.call("POST", "/_sim/cloud/azure/config", {"ttl_seconds": 8, "clock_offset_seconds": 3600})
    r = start(storage(azurite, "skew", refresh_before="5s"), identity_env(AZURE_POD_IDENTITY_AUTHORITY_HOST=sim.url))
    r.first()
    vkproc.wait_until(lambda: r.cycle() and len(issued(sim)) == 2, 10, what="refreshed token")
    secrets.extend(t["access_token"] for t in issued(sim))


def test_check_config_names_each_storage_s_source_without_fetching(azurite, sim, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("fed")
    cfg = {"admin": {"token": "0123456789abcdef"},
           **config(tmp_path, "http://127.0.0.1:1", storage(azurite, "a", name="wi"))}
    cfg["jobs"][0]["storages"] += [storage(azurite, "b", name="mi", client_id=USER_ASSIGNED),
                                   storage(azurite, "c", name="key", account_key=AZ_KEY),
                                   storage(azurite, "d", name="sas", sas_token="sv=2021-08-06&sig=x")]
    path = tmp_path / "vk.json"
    path.write_text(json.dumps(cfg))
    env = {**os.environ, **workload_env(sim, token_file)}
    out = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True,
                         text=True, timeout=20, env=env)
    assert out.returncode == 0, out.stderr
    assert f"snap: storage wi: credentials from workload identity (tenant {TENANT}, client {CLIENT})" in out.stdout
    assert f"snap: storage key: credentials from shared key" in out.stdout
    assert "snap: storage sas: credentials from SAS token" in out.stdout
    assert "sig=x" not in out.stdout
    env = {**os.environ, **identity_env(AZURE_POD_IDENTITY_AUTHORITY_HOST=sim.url)}
    out = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True,
                         text=True, timeout=20, env=env)
    assert f"snap: storage mi: credentials from managed identity (user-assigned {USER_ASSIGNED})" in out.stdout
    assert "snap: storage wi: credentials from managed identity (system-assigned)" in out.stdout
    assert sim.counters() == {}  # nothing fetched
