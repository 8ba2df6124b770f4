"""keeper end to end: a 3-node uninitialised vault-sim and three file stores. The keeper initialises Vault
(intent recorded first, the whole answer stored before use, the root token revoked), unseals every node,
spreads the shards so no store holds the threshold, rekeys on request (verified, audited, old set dropped),
re-unseals a restarted node within an interval, leaves a foreign rekey alone; bad config is refused at its
JSON pointer."""
import json
import os
import signal
import subprocess
import time

import pytest

import vkproc
from keeperenv import JOB, KeeperWorld


@pytest.fixture
def world():
    w = KeeperWorld()
    yield w
    w.close()


def test_init_unseal_rekey_and_the_promise(world):
    world.start_daemon()
    first = world.wait_settled(what="initialised and unsealed")
    assert first["current"]["id"] == "set-1" and not first["revoke_root"]
    # spread: no store holds the threshold; encrypted at rest, 0600; the root token was revoked and dropped
    objs = world.objects()
    for store, names in objs.items():
        assert len([n for n in names if n.startswith("set-1-shard-")]) < 3, objs
        for n in names:
            path = os.path.join(world.dir, store, n)
            assert os.stat(path).st_mode & 0o777 == 0o600
            assert b"keys" not in open(path, "rb").read()
    assert world.leftovers() == {}
    old = world.keys_of("set-1")
    assert len(old) == 5

    status = vkproc.wait_until(lambda: (s := world.status())["sets"] and s, 5, what="status after a cycle")
    assert [n["state"] for n in status["nodes"]] == ["unsealed"] * 3
    assert status["sets"]["set-1"] == {"a": 2, "b": 2, "c": 1}
    assert status["procedure"]["step"] == "idle"
    assert all(k not in json.dumps(status) for k in old)

    # a restarted node is unsealed within an interval or two
    world.restart_node(2)
    vkproc.wait_until(lambda: not world.seal_states()[2], 5, what="node 2 unsealed again")

    world.rekey()
    after = vkproc.wait_until(lambda: (r := world.wait_settled()) and r["current"]["id"] != "set-1" and r, 30,
                              what="rekey done")
    assert after["last_audit_set"] == after["current"]["id"] and after["last_rekey_unix"] > 0
    assert world.leftovers() == {}, world.objects()
    new = world.keys_of(after["current"]["id"])
    assert new and set(new).isdisjoint(old)

    # old shares no longer unseal a restarted node, the new ones do
    world.stop_daemon()
    world.restart_node(1)
    assert not world.unseals_with(1, old)
    assert world.unseals_with(1, new)

    world.start_daemon()
    metrics = world.daemon.call("GET", "/metrics")[1]
    for line in ('vaultkeeper_keeper_sealed_nodes{job="keeper"} 0',
                 'vaultkeeper_keeper_rekey_step{job="keeper",step="idle"} 1',
                 "vaultkeeper_keeper_last_audit_success_timestamp_seconds"):
        vkproc.wait_until(lambda: line in world.daemon.call("GET", "/metrics")[1], 5, what=line)
    assert all(k not in world.daemon.log() for k in old + new)


def test_a_foreign_rekey_is_left_alone(world):
    world.start_daemon()
    world.wait_settled()
    status, foreign = world.vault_call(0, "PUT", "sys/rekey/init", {"secret_shares": 3, "secret_threshold": 2})
    assert status == 200, foreign
    world.rekey()
    vkproc.wait_until(lambda: "did not start" in world.status()["procedure"]["waiting"], 10, what="waiting")
    _, now = world.vault_call(0, "GET", "sys/rekey/init")
    assert now["nonce"] == foreign["nonce"] and now["progress"] == 0  # not a shard submitted to it
    world.vault_call(0, "DELETE", "sys/rekey/init", {"nonce": foreign["nonce"]})
    vkproc.wait_until(lambda: world.record()["current"]["id"] != "set-1" and world.record()["step"] == "idle",
                      30, what="our rekey after the foreign one was cancelled")


def test_bad_config_is_refused_at_its_pointer(tmp_path):
    cfg = {"admin": {"token": "0123456789abcdef0"}, "vaults": {"v": {"address": "http://127.0.0.1:1"}},
           "jobs": [{"name": "k", "kind": "keeper", "vault": "v", "init": {"secret_shares": 5, "secret_threshold": 3},
                     "stores": [{"name": "a", "type": "file", "path": "/tmp/a", "kek": "c2hvcnQ="},
                                {"name": "b", "type": "ftp"}]}]}
    path = tmp_path / "vk.json"
    path.write_text(json.dumps(cfg))
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True, text=True)
    assert r.returncode == 2
    out = r.stdout + r.stderr
    assert "/jobs/0/stores/0/kek: must be 32 bytes" in out
    assert "/jobs/0/stores/1/type: unknown store type" in out
    assert "c2hvcnQ=" not in out
    cfg["jobs"][0]["stores"] = [{"name": n, "type": "file", "path": "/tmp/" + n, "kek": "ab" * 32} for n in "ab"]
    path.write_text(json.dumps(cfg))
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True, text=True)
    assert r.returncode == 2 and "/jobs/0/stores: 2 store(s) for 5 shares would put 3 shards in one store" in r.stdout + r.stderr
    # Three stores for 4 shares, threshold 3: none reaches 3, but one lost leaves 2.
    cfg["jobs"][0]["stores"] = [{"name": n, "type": "file", "path": "/tmp/" + n, "kek": "ab" * 32} for n in "abc"]
    cfg["jobs"][0]["init"] = {"secret_shares": 4, "secret_threshold": 3}
    path.write_text(json.dumps(cfg))
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True, text=True)
    assert r.returncode == 2
    assert ("/jobs/0/stores: 3 store(s) for 4 shares leave 2 shards once the fullest store (2) is lost, below the "
            "threshold of 3") in r.stdout + r.stderr
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--config", str(path)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2 and "/jobs/0/stores: 3 store(s) for 4 shares leave 2" in r.stdout + r.stderr  # start-up
    cfg["jobs"][0]["init"] = {"secret_shares": 5, "secret_threshold": 3}
    path.write_text(json.dumps(cfg))
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_stores_that_alias_each_other_are_refused_at_their_pointer(tmp_path):
    def stores(*paths):
        return [{"name": "s%d" % i, "type": "file", "path": p, "kek": "ab" * 32} for i, p in enumerate(paths)]
    cfg = {"admin": {"token": "0123456789abcdef0"}, "vaults": {"v": {"address": "http://127.0.0.1:1"}},
           "jobs": [{"name": "keeper-1", "kind": "keeper", "vault": "v", "stores": stores("/tmp/a", "/tmp/b")},
                    {"name": "keeper-2", "kind": "keeper", "vault": "v", "stores": stores("/tmp/c", "/tmp/./b/")}]}
    path = tmp_path / "vk.json"
    path.write_text(json.dumps(cfg))
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True, text=True)
    assert r.returncode == 2
    assert ('/jobs/1/stores/1/path: the same directory as store "s1" of job "keeper-1": two stores would '
            "overwrite each other's objects") in r.stdout + r.stderr
    cfg["jobs"][1]["stores"] = stores("/tmp/c", "/tmp/d")
    path.write_text(json.dumps(cfg))
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_an_unusable_store_directory_fails_start_up(tmp_path):
    w = KeeperWorld()
    try:
        blocker = os.path.join(w.dir, "blocker")
        open(blocker, "w").close()
        w.config["jobs"][0]["stores"][2]["path"] = os.path.join(blocker, "c")
        w.start_daemon()
        job = w.daemon.wait_job(JOB, lambda j: j["state"] == "failed", 10, what="start-up check failed")
        assert "store c" in json.dumps(job)
        assert w.sim("GET", "status")["initialized"] is False  # nothing done before the stores are proven
    finally:
        w.close()


def test_a_kubernetes_store_takes_its_share():
    world = KeeperWorld(k8s=True)
    try:
        world.start_daemon()
        world.wait_settled()
        assert world.k8s_secret_names() == ["keeper-state", "set-1-shard-2"]
        world.rekey()
        rec = vkproc.wait_until(lambda: (r := world.wait_settled()) and r["current"]["id"] != "set-1" and r, 30,
                                what="rekey through the kubernetes store")
        assert world.k8s_secret_names() == ["keeper-state", rec["current"]["id"] + "-shard-2"]
        world.restart_node(0)
        vkproc.wait_until(lambda: not any(world.seal_states()), 10, what="node 0 unsealed again")
    finally:
        world.close()


def test_a_kubernetes_store_by_reference_to_a_kubeconfig_cluster():
    world = KeeperWorld(k8s="kubeconfig")
    try:
        world.start_daemon()
        world.wait_settled()
        assert world.k8s_secret_names() == ["keeper-state", "set-1-shard-2"]  # in the context's namespace
    finally:
        world.close()


def test_rekey_interval_rekeys_without_being_asked():
    world = KeeperWorld()
    try:
        world.config["jobs"][0]["rekey_interval"] = "2s"
        world.start_daemon()
        world.wait_settled()
        started = time.monotonic()
        vkproc.wait_until(lambda: set_of(world) >= 2, 15, what="a rekey from rekey_interval alone")
        assert time.monotonic() - started > 1, "rekey_interval counts from init"
        vkproc.wait_until(lambda: set_of(world) >= 3, 15, what="the next one")
        assert world.leftovers() == {}
    finally:
        world.close()


def set_of(world):
    r = world.record()
    return int(r["current"]["id"].removeprefix("set-")) if r and r["current"] and r["step"] == "idle" else 0


def test_unseal_works_while_a_store_is_down(world):
    world.start_daemon()
    world.wait_settled()
    down = world.stores[2] + ".down"
    os.rename(world.stores[2], down)  # store c (1 shard of 5) is gone: a and b still hold 4 >= 3
    try:
        world.restart_node(1)
        vkproc.wait_until(lambda: not world.seal_states()[1], 10, what="node 1 unsealed from stores a and b")
    finally:
        os.rename(down, world.stores[2])


def test_without_nodes_they_are_discovered_from_the_raft_configuration():
    """`nodes` omitted: the keeper initialises and unseals the configured address; once its vault has a token
    that reads sys/storage/raft/configuration, every raft peer is found and unsealed, including peers never
    seen unsealed (their API address derived from the layout sys/ha-status shows: vault-sim puts the cluster
    port 1000 above the API port, not Vault's default +1)."""
    world = KeeperWorld()
    token_file = os.path.join(world.dir, "vault-token")
    with open(token_file, "w") as f:
        f.write("not-yet-a-token")
    os.chmod(token_file, 0o600)
    job = world.config["jobs"][0]
    del job["nodes"]
    job["init"]["root_token"] = "store"
    world.config["vaults"]["v"]["token"] = {"file": token_file}
    try:
        world.start_daemon()
        rec = vkproc.wait_until(lambda: world.record() if world.record() and world.record()["current"] else None,
                                30, what="initialised")
        # sealed first, then refused: the warning names why
        status = vkproc.wait_until(lambda: "permission denied" in (s := world.status())["discovery"]["problem"]
                                   and s, 20, what="discovery refused for want of a token")
        assert [n["address"] for n in status["nodes"]] == [world.node_url(0)]  # only what it was told
        assert world.seal_states() == [False, True, True]
        root = world.read_object(world.stores[0], rec["current"]["id"] + "-root")  # kept: root_token "store"
        with open(token_file, "wb") as f:
            f.write(root)
        world.daemon.proc.signal(signal.SIGHUP)
        world.wait_settled(timeout=30, what="every discovered node unsealed")
        status = vkproc.wait_until(lambda: (s := world.status())["discovery"]["problem"] == "" and s, 20,
                                   what="discovery works")
        assert sorted(n["address"] for n in status["nodes"]) == [world.node_url(i) for i in range(3)]
        # A discovered node that restarts sealed is unsealed again within an interval.
        world.restart_node(2)
        vkproc.wait_until(lambda: not any(world.seal_states()), 20, what="node 2 unsealed again")
    finally:
        world.close()


def test_a_node_replaced_with_empty_storage_is_joined_to_the_raft_and_unsealed(world):
    """vault-manager never re-joins a pod that lost its raft data (it tries to unseal it forever); the keeper
    joins it to the leader and unseals it with the held shards."""
    world.start_daemon()
    world.wait_settled()
    world.sim("POST", "wipe", {"node": 2})
    assert world.sim("GET", "status")["nodes"][2]["empty"] is True
    vkproc.wait_until(lambda: not world.sim("GET", "status")["nodes"][2]["empty"] and not any(world.seal_states()),
                      20, what="node 2 joined and unsealed")
    assert "joined the raft cluster" in world.daemon.log()
    # The status says what the keeper last saw: the node unsealed once the answer to its last key came back.
    node_state = lambda: next(n["state"] for n in world.status()["nodes"] if n["address"] == world.node_url(2))  # noqa: E731
    vkproc.wait_until(lambda: node_state() == "unsealed", 10, what="node 2 unsealed in the keeper's status")
