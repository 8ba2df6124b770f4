"""A sync stack (test_sync.Stack: origin + "east" + "west" on the sims) where "west" holds deletes: 10 secrets
synced, then 5 deleted at the origin, over west's max_delete_percent of 20. Shared by the web page and the
Prometheus tests, which both need a held delete (and the alert it raises) to show."""
from test_sync import Stack, http


def stack_with_held_deletes():
    s = Stack()
    try:
        for i in range(10):
            s.ov.write("secret", f"app/s{i}", {"value": f"v{i}"})
        s.sync_all()
        for i in range(5):
            assert http("DELETE", f"{s.ov.addr}/v1/secret/data/app/s{i}")[0] == 204
        assert s.cycle("origin")["outcome"] == "ok"
        assert s.cycle("west")["counters"].get("deletes_held") == 5
    except BaseException:
        s.stop()
        raise
    return s
