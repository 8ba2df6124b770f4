"""The keeper's crash matrix: the test daemon dies (VK_KEEPER_CRASH_AT) or pauses (VK_KEEPER_PAUSE_AT) at
every named instant between two durable or remote effects of init and rekey, and for each instant one of:
our process killed; the active vault-sim node restarted (sealed, pending rekey lost); both; a standby node
restarted (sealed: it must be unsealed again while the procedure goes on). Then what was
killed is restarted and the promise checked: (a) every node unseals from the stores, (b) the procedure
completes or cleanly rolls back, (c) after completion the old shares no longer unseal a restarted node and
the new ones do, (d) nothing is left behind in the stores. The stores are the mix (keeperenv.KeeperWorld's s3):
an s3 store (s3rver behind the enforcing proxy) holding the record's compare-and-swap copy, a file store and a
transit-wrapped file store. The matrix is printed as a table. The sanitizer build runs a third of the points
per fault (rotating which third, so every point and every fault still runs), the release build every cell.
The randomized soak is test_keeper_soak.py."""
import os

import pytest

import vkproc
from keeperenv import JOB, NODES, KeeperWorld
from test_snapshot_storages import s3rver  # noqa: F401 (fixture: one s3rver per module)
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

results = []


def points_for(points, fault):
    """Every point in the release build; under the sanitizers (each cell several times slower) the third of
    them that this fault's turn picks, so that the faults between them still cover every point."""
    if not vkproc.sanitized():
        return points
    turn = FAULTS.index(fault) % 3
    return [p for i, p in enumerate(points) if i % 3 == turn]


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
def test_rekey_crash_matrix(table, fault, s3rver):  # noqa: F811
    world = KeeperWorld(s3=s3rver)
    try:
        world.start_daemon()
        world.wait_settled()
        world.stop_daemon()
        for point in points_for(REKEY_POINTS, fault):
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
def test_init_crash_matrix(table, fault, s3rver):  # noqa: F811
    for point in points_for(INIT_POINTS, fault):
        world = KeeperWorld(s3=s3rver)
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
