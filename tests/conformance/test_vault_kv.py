"""KV v1 and v2 on vault-sim, driven by Debian's python3-hvac 0.11.2 (raw urllib only where hvac has no call).

Covers the mount table (sys/mounts), every KV v2 endpoint (data, metadata, delete/undelete/destroy, config,
check-and-set, patch) and KV v1, including Vault's exact error bodies and 404 rules.
"""
import json
import re

import hvac
import pytest

from fixtures_vault import DEV_ROOT_TOKEN, vault_dev  # noqa: F401  (pytest fixture)

RFC3339_NANO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")


@pytest.fixture
def client(vault_dev):
    return vault_dev.client(token=DEV_ROOT_TOKEN)


def raw(sim, method, path, body=None, headers=None, token=DEV_ROOT_TOKEN):
    return sim.raw(method, path, body=body, headers=headers, token=token)


def test_sys_mounts_lists_dev_defaults_with_sys_injection(client):
    mounts = client.sys.list_mounted_secrets_engines()
    for path in ("cubbyhole/", "identity/", "sys/", "secret/"):
        assert path in mounts["data"]
        assert path in mounts  # HTTPSysInjector: data keys copied to the top level
    secret = mounts["data"]["secret/"]
    assert secret["type"] == "kv" and secret["options"] == {"version": "2"}
    assert secret["config"] == {"default_lease_ttl": 0, "max_lease_ttl": 0, "force_no_cache": False}


def test_enable_read_and_disable_engines(client, vault_dev):
    client.sys.enable_secrets_engine("kv", path="kv2", options={"version": "2"})
    client.sys.enable_secrets_engine("kv", path="kv1", options={"version": "1"})
    mounts = client.sys.list_mounted_secrets_engines()["data"]
    assert mounts["kv2/"]["options"] == {"version": "2"}
    assert mounts["kv1/"]["options"] == {"version": "1"}
    with pytest.raises(hvac.exceptions.InvalidRequest) as dup:
        client.sys.enable_secrets_engine("kv", path="kv2")
    assert dup.value.errors == ["path is already in use at kv2/"]
    one = raw(vault_dev, "GET", "/v1/sys/mounts/kv2")
    assert one.status == 200 and one.json()["data"]["type"] == "kv"
    client.sys.disable_secrets_engine("kv2")
    r = raw(vault_dev, "GET", "/v1/kv2/data/x")
    assert r.status == 404
    assert r.json() == {"errors": ['no handler for route "kv2/data/x". route entry not found.']}


def test_kv2_write_read_versions(client):
    kv = client.secrets.kv.v2
    w1 = kv.create_or_update_secret("app/db", {"user": "a"})
    assert w1["data"]["version"] == 1 and w1["data"]["deletion_time"] == ""
    assert RFC3339_NANO.match(w1["data"]["created_time"])
    kv.create_or_update_secret("app/db", {"user": "b"})
    latest = kv.read_secret_version("app/db")
    assert latest["data"]["data"] == {"user": "b"}
    assert latest["data"]["metadata"]["version"] == 2
    assert latest["mount_type"] == "kv" and latest["lease_id"] == "" and latest["wrap_info"] is None
    assert kv.read_secret_version("app/db", version=1)["data"]["data"] == {"user": "a"}
    with pytest.raises(hvac.exceptions.InvalidPath):
        kv.read_secret_version("app/db", version=9)


def test_kv2_missing_is_404_with_empty_errors(client, vault_dev):
    with pytest.raises(hvac.exceptions.InvalidPath):
        client.secrets.kv.v2.read_secret_version("nope")
    r = raw(vault_dev, "GET", "/v1/secret/data/nope")
    assert (r.status, r.json()) == (404, {"errors": []})
    assert r.headers["Cache-Control"] == "no-store"


def test_kv2_check_and_set(client):
    kv = client.secrets.kv.v2
    kv.create_or_update_secret("cas", {"v": 1}, cas=0)
    with pytest.raises(hvac.exceptions.InvalidRequest) as e:
        kv.create_or_update_secret("cas", {"v": 2}, cas=0)
    assert e.value.errors == ["check-and-set parameter did not match the current version"]
    assert kv.create_or_update_secret("cas", {"v": 2}, cas=1)["data"]["version"] == 2
    kv.update_metadata("cas", cas_required=True)
    with pytest.raises(hvac.exceptions.InvalidRequest) as e:
        kv.create_or_update_secret("cas", {"v": 3})
    assert e.value.errors == ["check-and-set parameter required for this call"]


def test_kv2_soft_delete_undelete_destroy(client, vault_dev):
    kv = client.secrets.kv.v2
    kv.create_or_update_secret("life", {"v": 1})
    kv.create_or_update_secret("life", {"v": 2})
    kv.delete_latest_version_of_secret("life")
    r = raw(vault_dev, "GET", "/v1/secret/data/life")
    body = r.json()
    assert r.status == 404 and "errors" not in body
    assert body["data"]["data"] is None
    assert RFC3339_NANO.match(body["data"]["metadata"]["deletion_time"])
    kv.undelete_secret_versions("life", [2])
    assert kv.read_secret_version("life")["data"]["data"] == {"v": 2}
    # The Go client sends versions as strings; both forms are accepted.
    r = raw(vault_dev, "POST", "/v1/secret/delete/life", body={"versions": ["1", "2"]})
    assert r.status == 204 and r.body == b""
    kv.destroy_secret_versions("life", [1])
    meta = kv.read_secret_metadata("life")["data"]
    assert meta["versions"]["1"]["destroyed"] is True
    assert meta["versions"]["2"]["deletion_time"] != ""
    r = raw(vault_dev, "POST", "/v1/secret/destroy/life", body={"versions": []})
    assert (r.status, r.json()) == (400, {"errors": ["no version number provided"]})
    r = raw(vault_dev, "POST", "/v1/secret/undelete/life", body={})
    assert (r.status, r.json()) == (400, {"errors": ["No version number provided"]})


def test_kv2_metadata_and_max_versions(client, vault_dev):
    kv = client.secrets.kv.v2
    kv.update_metadata("meta", max_versions=2)
    # hvac 0.11.2 predates custom_metadata: write it raw.
    r = raw(vault_dev, "POST", "/v1/secret/metadata/meta", body={"custom_metadata": {"owner": "ops"}})
    assert r.status == 204
    for i in range(3):
        kv.create_or_update_secret("meta", {"i": i})
    meta = kv.read_secret_metadata("meta")["data"]
    assert meta["current_version"] == 3 and meta["oldest_version"] == 2
    assert sorted(meta["versions"]) == ["2", "3"]
    assert meta["custom_metadata"] == {"owner": "ops"}
    assert meta["delete_version_after"] == "0s" and meta["cas_required"] is False
    kv.delete_metadata_and_all_versions("meta")
    with pytest.raises(hvac.exceptions.InvalidPath):
        kv.read_secret_metadata("meta")


def test_kv2_list_and_empty_list_404(client, vault_dev):
    kv = client.secrets.kv.v2
    kv.create_or_update_secret("dir/a", {"x": 1})
    kv.create_or_update_secret("dir/sub/b", {"x": 1})
    assert kv.list_secrets("dir")["data"]["keys"] == ["a", "sub/"]
    with pytest.raises(hvac.exceptions.InvalidPath):
        kv.list_secrets("empty")
    r = raw(vault_dev, "LIST", "/v1/secret/metadata/empty")
    assert (r.status, r.json()) == (404, {"errors": []})


def test_kv2_patch_requires_merge_patch_content_type(client, vault_dev):
    kv = client.secrets.kv.v2
    kv.create_or_update_secret("p", {"a": "1", "b": "2"})
    r = raw(vault_dev, "PATCH", "/v1/secret/data/p", body={"data": {"a": "9"}},
            headers={"Content-Type": "application/json"})
    assert r.status == 415
    r = raw(vault_dev, "PATCH", "/v1/secret/data/p", body={"data": {"a": "9", "b": None}},
            headers={"Content-Type": "application/merge-patch+json"})
    assert r.status == 200 and r.json()["data"]["version"] == 2
    assert kv.read_secret_version("p")["data"]["data"] == {"a": "9"}
    # hvac 0.11.2's patch is read-modify-write through data/.
    kv.patch("p", {"c": "3"})
    assert kv.read_secret_version("p")["data"]["data"] == {"a": "9", "c": "3"}


def test_kv2_v1_style_path_warns(vault_dev):
    r = raw(vault_dev, "GET", "/v1/secret/foo")
    body = r.json()
    assert r.status == 404 and body["data"] is None
    assert body["warnings"][0].startswith("Invalid path for a versioned K/V secrets engine.")


def test_kv2_config(client):
    kv = client.secrets.kv.v2
    kv.configure(max_versions=7, cas_required=False)
    cfg = kv.read_configuration()["data"]
    assert cfg == {"cas_required": False, "delete_version_after": "0s", "max_versions": 7}


def test_kv1_engine(client, vault_dev):
    client.sys.enable_secrets_engine("kv", path="legacy", options={"version": "1"})
    kv = client.secrets.kv.v1
    kv.create_or_update_secret("a", {"k": "v"}, mount_point="legacy")
    got = kv.read_secret("a", mount_point="legacy")
    assert got["data"] == {"k": "v"} and got["lease_duration"] == 2764800
    kv.create_or_update_secret("dir/b", {"ttl": "1h"}, mount_point="legacy")
    assert kv.read_secret("dir/b", mount_point="legacy")["lease_duration"] == 3600
    assert kv.list_secrets("", mount_point="legacy")["data"]["keys"] == ["a", "dir/"]
    r = raw(vault_dev, "POST", "/v1/legacy/empty", body={})
    assert (r.status, r.json()) == (400, {"errors": ["missing data fields"]})
    kv.delete_secret("a", mount_point="legacy")
    with pytest.raises(hvac.exceptions.InvalidPath):
        kv.read_secret("a", mount_point="legacy")


def test_synthetic_load_through_control_api(client, vault_dev):
    r = vault_dev.raw("POST", "/_sim/vault/load", body={"mount": "secret/", "prefix": "bulk/s", "count": 1000})
    if r.status == 404:
        pytest.skip("control route for synthetic load not present")
    assert r.status == 200, r.body
    got = client.secrets.kv.v2.read_secret_version("bulk/s999")
    assert got["data"]["data"]["value"] == "synthetic-999"
    assert len(client.secrets.kv.v2.list_secrets("bulk")["data"]["keys"]) == 1000


def test_seeded_estate_reads_like_written_secrets_and_digests_match(client, vault_dev):
    seeded = vault_dev.control("POST", "seed", {"count": 300, "prefix": "estate", "seed": 9})
    assert seeded["seeded"] == 300 and len(seeded["paths_sample"]) == 5
    path = seeded["paths_sample"][0]
    assert path.startswith("estate/") and 2 <= len(path.split("/")) - 1 <= 6
    md = client.secrets.kv.v2.read_secret_metadata(path)["data"]
    assert md["current_version"] == 1 and md["oldest_version"] == 0 and md["custom_metadata"] is None
    assert RFC3339_NANO.match(md["created_time"]) and md["created_time"] == md["updated_time"]
    assert md["versions"]["1"] == {"created_time": md["created_time"], "deletion_time": "", "destroyed": False}
    data = client.secrets.kv.v2.read_secret_version(path)["data"]["data"]
    assert 50 <= len(json.dumps(data, separators=(",", ":"))) <= 2000
    assert path.split("/")[1] + "/" in client.secrets.kv.v2.list_secrets("estate")["data"]["keys"]
    before = vault_dev.control("GET", "digest?mount=secret/")
    assert before["secrets"] == 300 and len(before["sha256"]) == 64
    client.secrets.kv.v2.create_or_update_secret(path, {"k": "changed"})
    assert vault_dev.control("GET", "digest?mount=secret/")["sha256"] != before["sha256"]


def test_tune_reads_config_and_upgrades_v1_to_v2(client):
    client.sys.enable_secrets_engine("kv", path="grow", options={"version": "1"})
    client.secrets.kv.v1.create_or_update_secret("a", {"k": "v"}, mount_point="grow")
    tune = client.sys.read_mount_configuration("grow")
    assert tune["data"]["default_lease_ttl"] == 2764800
    client.sys.tune_mount_configuration("grow", options={"version": "2"})
    assert client.sys.list_mounted_secrets_engines()["data"]["grow/"]["options"] == {"version": "2"}
    got = client.secrets.kv.v2.read_secret_version("a", mount_point="grow")
    assert got["data"]["data"] == {"k": "v"} and got["data"]["metadata"]["version"] == 1
