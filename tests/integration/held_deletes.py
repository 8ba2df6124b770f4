"""A sync stack (syncstack.SyncStack with test_sync's origin, "east" and "west" jobs) where "west" holds
deletes: 10 secrets synced, then 5 deleted at the origin, over west's max_delete_percent of 20. Shared by the
web page and the Prometheus tests, which both need a held delete (and the alert it raises) to show, and the
audit test, which approves it."""
from syncstack import SyncStack
from test_sync import seed, start


def stack_with_held_deletes(extra_jobs=(), extra_vaults=(), admin=None, audit=None):
    """extra_vaults: sims for SyncStack.add_vault (stopped with the stack, also when this fails); admin: the
    daemon's admin block besides its listener and token (admin.tokens); audit: its audit block."""
    try:
        s = SyncStack()
    except BaseException:
        for v in extra_vaults:
            v.stop()
        raise
    try:
        for v in extra_vaults:
            s.add_vault(v)
        start(s, extra_jobs, admin=admin, audit=audit)
        seed(s, 10)
        s.sync()
        for i in range(5):
            s.origin.delete_latest(f"app/s{i}")
        s.run_cycle("origin")
        assert s.run_cycle("west")["counters"].get("deletes_held") == 5
    except BaseException:
        s.close()
        raise
    return s
