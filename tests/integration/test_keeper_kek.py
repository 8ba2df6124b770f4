"""Key-encryption keys that rotate: a keeper whose file stores were sealed under one KEK is restarted with
{"current": NEW, "previous": [OLD]}. Every object is rewritten under NEW in the background (its "VKS2" header
names NEW), unsealing works before, during and after, and status counts the objects still under an old key
down to 0. A kill -9 between two rewrites (VK_KEEPER_CRASH_AT=kek-rewritten) leaves every object openable by
one of the two keys, and the next daemon finishes the job. With a state_dir, when the old objects were first
seen survives the restart (the grace of VaultkeeperKeeperOldKek does not start again)."""
import base64
import json
import os
import re
import time

import pytest

import vkproc
from keeperenv import JOB, KEK, KeeperWorld, kek_id, open_sealed

NEW_KEK = bytes(range(64, 96))


def b64(key):
    return base64.b64encode(key).decode()


@pytest.fixture
def world():
    w = KeeperWorld()
    yield w
    w.close()


def rotate_config(world, grace="1h"):
    world.config["jobs"][0]["kek_rotation_grace"] = grace
    for st in world.config["jobs"][0]["stores"]:
        st["kek"] = {"current": b64(NEW_KEK), "previous": [b64(KEK)]}


def sealed_objects(world):
    """(store, name, raw bytes) of every object file."""
    out = []
    for p in world.stores:
        for n in sorted(os.listdir(p)):
            if not n.startswith("."):
                with open(os.path.join(p, n), "rb") as f:
                    out.append((os.path.basename(p), n, f.read()))
    return out


def key_of(raw):
    """NEW or OLD: which key a sealed object is under (by its header id, else by which key opens it)."""
    if raw[:4] == b"VKS2":
        return {kek_id(NEW_KEK): "new", kek_id(KEK): "old"}[raw[4:12]]
    return "old"


def old_counts(world):
    return {s["name"]: s["objects_under_old_kek"] for s in world.status()["stores"]}


def metric_values(world, name):
    _, text, _ = world.daemon.call("GET", "/metrics", token=None)
    return {m.group(1): float(m.group(2)) for m in re.finditer(name + r'\{[^}]*store="([^"]+)"[^}]*\} (\S+)', text)}


def assert_every_object_opens(world):
    for store, name, raw in sealed_objects(world):
        key = NEW_KEK if key_of(raw) == "new" else KEK
        open_sealed(raw, name, key)  # raises when it does not


def test_rotation_rewrites_every_object_and_unseal_works_throughout(world):
    world.start_daemon()
    world.wait_settled()
    assert all(raw[4:12] == kek_id(KEK) for _, _, raw in sealed_objects(world))
    world.stop_daemon()
    rotate_config(world)
    world.keks = [NEW_KEK, KEK]
    world.restart_node(1)  # sealed: the rotating daemon must unseal it with shards it opens with the old key
    world.start_daemon()
    world.wait_settled()
    vkproc.wait_until(lambda: all(c == 0 for c in old_counts(world).values()), 30,
                      what="every store's objects_under_old_kek at 0")
    assert {key_of(raw) for _, _, raw in sealed_objects(world)} == {"new"}
    assert_every_object_opens(world)
    assert set(metric_values(world, "vaultkeeper_keeper_objects_under_old_kek").values()) == {0.0}
    assert all(s["old_kek_since"] is None for s in world.status()["stores"])
    # The old key can now be dropped: a daemon with NEW alone opens everything and unseals a restarted node.
    world.stop_daemon()
    for st in world.config["jobs"][0]["stores"]:
        st["kek"] = b64(NEW_KEK)
    world.restart_node(2)
    world.start_daemon()
    world.wait_settled()
    assert all(s["usable"] for s in world.status()["stores"])


def killed_mid_rotation(world):
    """Initialised under KEK, then a daemon with the rotated config killed after its first rewrite."""
    world.start_daemon()
    world.wait_settled()
    world.stop_daemon()
    rotate_config(world)
    world.start_daemon({"VK_KEEPER_CRASH_AT": "kek-rewritten"}, wait_ready=False)
    assert world.wait_daemon_exit(timeout=30) == 86


def test_a_kill_between_rewrites_heals(world):
    killed_mid_rotation(world)
    keys = [key_of(raw) for _, _, raw in sealed_objects(world)]
    assert "new" in keys and "old" in keys, keys  # died in the middle of the rotation
    assert_every_object_opens(world)
    assert not any(n.startswith(".") for p in world.stores for n in os.listdir(p) if n.endswith(".tmp"))
    world.keks = [NEW_KEK, KEK]
    world.restart_node(0)
    world.start_daemon()
    world.wait_settled()
    vkproc.wait_until(lambda: all(c == 0 for c in old_counts(world).values()), 30,
                      what="the rotation finished after the crash")
    assert {key_of(raw) for _, _, raw in sealed_objects(world)} == {"new"}
    assert world.leftovers() == {}


def test_old_kek_since_survives_a_restart_with_a_state_dir(world):
    state_dir = os.path.join(world.dir, "state")
    world.config["jobs"][0]["state_dir"] = state_dir
    kept = os.path.join(state_dir, JOB + ".kek-since")
    killed_mid_rotation(world)  # the first-seen times were kept before the first rewrite
    with open(kept) as f:
        first = json.load(f)["old_kek_since"]
    assert set(first) == {"a", "b", "c"}, first
    vkproc.wait_until(lambda: int(time.time()) > max(first.values()), 5, what="a later second")
    # The next daemon pauses at its first rewrite, after its own look at the old objects: the times it keeps
    # are the first daemon's, not its start's.
    pause = os.path.join(world.dir, "pause")
    os.makedirs(pause)
    world.keks = [NEW_KEK, KEK]
    world.start_daemon({"VK_KEEPER_PAUSE_AT": "kek-rewrite", "VK_KEEPER_PAUSE_DIR": pause}, wait_ready=False)
    vkproc.wait_until(lambda: os.path.exists(os.path.join(pause, "paused")), 30, what="the pause at kek-rewrite")
    with open(kept) as f:
        assert json.load(f)["old_kek_since"] == first
    open(os.path.join(pause, "resume"), "w").close()
    world.wait_api()
    vkproc.wait_until(lambda: all(c == 0 for c in old_counts(world).values()), 30, what="the rotation finished")
    vkproc.wait_until(lambda: json.load(open(kept))["old_kek_since"] == {}, 15, what="the times dropped")
    assert all(s["old_kek_since"] is None for s in world.status()["stores"])
