"""vault-sim's core sys API driven by Debian's python3-hvac 0.11.2 (raw urllib only where hvac has no call or
where exact status/headers/body matter): init, unseal, seal, health, leader, step-down, rekey, raft snapshots,
standby forwarding and redirects, persistence, transport conventions."""
import io
import os
import tarfile
import time

import hvac
import pytest

from fixtures_vault import DEV_ROOT_TOKEN, VaultSim, vault_dev, vault_ha, vault_persistent, vault_sealed  # noqa: F401


def test_init_returns_shamir_shares_and_leaves_vault_sealed(vault_sealed):
    client = vault_sealed.client()
    assert client.sys.is_initialized() is False
    status = client.sys.read_seal_status()
    assert (status["initialized"], status["sealed"], status["t"], status["n"]) == (False, True, 0, 0)
    result = client.sys.initialize(secret_shares=5, secret_threshold=3)
    assert len(result["keys"]) == 5 and len(result["keys_base64"]) == 5
    assert all(len(k) == 66 for k in result["keys"])  # 32-byte key + 1-byte x coordinate, hex
    assert result["root_token"].startswith("hvs.")
    assert client.sys.is_initialized() is True
    status = client.sys.read_seal_status()
    assert (status["sealed"], status["t"], status["n"], status["progress"]) == (True, 3, 5, 0)
    with pytest.raises(hvac.exceptions.InvalidRequest) as err:
        client.sys.initialize(secret_shares=5, secret_threshold=3)
    assert err.value.errors == ["Vault is already initialized"]


def test_single_share_is_the_key_itself(vault_sealed):
    result = vault_sealed.client().sys.initialize(secret_shares=1, secret_threshold=1)
    assert len(result["keys"][0]) == 64
    assert vault_sealed.client().sys.submit_unseal_key(result["keys_base64"][0])["sealed"] is False


def test_unseal_progress_duplicates_reset_and_wrong_shares(vault_sealed):
    client = vault_sealed.client()
    keys = client.sys.initialize(secret_shares=3, secret_threshold=2)["keys"]
    status = client.sys.submit_unseal_key(keys[0])
    assert (status["sealed"], status["progress"]) == (True, 1) and status["nonce"]
    assert client.sys.submit_unseal_key(keys[0])["progress"] == 1  # same share again: no progress
    status = client.sys.submit_unseal_key(reset=True)
    assert (status["progress"], status["nonce"]) == (0, "")
    client.sys.submit_unseal_key(keys[1])
    # A wrong share with another x coordinate (its last byte) than keys[1]: with the same one, Vault (and the
    # sim) answer "duplicate part detected" instead, which one random share in 256 would hit.
    wrong = os.urandom(32) + bytes([(bytes.fromhex(keys[1])[-1] % 255) + 1])
    with pytest.raises(hvac.exceptions.InvalidRequest) as err:
        client.sys.submit_unseal_key(wrong.hex())
    assert err.value.errors == ["Unseal failed, invalid key"]
    assert client.sys.read_seal_status()["progress"] == 0
    r = vault_sealed.raw("PUT", "/v1/sys/unseal", body={"key": "not-a-key!"})
    assert (r.status, r.json()) == (400, {"errors": ["'key' must be a valid hex or base64 string"]})
    r = vault_sealed.raw("PUT", "/v1/sys/unseal", body={})
    assert r.json() == {"errors": ["'key' must be specified in request body as JSON, or 'reset' set to true"]}
    status = client.sys.submit_unseal_keys([keys[2], keys[0]])
    assert status["sealed"] is False and status["cluster_name"] and status["cluster_id"]
    with pytest.raises(hvac.exceptions.InvalidRequest) as err:
        client.sys.submit_unseal_key(reset=True)
    assert err.value.errors == ["vault is unsealed"]


def test_sealed_vault_answers_503_to_logical_requests(vault_sealed):
    r = vault_sealed.raw("GET", "/v1/secret/data/x", token="whatever")
    assert r.status == 503
    assert r.json() == {"errors": ["Vault is sealed"]}
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Content-Type"] == "application/json"


def test_seal_then_unseal_with_the_dev_key(vault_dev):
    client = vault_dev.client(token=DEV_ROOT_TOKEN)
    client.secrets.kv.v2.create_or_update_secret(path="kept", secret={"v": "1"})
    with pytest.raises(hvac.exceptions.Forbidden):
        vault_dev.client(token="bogus").sys.seal()
    assert client.sys.seal().status_code == 204
    assert client.sys.is_sealed() is True
    with pytest.raises(hvac.exceptions.VaultDown):
        client.secrets.kv.v2.read_secret_version(path="kept")
    client.sys.submit_unseal_key(vault_dev.dev_unseal_key)
    assert client.secrets.kv.v2.read_secret_version(path="kept")["data"]["data"] == {"v": "1"}


def _health(sim, node=0, query=""):
    return sim.raw("GET", "/v1/sys/health" + query, node=node)


def test_health_codes_and_overrides(vault_sealed):
    r = _health(vault_sealed)
    assert r.status == 501 and r.json()["initialized"] is False
    assert _health(vault_sealed, query="?uninitcode=200").status == 200
    keys = vault_sealed.client().sys.initialize(secret_shares=1, secret_threshold=1)["keys"]
    r = _health(vault_sealed)
    assert r.status == 503 and r.json()["sealed"] is True and "cluster_id" not in r.json()
    assert _health(vault_sealed, query="?sealedcode=299").status == 299
    vault_sealed.client().sys.submit_unseal_key(keys[0])
    r = _health(vault_sealed)
    body = r.json()
    assert r.status == 200 and body["standby"] is False and body["cluster_id"] and body["version"]
    assert _health(vault_sealed, query="?activecode=204").status == 204
    head = vault_sealed.raw("HEAD", "/v1/sys/health")
    assert (head.status, head.body, head.headers["Content-Type"]) == (200, b"", "application/json")
    response = vault_sealed.client().sys.read_health_status(method="GET")
    assert response["initialized"] is True
    bad = _health(vault_sealed, query="?activecode=abc")
    assert (bad.status, bad.json()) == (400, {"errors": []})
    assert _health(vault_sealed, query="?standbyok=maybe").status == 400


def test_health_on_standby_429_472_473(vault_ha):
    r = _health(vault_ha, node=1)
    assert r.status == 429 and r.json()["standby"] is True
    assert _health(vault_ha, node=1, query="?standbyok=true").status == 200
    assert _health(vault_ha, node=1, query="?standbycode=472").status == 472
    assert _health(vault_ha, node=1, query="?standbycode=473&perfstandbyok=true&drsecondarycode=472"
                                        "&performancestandbycode=473").status == 473
    response = vault_ha.client(1).sys.read_health_status(method="GET")
    assert response.status_code == 429 and response.json()["sealed"] is False


def test_leader_on_every_node(vault_ha):
    for node in range(3):
        leader = vault_ha.client(node).sys.read_leader_status()
        assert leader["ha_enabled"] is True
        assert leader["is_self"] is (node == 0)
        assert leader["leader_address"] == vault_ha.url(0)
        assert leader["leader_cluster_address"].startswith("https://127.0.0.1:")
    assert vault_ha.client(1).sys.read_leader_status()["active_time"] == "0001-01-01T00:00:00Z"


def test_step_down_moves_leadership_and_is_forwarded_from_standbys(vault_ha):
    root = vault_ha.init_result["root_token"]
    assert vault_ha.client(0, root).sys.step_down().status_code == 204
    assert vault_ha.client(1).sys.read_leader_status()["is_self"] is True
    assert vault_ha.client(0).sys.read_leader_status()["leader_address"] == vault_ha.url(1)
    # Sent to a standby, the step-down is forwarded to the active node (node 1), so node 2 takes over.
    vault_ha.client(0, root).sys.step_down()
    assert vault_ha.client(2).sys.read_leader_status()["is_self"] is True


def test_standby_forwards_transparently_or_redirects(vault_ha):
    root = vault_ha.init_result["root_token"]
    vault_ha.client(0, root).sys.enable_secrets_engine("kv", path="secret", options={"version": "2"})
    vault_ha.client(1, root).secrets.kv.v2.create_or_update_secret(path="fwd", secret={"a": "b"})
    assert vault_ha.client(2, root).secrets.kv.v2.read_secret_version(path="fwd")["data"]["data"] == {"a": "b"}
    r = vault_ha.raw("GET", "/v1/secret/data/fwd?version=1", node=1, token=root,
                     headers={"X-Vault-No-Request-Forwarding": "true"})
    assert r.status == 307
    assert r.headers["Location"] == vault_ha.url(0) + "/v1/secret/data/fwd?version=1"
    assert r.body == b""
    r = vault_ha.raw("GET", "/v1/sys/storage/raft/snapshot", node=2, token=root)
    assert r.status == 307 and r.headers["Location"] == vault_ha.url(0) + "/v1/sys/storage/raft/snapshot"
    # hvac (requests) follows the redirect to the active node.
    snap = vault_ha.client(2, root).sys.take_raft_snapshot()
    assert snap.status_code == 200 and snap.headers["Content-Type"] == "application/gzip"


def test_seal_is_not_forwarded_from_standbys(vault_ha):
    root = vault_ha.init_result["root_token"]
    r = vault_ha.raw("PUT", "/v1/sys/seal", node=1, token=root)
    assert r.status == 500
    assert "vault cannot seal when in standby mode" in r.json()["errors"][0]
    assert vault_ha.client(0, root).sys.seal().status_code == 204
    assert vault_ha.client(1).sys.read_leader_status()["is_self"] is True
    assert vault_ha.client(0, root).sys.seal().status_code == 204  # already sealed: nothing to do


def test_sealed_standby_and_control_api(vault_ha):
    vault_ha.control("POST", "seal", {"node": 1})
    assert vault_ha.client(1).sys.is_sealed() is True
    assert _health(vault_ha, node=1).status == 503
    assert vault_ha.raw("GET", "/v1/sys/mounts", node=1).status == 503
    leader = vault_ha.raw("GET", "/v1/sys/leader", node=1)
    assert (leader.status, leader.json()) == (503, {"errors": ["Vault is sealed"]})
    vault_ha.control("POST", "seal", {"node": 0})
    assert vault_ha.client(2).sys.read_leader_status()["is_self"] is True
    vault_ha.control("POST", "kill", {"node": 2})
    time.sleep(0.2)
    with pytest.raises(Exception):
        vault_ha.client(2).sys.read_seal_status()
    vault_ha.control("POST", "restart", {"node": 2})
    assert vault_ha.client(2).sys.is_sealed() is True
    vault_ha.unseal(vault_ha.init_result["keys"], node=2)
    assert vault_ha.client(2).sys.read_leader_status()["is_self"] is True


def _rekey_cluster(sim):
    result = sim.init_and_unseal(3, 2)
    return result["keys"], result["root_token"]


def test_rekey_without_verification(vault_sealed):
    old_keys, root = _rekey_cluster(vault_sealed)
    client = vault_sealed.client()
    status = client.sys.start_rekey(secret_shares=5, secret_threshold=3)
    assert (status["started"], status["t"], status["n"], status["required"], status["progress"]) == (True, 3, 5, 2, 0)
    nonce = status["nonce"]
    with pytest.raises(hvac.exceptions.InvalidRequest) as err:
        client.sys.start_rekey(secret_shares=5, secret_threshold=3)
    assert err.value.errors == ["rekey already in progress"]
    with pytest.raises(hvac.exceptions.InvalidRequest) as err:
        client.sys.rekey(old_keys[0], nonce="wrong")
    assert "incorrect nonce supplied" in err.value.errors[0]
    assert client.sys.rekey(old_keys[0], nonce=nonce)["progress"] == 1
    done = client.sys.rekey(old_keys[1], nonce=nonce)
    assert done["complete"] is True and len(done["keys"]) == 5 and done["verification_required"] is False
    assert client.sys.read_rekey_progress()["started"] is False
    vault_sealed.client(token=root).sys.seal()
    with pytest.raises(hvac.exceptions.InvalidRequest) as err:
        client.sys.submit_unseal_keys(old_keys)  # new threshold is 3: all three old shares, still wrong
    assert err.value.errors == ["Unseal failed, invalid key"]
    assert client.sys.submit_unseal_keys(done["keys_base64"][2:5])["sealed"] is False


def test_rekey_with_verification_takes_effect_after_verify(vault_sealed):
    old_keys, root = _rekey_cluster(vault_sealed)
    client = vault_sealed.client()
    nonce = client.sys.start_rekey(secret_shares=3, secret_threshold=2, require_verification=True)["nonce"]
    done = client.sys.rekey_multi(old_keys[:2], nonce=nonce)
    assert done["complete"] is True and done["verification_required"] is True
    vnonce = done["verification_nonce"]
    assert client.sys.read_rekey_progress()["verification_nonce"] == vnonce
    with pytest.raises(hvac.exceptions.InvalidRequest) as err:
        client.sys.rekey(old_keys[0], nonce=nonce)
    assert "verification must be performed" in err.value.errors[0]
    progress = client.sys.read_rekey_verify_progress()
    assert (progress["nonce"], progress["t"], progress["n"], progress["progress"]) == (vnonce, 2, 3, 0)
    restarted = client.sys.cancel_rekey_verify()
    assert restarted["nonce"] != vnonce
    vnonce = restarted["nonce"]
    assert client.sys.rekey_verify(done["keys"][0], vnonce)["progress"] == 1
    verified = client.sys.rekey_verify(done["keys"][2], vnonce)
    assert verified == {"nonce": vnonce, "complete": True}
    vault_sealed.client(token=root).sys.seal()
    with pytest.raises(hvac.exceptions.InvalidRequest):
        client.sys.submit_unseal_keys(old_keys[:2])
    assert client.sys.submit_unseal_keys(done["keys"][1:3])["sealed"] is False


def test_rekey_cancel_needs_the_nonce(vault_sealed):
    _rekey_cluster(vault_sealed)
    client = vault_sealed.client()
    nonce = client.sys.start_rekey(secret_shares=3, secret_threshold=2)["nonce"]
    with pytest.raises(hvac.exceptions.InvalidRequest):
        client.sys.cancel_rekey()  # hvac 0.11.2 sends no nonce: refused within 10 minutes of init
    r = vault_sealed.raw("DELETE", "/v1/sys/rekey/init", body={"nonce": nonce})
    assert (r.status, r.body) == (204, b"")
    assert client.sys.read_rekey_progress()["started"] is False
    r = vault_sealed.raw("PUT", "/v1/sys/rekey/init", body={"secret_shares": 3, "secret_threshold": 2, "Backup": True})
    assert r.json() == {"errors": ["cannot request a backup of the new keys without providing PGP keys for encryption"]}


def test_pending_rekey_is_lost_on_seal(vault_sealed):
    old_keys, root = _rekey_cluster(vault_sealed)
    client = vault_sealed.client()
    nonce = client.sys.start_rekey(secret_shares=3, secret_threshold=2, require_verification=True)["nonce"]
    client.sys.rekey_multi(old_keys[:2], nonce=nonce)
    vault_sealed.client(token=root).sys.seal()
    assert client.sys.submit_unseal_keys(old_keys[:2])["sealed"] is False
    assert client.sys.read_rekey_progress()["started"] is False


def test_pending_rekey_is_lost_on_restart(vault_persistent):
    old_keys, root = _rekey_cluster(vault_persistent)
    client = vault_persistent.client()
    nonce = client.sys.start_rekey(secret_shares=3, secret_threshold=2, require_verification=True)["nonce"]
    new_keys = client.sys.rekey_multi(old_keys[:2], nonce=nonce)["keys"]
    vault_persistent.restart()
    client = vault_persistent.client()
    assert client.sys.is_sealed() is True
    with pytest.raises(hvac.exceptions.InvalidRequest):
        client.sys.submit_unseal_keys(new_keys[:2])
    assert client.sys.submit_unseal_keys(old_keys[1:3])["sealed"] is False
    assert client.sys.read_rekey_progress()["started"] is False


def test_persistence_survives_restart_sealed(vault_persistent):
    result = vault_persistent.init_and_unseal(3, 2)
    client = vault_persistent.client(token=result["root_token"])
    client.sys.enable_secrets_engine("kv", path="secret", options={"version": "2"})
    for i in range(50):
        client.secrets.kv.v2.create_or_update_secret(path=f"p{i}", secret={"i": i})
    client.secrets.kv.v2.delete_metadata_and_all_versions(path="p7")
    index_before = client.sys.read_leader_status()["raft_committed_index"]
    vault_persistent.restart()
    client = vault_persistent.client(token=result["root_token"])
    assert client.sys.is_initialized() is True and client.sys.is_sealed() is True
    client.sys.submit_unseal_keys(result["keys"][:2])
    assert client.secrets.kv.v2.read_secret_version(path="p42")["data"]["data"] == {"i": 42}
    assert client.sys.read_leader_status()["raft_committed_index"] >= index_before
    with pytest.raises(hvac.exceptions.InvalidPath):
        client.secrets.kv.v2.read_secret_version(path="p7")
    journal = open(os.path.join(vault_persistent.data_dir, "journal.bin"), "rb").read()
    assert b"p42" not in journal  # encrypted at rest


def _members(archive):
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]


def test_raft_snapshot_take_and_restore(vault_dev):
    client = vault_dev.client(token=DEV_ROOT_TOKEN)
    client.secrets.kv.v2.create_or_update_secret(path="a", secret={"v": "before"})
    snap = client.sys.take_raft_snapshot()
    assert snap.status_code == 200
    assert snap.headers["Content-Type"] == "application/gzip"
    assert snap.headers["Cache-Control"] == "no-store"
    archive = snap.content
    names = [name for name, _ in _members(archive)]
    assert names == ["meta.json", "state.bin", "SHA256SUMS", "SHA256SUMS.sealed"]
    client.secrets.kv.v2.create_or_update_secret(path="a", secret={"v": "after"})
    client.secrets.kv.v2.create_or_update_secret(path="b", secret={"v": "new"})
    assert client.sys.restore_raft_snapshot(archive).status_code == 204
    assert client.secrets.kv.v2.read_secret_version(path="a")["data"]["data"] == {"v": "before"}
    with pytest.raises(hvac.exceptions.InvalidPath):
        client.secrets.kv.v2.read_secret_version(path="b")
    with pytest.raises(hvac.exceptions.Forbidden):
        vault_dev.client(token="nope").sys.take_raft_snapshot()
    r = vault_dev.raw("POST", "/v1/sys/storage/raft/snapshot", body=archive[:len(archive) // 2], token=DEV_ROOT_TOKEN)
    assert r.status == 400 and r.json()["errors"]


def test_snapshot_size_grows_with_data(vault_dev):
    client = vault_dev.client(token=DEV_ROOT_TOKEN)
    small = len(client.sys.take_raft_snapshot().content)
    # 2,000: hvac reads the body through requests' .json() first, whose charset guess costs ~4 s a MiB.
    vault_dev.control("POST", "load", {"count": 2000, "mount": "secret/", "prefix": "bulk/"})
    big = len(client.sys.take_raft_snapshot().content)
    assert big > 20 * small


def test_snapshot_from_another_cluster_needs_force(vault_dev):
    other = VaultSim(dev_root_token="other-root")
    try:
        other.client(token="other-root").secrets.kv.v2.create_or_update_secret(path="theirs", secret={"x": "1"})
        archive = other.client(token="other-root").sys.take_raft_snapshot().content
        client = vault_dev.client(token=DEV_ROOT_TOKEN)
        with pytest.raises(hvac.exceptions.InvalidRequest):
            client.sys.restore_raft_snapshot(archive)
        assert client.sys.force_restore_raft_snapshot(archive).status_code == 204
        # The restored state carries the other cluster's keys: unseal with them, then its data and tokens work.
        assert client.sys.is_sealed() is True
        client.sys.submit_unseal_key(other.dev_unseal_key)
        theirs = vault_dev.client(token="other-root").secrets.kv.v2.read_secret_version(path="theirs")
        assert theirs["data"]["data"] == {"x": "1"}
    finally:
        other.close()


def test_transport_conventions(vault_dev):
    r = vault_dev.raw("BREW", "/v1/secret/data/x", token=DEV_ROOT_TOKEN)
    assert (r.status, r.json(), r.headers["Cache-Control"]) == (405, {"errors": []}, "no-store")
    r = vault_dev.raw("POST", "/v1/secret/data/x", body="{not json", token=DEV_ROOT_TOKEN)
    assert (r.status, r.json()) == (400, {"errors": ["error parsing JSON"]})
    vault_dev.client(token=DEV_ROOT_TOKEN).secrets.kv.v2.create_or_update_secret(path="dir/x", secret={"a": 1})
    listed = vault_dev.raw("LIST", "/v1/secret/metadata/dir", token=DEV_ROOT_TOKEN)
    assert listed.status == 200 and listed.json()["data"]["keys"] == ["x"]
    as_get = vault_dev.raw("GET", "/v1/secret/metadata/dir?list=true", token=DEV_ROOT_TOKEN)
    assert as_get.json()["data"]["keys"] == ["x"]
    bad = vault_dev.raw("GET", "/v1/secret/metadata/dir?list=maybe", token=DEV_ROOT_TOKEN)
    assert (bad.status, bad.json()) == (400, {"errors": []})
    big = vault_dev.raw("POST", "/v1/secret/data/big", body=b"{" + b" " * (33 << 20) + b"}", token=DEV_ROOT_TOKEN)
    assert big.status == 413
    for path in ("/v1/sys/health", "/v1/sys/seal-status", "/v1/sys/leader", "/v1/sys/init"):
        assert vault_dev.raw("GET", path).headers["Cache-Control"] == "no-store"
    assert vault_dev.raw("DELETE", "/v1/sys/seal-status").status == 405
    config = vault_dev.client(token=DEV_ROOT_TOKEN).sys.read_raft_config()["data"]["config"]
    assert [s["node_id"] for s in config["servers"]] == ["node0"] and config["servers"][0]["leader"] is True


def test_synthetic_load_is_fast(vault_dev):
    started = time.monotonic()
    result = vault_dev.control("POST", "load", {"count": 100000, "mount": "secret/", "prefix": "bench/"})
    assert result["loaded"] == 100000
    assert time.monotonic() - started < 5.0
    secret = vault_dev.client(token=DEV_ROOT_TOKEN).secrets.kv.v2.read_secret_version(path="bench/99999")
    assert secret["data"]["metadata"]["version"] == 1
    counters = vault_dev.raw("GET", "/_sim/counters").json()
    assert counters


def test_forced_foreign_restore_survives_a_restart_before_unseal(vault_persistent):
    result = vault_persistent.init_and_unseal(1, 1)
    other = VaultSim(dev_root_token="other-root")
    try:
        other.client(token="other-root").secrets.kv.v2.create_or_update_secret(path="moved", secret={"k": "v"})
        archive = other.client(token="other-root").sys.take_raft_snapshot().content
        mine = vault_persistent.client(token=result["root_token"])
        assert mine.sys.force_restore_raft_snapshot(archive).status_code == 204
        vault_persistent.restart()
        client = vault_persistent.client()
        assert client.sys.is_sealed() is True
        with pytest.raises(hvac.exceptions.InvalidRequest):
            client.sys.submit_unseal_key(result["keys"][0])
        client.sys.submit_unseal_key(other.dev_unseal_key)
        moved = vault_persistent.client(token="other-root").secrets.kv.v2.read_secret_version(path="moved")
        assert moved["data"]["data"] == {"k": "v"}
        vault_persistent.restart()
        vault_persistent.client().sys.submit_unseal_key(other.dev_unseal_key)
        assert vault_persistent.client(token="other-root").secrets.kv.v2.read_secret_version(path="moved")
    finally:
        other.close()


def test_ha_status_lists_the_nodes_the_active_hears_from(vault_ha):
    root = vault_ha.init_result["root_token"]
    # hvac has no helper for sys/ha-status: its adapter still speaks to it (auth header, JSON, errors).
    status = vault_ha.client(1, root).adapter.get("/v1/sys/ha-status")  # forwarded from a standby
    nodes = {n["api_address"]: n for n in status["nodes"]}
    assert status["data"]["nodes"] == status["nodes"]  # injected at the top level, as Vault does
    assert sorted(nodes) == sorted(vault_ha.url(i) for i in range(3))
    assert nodes[vault_ha.url(0)]["active_node"] is True and nodes[vault_ha.url(0)]["last_echo"] is None
    assert nodes[vault_ha.url(1)]["active_node"] is False and nodes[vault_ha.url(1)]["last_echo"]
    raft = vault_ha.client(0, root).sys.read_raft_config()["data"]["config"]["servers"]
    assert sorted(n["cluster_address"] for n in nodes.values()) == sorted("https://" + s["address"] for s in raft)
    vault_ha.control("POST", "seal", {"node": 2})  # a sealed standby sends no echo: missing, as in Vault
    assert vault_ha.url(2) not in [n["api_address"] for n in vault_ha.client(0, root).adapter.get(
        "/v1/sys/ha-status")["nodes"]]
    with pytest.raises(hvac.exceptions.Forbidden):
        vault_ha.client(0, "not-a-token").adapter.get("/v1/sys/ha-status")


def test_a_replaced_node_is_uninitialised_until_it_joins_then_unseals_with_the_cluster_keys(vault_ha):
    root, keys = vault_ha.init_result["root_token"], vault_ha.init_result["keys"]
    vault_ha.control("POST", "wipe", {"node": 2})  # a pod replaced with empty storage
    fresh = vault_ha.client(2)
    status = fresh.sys.read_seal_status()
    assert (status["initialized"], status["sealed"], status["t"]) == (False, True, 0)
    assert fresh.sys.read_init_status()["initialized"] is False
    assert _health(vault_ha, node=2).status == 501
    raft = vault_ha.client(0, root).sys.read_raft_config()["data"]["config"]["servers"]
    assert len(raft) == 2  # not a peer until it joins
    with pytest.raises(hvac.exceptions.InvalidRequest, match="not initialized"):
        fresh.sys.submit_unseal_key(keys[0])
    with pytest.raises(hvac.exceptions.InternalServerError, match="failed to join"):
        fresh.sys.join_raft_cluster(leader_api_addr="http://127.0.0.1:1")
    assert fresh.sys.join_raft_cluster(leader_api_addr=vault_ha.url(0)) == {"joined": True}
    assert fresh.sys.read_seal_status()["initialized"] is True
    vault_ha.unseal(keys, node=2)  # the cluster's keys unseal it: it is a member again
    assert len(vault_ha.client(0, root).sys.read_raft_config()["data"]["config"]["servers"]) == 3
    with pytest.raises(hvac.exceptions.InternalServerError, match="initialized cluster"):
        vault_ha.client(1).sys.join_raft_cluster(leader_api_addr=vault_ha.url(0))
