"""The keeper's crash matrix: the test daemon dies (VK_KEEPER_CRASH_AT) or pauses (VK_KEEPER_PAUSE_AT) at
every named instant between two durable or remote effects of init and rekey, and for each instant one of:
our process killed; the active vault-sim node restarted (sealed, pending rekey lost); both; a standby node
restarted (sealed: it must be unsealed again while the procedure goes on). Then what was
killed is restarted and the promise checked: (a) every node unseals from the stores, (b) the procedure
completes or cleanly rolls back, (c) after completion the old shares no longer unseal a restarted node and
the new ones do, (d) nothing is left behind in the stores. The matrix is printed as a table. Then a
randomized soak: rekeys with kill -9 of the daemon, active node restarts and store faults (a store
directory gone for a while, a node restarted meanwhile and unsealed from the other stores) at random instants;
the seed is printed, VK_KEEPER_SOAK_SEED reproduces a run, VK_KEEPER_SOAK_REKEYS sets its size
(200 by default)."""
import collections
import contextlib
import os
import random
import time

import pytest

import vkproc
from keeperenv import JOB, NODES, KeeperWorld
from vkdaemon import WebhookReceiver

REKEY_POINTS = [
    "recorded-requested", "rekey-init-answered", "recorded-started", "update-partial", "update-answered",
    "pending-stored", "recorded-pending_stored", "verify-partial", "verify-answered", "recorded-promoted",
    "audit-recorded", "audit-init-answered", "audit-nonce-recorded", "audit-partial", "audit-answered",
    "audit-cancelled", "audit-verdict-recorded", "recorded-audited", "set-deleted", "recorded-idle",
]
INIT_POINTS = ["recorded-init_intent", "init-answered", "init-stored", "recorded-idle", "root-revoked"]
FAULTS = ["daemon", "vault", "both", "standby"]
# The one window no design closes: Vault answered sys/init and we died before storing it. The keeper must
# say so (fatal, webhook) rather than go on; Vault cannot be asked again.
EXPECTED_FATAL = {("init-answered", "daemon"), ("init-answered", "both")}
STORE_FAULT_RATE = 0.1  # of the soak's rekeys, those during which a store goes down for a while

results = []


def set_number(set_id):
    return int(set_id.removeprefix("set-"))


def inject(world, point, fault):
    """Runs the daemon up to `point` with the fault, then restarts what was killed."""
    if fault in ("daemon", "both"):
        world.start_daemon({"VK_KEEPER_CRASH_AT": point}, wait_ready=False)  # may die before it answers
        return world.daemon
    pause = os.path.join(world.dir, "pause-" + point)  # fresh per cell: its paused/resume files are its own
    os.makedirs(pause)
    world.start_daemon({"VK_KEEPER_PAUSE_AT": point, "VK_KEEPER_PAUSE_DIR": pause}, wait_ready=False)
    return pause


def standby_of(active):
    """A node that is not the active one (the next one round the ring)."""
    return (active + 1) % NODES


def after_point(world, point, fault, pause_dir):
    """Waits for the instant, applies the fault, restarts what was killed."""
    if fault in ("daemon", "both"):
        code = world.wait_daemon_exit(timeout=30)
        assert code == 86, f"daemon exited {code} before reaching {point}"
        if fault == "both":
            world.restart_node(world.active_node())
        world.start_daemon()
    else:
        vkproc.wait_until(lambda: os.path.exists(os.path.join(pause_dir, "paused")), 30, what=f"pause at {point}")
        active = world.active_node()
        node = active if fault == "vault" else standby_of(active)
        world.restart_node(node)
        assert world.seal_states()[node], f"node {node} is not sealed after its restart"  # the fault is real
        open(os.path.join(pause_dir, "resume"), "w").close()


def check_promise(world, old_set, old_keys):
    """(a), (b), (d), then (c) with the daemon stopped; returns the outcome for the table."""
    rec = world.wait_settled(timeout=60)
    assert world.leftovers() == {}, world.objects()
    new_set = rec["current"]["id"]
    new_keys = world.keys_of(new_set)
    world.stop_daemon()
    world.restart_node(2)
    if new_set == old_set:
        assert world.unseals_with(2, old_keys)
        outcome = "rolled back"
    else:
        assert not world.unseals_with(2, old_keys), "old shares still unseal"
        assert world.unseals_with(2, new_keys), "new shares do not unseal"
        outcome = "completed" if set_number(new_set) == set_number(old_set) + 1 else "completed after a retry"
    return outcome


@pytest.fixture(scope="module")
def table():
    yield results
    width = max(len(p) for p in REKEY_POINTS + INIT_POINTS) + 7
    cell = max([24] + [len(o) for (_, _, _, o) in results])
    lines = ["", f"{'point':<{width}} | " + " | ".join(f"{f:<{cell}}" for f in FAULTS)]
    for phase, point in [("init", p) for p in INIT_POINTS] + [("rekey", p) for p in REKEY_POINTS]:
        row = {f: o for (ph, p, f, o) in results if ph == phase and p == point}
        lines.append(f"{phase + ':' + point:<{width}} | "
                     + " | ".join(f"{row.get(f, '-'):<{cell}}" for f in FAULTS))
    print("\n".join(lines))


@pytest.mark.parametrize("fault", FAULTS)
def test_rekey_crash_matrix(table, fault):
    world = KeeperWorld()
    try:
        world.start_daemon()
        world.wait_settled()
        world.stop_daemon()
        for point in REKEY_POINTS:
            old = world.record()["current"]["id"]
            old_keys = world.keys_of(old)
            handle = inject(world, point, fault)
            world.wait_api()
            answer = world.rekey_in_background()
            after_point(world, point, fault, handle)
            if point == "recorded-requested" and fault in ("daemon", "both"):
                # killed after recording the request, before answering: the request still happens
                assert answer.result(timeout=30) is None
            else:
                assert answer.result(timeout=30) == 202
            outcome = check_promise(world, old, old_keys)
            world.start_daemon()
            world.wait_settled()
            world.stop_daemon()
            results.append(("rekey", point, fault, outcome))
    finally:
        world.close()


@pytest.mark.parametrize("fault", FAULTS)
def test_init_crash_matrix(table, fault):
    for point in INIT_POINTS:
        world = KeeperWorld()
        hook = WebhookReceiver()
        world.config["notify"] = {"webhook": {"url": hook.url}}
        try:
            handle = inject(world, point, fault)
            after_point(world, point, fault, handle)
            if (point, fault) in EXPECTED_FATAL:
                job = world.daemon.wait_job(JOB, lambda j: j["state"] == "failed", 20, what="fatal")
                assert "init answer was lost" in str(job)
                said = vkproc.wait_until(lambda: [r["body"] for r in hook.received
                                                  if "init answer was lost" in r["body"]["error"]], 20,
                                         what="the webhook told a human")
                assert said[0]["severity"] == "fatal" and said[0]["job"] == JOB
                results.append(("init", point, fault, "fatal: keys lost (expected)"))
                continue
            rec = world.wait_settled(timeout=30)
            assert rec["current"]["id"] == "set-1" and world.leftovers() == {}
            results.append(("init", point, fault, "initialised"))
        finally:
            world.close()
            hook.close()


@contextlib.contextmanager
def store_down(path):
    """The store's directory goes away and a plain file takes its place, so every open, list, write and mkdir
    there fails, for root too (a chmod 000 would not stop root); then the directory comes back as it was."""
    away = path + ".away"
    os.rename(path, away)
    open(path, "w").close()
    try:
        yield
    finally:
        os.remove(path)
        os.rename(away, path)


def test_a_daemon_started_while_a_store_is_down_unseals_from_the_others():
    world = KeeperWorld()
    try:
        world.start_daemon()
        world.wait_settled()
        world.stop_daemon()
        with store_down(world.stores[1]):  # two shards of five: the other stores hold the threshold of three
            world.restart_node(world.active_node())
            world.start_daemon()
            vkproc.wait_until(lambda: not any(world.seal_states()), 10, what="every node unsealed, store b down")
            job = world.daemon.job(JOB)
            assert job["state"] != "failed", job
            assert "store b is unusable: " in world.daemon.log()
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


def test_randomized_soak():
    rekeys = int(os.environ.get("VK_KEEPER_SOAK_REKEYS", "200"))
    seed = int(os.environ.get("VK_KEEPER_SOAK_SEED", str(random.randrange(1 << 30))))
    print(f"\nsoak: seed {seed}, {rekeys} rekeys (VK_KEEPER_SOAK_SEED={seed} reproduces the fault schedule)")
    rng = random.Random(seed)
    world = KeeperWorld()
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
