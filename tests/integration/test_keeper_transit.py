"""Transit-wrapped key-encryption keys: store "a" of a keeper seals every object as a "VKT1" envelope whose data
key a second vault-sim (the "ops" Vault, transit mount, key keeper-a) wraps; stores "b" and "c" keep a static
KEK. With 5 shares and threshold 3 over a, b, c (a holds 2), b and c alone still unseal. The keeper unseals
through the envelopes; with the ops Vault down it still unseals from b and c and its status says store a waits
on Vault ops; a rotation of the transit key gets every wrap moved to the new version in the background by
transit's rewrap (the sealed bodies unchanged: the data keys never leave that Vault in clear); a kill -9
between two rewraps heals. An s3 store (s3rver behind the enforcing proxy) under a transit kek does the same."""
import base64
import os
import re

import pytest

import vkproc
from keeperenv import KEK, NODES, KeeperWorld, split_envelope, wrap_version
from test_snapshot_storages import s3rver  # noqa: F401 (fixture)

OPS_TOKEN = "ops-root"
KEY = "keeper-a"


class TransitWorld(KeeperWorld):
    """KeeperWorld whose store a's kek is the ops Vault's transit key."""

    def __init__(self):
        super().__init__()
        self.ops_port = vkproc.free_port()
        self.ops = None
        self.start_ops()
        status, body = self.ops_call("POST", "sys/mounts/transit", {"type": "transit"})
        assert status < 300, body
        status, body = self.ops_call("POST", f"transit/keys/{KEY}", {})
        assert status < 300, body
        self.config["vaults"]["ops"] = {"address": self.ops_url(), "token": OPS_TOKEN}
        self.config["jobs"][0]["stores"][0]["kek"] = {"transit": {"vault": "ops", "key": KEY}}
        self.transit_stores = {"a"}  # its Vault may be down: record() reads b and c

    def ops_url(self):
        return f"http://127.0.0.1:{self.ops_port}"

    def start_ops(self):
        self.ops = vkproc.Process(
            [vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{self.ops_port}", "--nodes", "1",
             "--dev-root-token", OPS_TOKEN],
            ready_url=self.ops_url() + "/v1/sys/health", log_path=os.path.join(self.dir, "ops.log"))

    def stop_ops(self):
        self.ops.stop()
        self.ops = None

    def ops_call(self, method, path, body=None):
        return vkproc.json_call(method, self.ops_url() + "/v1/" + path, body, token=OPS_TOKEN)

    def unwrap(self, wrap):
        status, out = self.ops_call("POST", f"transit/decrypt/{KEY}", {"ciphertext": wrap.decode()})
        assert status == 200, out
        return base64.b64decode(out["data"]["plaintext"])

    def close(self):
        if self.ops:
            self.stop_ops()
        super().close()


def wrap_versions(world):
    """The transit key version of every object of store a."""
    out = {}
    path = world.stores[0]
    for n in sorted(os.listdir(path)):
        if not n.startswith("."):
            with open(os.path.join(path, n), "rb") as f:
                out[n] = wrap_version(f.read())
    return out


def store_status(world, name="a"):
    return next(s for s in world.status()["stores"] if s["name"] == name)


def metric(world, name, store="a"):
    _, text, _ = world.daemon.call("GET", "/metrics", token=None)
    m = re.search(name + r'\{[^}]*store="' + store + r'"[^}]*\} (\S+)', text)
    return float(m.group(1)) if m else None


@pytest.fixture
def world():
    w = TransitWorld()
    yield w
    w.close()


def test_transit_store_holds_envelopes_and_unseals(world):
    world.start_daemon()
    world.wait_settled()
    versions = wrap_versions(world)
    assert versions and set(versions.values()) == {1}, versions
    for n in versions:
        world.read_object(world.stores[0], n)  # opens through the ops Vault
    # The transit store holds shards: a node restarted unseals with them among the others.
    world.restart_node(1)
    world.wait_settled()
    a = store_status(world)
    assert a["usable"] is True
    assert a["transit"]["vault"] == "ops" and a["transit"]["waits_on_vault"] is None
    assert a["transit"]["objects_under_old_wrap"] == 0
    # The lowest version in use is known from the first read that found objects (the cycle after init).
    names = ("latest_version", "min_decryption_version", "lowest_wrap_version")
    vkproc.wait_until(lambda: [metric(world, "vaultkeeper_keeper_transit_" + n) for n in names] == [1, 1, 1], 15,
                      what="the transit key's versions and the lowest in use as metrics")


def test_with_the_transit_vault_down_the_keeper_unseals_from_the_other_stores(world):
    world.start_daemon()
    world.wait_settled()
    world.stop_daemon()
    world.stop_ops()
    world.restart_node(0)
    world.restart_node(2)
    world.start_daemon()
    world.wait_settled(what="every node unsealed from stores b and c")
    a = vkproc.wait_until(lambda: (s := store_status(world)) and s["transit"]["waits_on_vault"] == "ops" and s,
                          15, what="status: store a waits on Vault ops")
    assert a["usable"] is False and "ops" in a["reason"], a
    assert all(store_status(world, n)["usable"] for n in ("b", "c"))


def shard_bodies(read_raw, names):
    """The sealed body of each shard object (a rewrap leaves it as it is; sealing again would not)."""
    return {n: split_envelope(read_raw(n))[1] for n in names if "-shard-" in n}


def rewrap_calls(transit_addr, token):
    status, body = vkproc.json_call("GET", f"{transit_addr}/_sim/vault/requests?prefix=/rewrap/", token=token)
    assert status == 200, body
    return sum(body["requests"].values())


def test_a_rotated_transit_key_gets_every_object_rewrapped(world):
    world.start_daemon()
    world.wait_settled()
    read_raw = lambda n: open(os.path.join(world.stores[0], n), "rb").read()  # noqa: E731
    bodies = shard_bodies(read_raw, wrap_versions(world))
    status, body = world.ops_call("POST", f"transit/keys/{KEY}/rotate", {})
    assert status < 300, body
    vkproc.wait_until(lambda: set(wrap_versions(world).values()) == {2}, 30,
                      what="every object of store a wrapped under version 2")
    assert shard_bodies(read_raw, bodies) == bodies  # rewrapped, not sealed again
    assert rewrap_calls(world.ops_url(), OPS_TOKEN) >= len(bodies)
    vkproc.wait_until(lambda: store_status(world)["transit"]["objects_under_old_wrap"] == 0, 15,
                      what="objects_under_old_wrap at 0")
    assert store_status(world)["transit"]["latest_version"] == 2
    # Version 1 can now be retired without stranding anything.
    status, body = world.ops_call("POST", f"transit/keys/{KEY}/config", {"min_decryption_version": 2})
    assert status < 300, body
    world.restart_node(1)
    world.wait_settled()
    assert store_status(world)["usable"] is True


def test_a_kill_between_rewraps_heals(world):
    world.start_daemon()
    world.wait_settled()
    world.stop_daemon()
    status, body = world.ops_call("POST", f"transit/keys/{KEY}/rotate", {})
    assert status < 300, body
    world.start_daemon({"VK_KEEPER_CRASH_AT": "kek-rewritten"}, wait_ready=False)
    assert world.wait_daemon_exit(timeout=30) == 86
    versions = wrap_versions(world)
    assert set(versions.values()) == {1, 2}, versions  # died in the middle of the rewrap
    for n in versions:
        world.read_object(world.stores[0], n)
    world.restart_node(0)
    world.start_daemon()
    world.wait_settled()
    vkproc.wait_until(lambda: set(wrap_versions(world).values()) == {2}, 30, what="the rewrap finished")
    assert world.leftovers() == {}


def test_an_s3_store_under_a_transit_kek(s3rver):  # noqa: F811
    """The mix of keeperenv with the transit key on the s3 store o (the record's home) and store c static:
    init writes envelopes to the bucket, a rotation gets them rewrapped there, and with the transit Vault down
    every node unseals from a and c while status says store o waits on it."""
    world = KeeperWorld(s3=s3rver)
    try:
        stores = world.config["jobs"][0]["stores"]
        stores[0]["kek"], stores[2]["kek"] = world.transit.transit_kek(), base64.b64encode(KEK).decode()
        world.transit_stores = {"o"}
        world.start_daemon()
        world.wait_settled()
        versions = lambda: {wrap_version(world.s3_raw(n)) for n in world.s3_names()}  # noqa: E731
        assert versions() == {1}
        assert world.shard_keys(world.record()["current"]["id"])  # o's shards open through the transit Vault
        bodies = shard_bodies(world.s3_raw, world.s3_names())
        assert bodies
        status, body = vkproc.json_call("POST", f"{world.transit.addr}/v1/transit/keys/{KEY}/rotate", {},
                                        token=world.transit.token)
        assert status < 300, body
        vkproc.wait_until(lambda: versions() == {2}, 30, what="every object of store o wrapped under version 2")
        assert shard_bodies(world.s3_raw, bodies) == bodies
        assert rewrap_calls(world.transit.addr, world.transit.token) >= len(bodies)
        vkproc.wait_until(lambda: store_status(world, "o")["transit"]["objects_under_old_wrap"] == 0, 15,
                          what="objects_under_old_wrap at 0")
        world.stop_daemon()
        world.transit.stop()
        for i in range(NODES):
            world.restart_node(i)
        world.start_daemon()
        world.wait_settled(what="every node unsealed from stores a and c")
        o = vkproc.wait_until(lambda: (s := store_status(world, "o")) and s["transit"]["waits_on_vault"] == "ops"
                              and s, 15, what="status: store o waits on Vault ops")
        assert o["usable"] is False and "ops" in o["reason"], o
    finally:
        world.close()
