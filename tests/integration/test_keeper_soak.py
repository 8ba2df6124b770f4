"""The keeper under a randomized soak: rekeys with kill -9 of the daemon, active node restarts and store faults
(a store directory gone for a while, a node restarted meanwhile and unsealed from the other stores) at random
instants; the seed is printed, VK_KEEPER_SOAK_SEED reproduces a run, VK_KEEPER_SOAK_REKEYS sets its size
(200 by default; the sanitizer run's test preset sets 60, the release run makes all 200). Also: a daemon started while a store is down. The stores are the mix
(keeperenv.KeeperWorld's s3: an s3 store holding the record's compare-and-swap copy, a file store and a
transit-wrapped file store; the store faults hit the two file stores). (The crash matrix, every named instant
with every fault, is test_keeper_crash.py.)"""
import collections
import os
import random
import time

import vkproc
from keeperenv import JOB, NODES, KeeperWorld, store_down
from test_snapshot_storages import s3rver  # noqa: F401 (fixture: one s3rver per module)

STORE_FAULT_RATE = 0.1  # of the soak's rekeys, those during which a store goes down for a while


def test_a_daemon_started_while_a_store_is_down_unseals_from_the_others(s3rver):  # noqa: F811
    world = KeeperWorld(s3=s3rver)
    try:
        world.start_daemon()
        world.wait_settled()
        world.stop_daemon()
        with store_down(world.stores[1]):  # at most two shards of five: the others hold the threshold of three
            world.restart_node(world.active_node())
            world.start_daemon()
            vkproc.wait_until(lambda: not any(world.seal_states()), 10, what="every node unsealed, store b down")
            job = world.daemon.job(JOB)
            assert job["state"] != "failed", job
            assert "store c is unusable: " in world.daemon.log()
        world.wait_settled()
    finally:
        world.close()


def store_down_mid_procedure(world, store, node, hold, what):
    """A store goes down and a node comes back sealed: the running keeper unseals it from the two other stores
    (the threshold is still reachable there) while its procedure fails on the third; after `hold` seconds more
    the store is back. Returns whether the keeper met the missing store (its log says so)."""
    errors_before = world.daemon.log().count("Not a directory")
    with store_down(world.stores[store]):
        world.restart_node(node)
        vkproc.wait_until(lambda: not any(world.seal_states()), 15,
                          what=f"every node unsealed with store {store} down ({what})")
        time.sleep(hold)
    return world.daemon.log().count("Not a directory") > errors_before


def test_randomized_soak(s3rver):  # noqa: F811
    rekeys = int(os.environ.get("VK_KEEPER_SOAK_REKEYS", "200"))
    seed = int(os.environ.get("VK_KEEPER_SOAK_SEED", str(random.randrange(1 << 30))))
    print(f"\nsoak: seed {seed}, {rekeys} rekeys (VK_KEEPER_SOAK_SEED={seed} reproduces the fault schedule)")
    rng = random.Random(seed)
    world = KeeperWorld(s3=s3rver)
    kills = restarts = 0
    interrupted = collections.Counter()  # the step the record was in when the daemon died
    store_faults = collections.Counter()  # how the rekey a store fault hit ended
    slowest = (0, None, False)  # seconds, which rekey, whether a store fault hit it
    started = time.monotonic()
    try:
        world.start_daemon()
        world.wait_settled()
        for i in range(rekeys):
            # every draw up front, in a fixed order: the schedule depends on the seed only
            pause = 10 ** rng.uniform(-3, -0.7)  # 1 ms to 200 ms, log-uniform: every step gets hit
            store, node, hold = rng.randrange(len(world.stores)), rng.randrange(NODES), rng.uniform(0, 0.1)
            store_fault = rng.random() < STORE_FAULT_RATE
            restart = rng.random() < 0.3
            old = world.record()["current"]["id"]
            began = time.monotonic()
            world.rekey()
            time.sleep(pause)
            if store_fault and store_down_mid_procedure(world, store, node, hold, f"rekey {i}, seed {seed}"):
                store_faults["felt by the keeper"] += 1
            if restart:
                world.restart_node(world.active_node())
                restarts += 1
            world.kill_daemon()
            kills += 1
            rec = world.record()
            if rec["step"] != "idle" or rec["audit"]:
                interrupted[rec["step"] + (" (auditing)" if rec["audit"] else "")] += 1
            world.start_daemon()
            rec = world.wait_settled(timeout=60, what=f"rekey {i} (seed {seed})")
            # A set dropped while a store was down stays there until the store is back; a cycle then removes it.
            vkproc.wait_until(lambda: world.leftovers() == {}, 10,
                              what=f"nothing left behind after rekey {i} (seed {seed})")
            slowest = max(slowest, (time.monotonic() - began, i, store_fault))
            if store_fault:  # the store is back: the rekey completed or was cleanly rolled back
                store_faults["completed" if rec["current"]["id"] != old else "rolled back"] += 1
                store_faults["total"] += 1
            else:  # the request was recorded before its 202: whatever the kill interrupted, the rekey happened
                assert rec["current"]["id"] != old, (i, seed, rec)
        print(f"soak: {rekeys} rekeys, {kills} daemon kills, {restarts} active-node restarts, "
              f"{store_faults.pop('total', 0)} store faults {dict(store_faults)}, "
              f"{time.monotonic() - started:.1f}s (slowest rekey {slowest[0]:.1f}s: #{slowest[1]}"
              f"{' with a store fault' if slowest[2] else ''}), final set {world.record()['current']['id']}; "
              f"killed mid-procedure {sum(interrupted.values())} times: {dict(interrupted)}")
    finally:
        world.close()
