"""python-consul 0.7.1 against consul-sim: sessions, locks (acquire/release), lock-delay and TTL expiry."""
import threading
import time

import consul
import pytest

from fixtures_consul import consul_sim  # noqa: F401  (pytest fixture)


@pytest.fixture
def c(consul_sim):  # noqa: F811
    return consul.Consul(host="127.0.0.1", port=consul_sim.port)


def test_create_with_lowercase_fields_and_info(c):
    # python-consul sends lowercase "ttl", "behavior", "lockdelay": Consul decodes JSON case-insensitively.
    sid = c.session.create(name="worker", ttl=30, behavior="delete", lock_delay=3)
    _, info = c.session.info(sid)
    assert info["ID"] == sid
    assert info["Name"] == "worker"
    assert info["TTL"] == "30s"
    assert info["Behavior"] == "delete"
    assert info["LockDelay"] == 3_000_000_000
    assert info["Node"] == "consul-sim"
    assert info["NodeChecks"] == ["serfHealth"]
    assert info["CreateIndex"] == info["ModifyIndex"] > 0
    assert list(info) == ["ID", "Name", "Node", "LockDelay", "Behavior", "TTL", "NodeChecks", "ServiceChecks",
                          "CreateIndex", "ModifyIndex"]


def test_defaults_list_node_renew_destroy(c):
    sid = c.session.create()
    _, info = c.session.info(sid)
    assert (info["Behavior"], info["LockDelay"], info["TTL"]) == ("release", 15_000_000_000, "")
    _, sessions = c.session.list()
    assert [s["ID"] for s in sessions] == [sid]
    _, on_node = c.session.node("consul-sim")
    assert [s["ID"] for s in on_node] == [sid]
    assert c.session.renew(sid)["ID"] == sid
    assert c.session.destroy(sid) is True
    assert c.session.info(sid)[1] is None
    assert c.session.destroy(sid) is True  # idempotent


def test_renew_unknown_session_is_404(c, consul_sim):  # noqa: F811
    with pytest.raises(consul.base.NotFound) as err:
        c.session.renew("00000000-0000-0000-0000-000000000000")
    assert "Session id '00000000-0000-0000-0000-000000000000' not found" in str(err.value)
    status, _, body = consul_sim.request("PUT", "/v1/session/renew/abc")
    assert (status, body) == (404, b"Session id 'abc' not found")


def test_invalid_session_settings(c, consul_sim):  # noqa: F811
    status, _, body = consul_sim.request("PUT", "/v1/session/create", '{"TTL":"5s"}')
    assert (status, body) == (500, b"Invalid Session TTL '5000000000', must be between [10s=24h0m0s]")
    status, _, body = consul_sim.request("PUT", "/v1/session/create", '{"Behavior":"explode"}')
    assert (status, body) == (500, b"Invalid Behavior setting 'explode'")
    status, _, body = consul_sim.request("PUT", "/v1/session/create", "{nope")
    assert status == 400 and body.startswith(b"Request decode failed")
    with pytest.raises(consul.base.ConsulException) as err:
        c.session.create(node="elsewhere")
    assert "Missing node registration" in str(err.value)


def test_acquire_release_and_contention(c):
    s1 = c.session.create(lock_delay=0)
    s2 = c.session.create(lock_delay=0)
    assert c.kv.put("lock", "owner1", acquire=s1) is True
    _, e = c.kv.get("lock")
    assert (e["Session"], e["LockIndex"], e["Value"]) == (s1, 1, b"owner1")
    assert c.kv.put("lock", "owner2", acquire=s2) is False
    assert c.kv.put("lock", "again", acquire=s1) is True  # the holder re-acquires
    assert c.kv.get("lock")[1]["LockIndex"] == 1
    assert c.kv.put("lock", "x", release=s2) is False
    assert c.kv.put("lock", "released", release=s1) is True
    _, e = c.kv.get("lock")
    assert "Session" not in e and e["LockIndex"] == 1 and e["Value"] == b"released"
    assert c.kv.put("lock", "owner2", acquire=s2) is True
    assert c.kv.get("lock")[1]["LockIndex"] == 2


def test_acquire_with_unknown_session_is_500(c):
    with pytest.raises(consul.base.ConsulException) as err:
        c.kv.put("lock", "v", acquire="11111111-2222-3333-4444-555555555555")
    assert '500 invalid session "11111111-2222-3333-4444-555555555555"' in str(err.value)


def test_destroy_releases_lock_and_starts_lock_delay(c):
    holder = c.session.create(lock_delay=5)
    other = c.session.create()
    assert c.kv.put("leader", "me", acquire=holder) is True
    assert c.session.destroy(holder) is True
    _, e = c.kv.get("leader")
    assert "Session" not in e
    # Within the holder's lock-delay nobody may acquire (api/lock.go then sleeps and retries).
    assert c.kv.put("leader", "you", acquire=other) is False


def test_delete_behavior_deletes_held_keys(c):
    sid = c.session.create(behavior="delete", lock_delay=0)
    assert c.kv.put("ephemeral", "v", acquire=sid) is True
    c.session.destroy(sid)
    assert c.kv.get("ephemeral")[1] is None


def test_ttl_expiry_releases_lock_after_twice_the_ttl(c, consul_sim):  # noqa: F811
    """Consul guarantees at least the TTL and invalidates after about 2x TTL. The sim's clock is advanced
    (POST /_sim/consul/advance) instead of waiting 20 s; a blocking query on the lock key, already waiting
    in real time, returns when the expiry releases the key."""
    sid = c.session.create(ttl=10, lock_delay=0)
    assert c.kv.put("ttl-lock", "v", acquire=sid) is True
    index, _ = c.kv.get("ttl-lock")
    # The sim's clock also runs in real time: a second of margin either side of the 20 s.
    assert consul_sim.control("/_sim/consul/advance", {"by": "19s"}) == {"advanced_ms": 19000}
    assert c.session.info(sid)[1] is not None, "session expired before 2x its TTL"
    answer = {}
    waiter = threading.Thread(target=lambda: answer.update(got=c.kv.get("ttl-lock", index=index, wait="30s")))
    waiter.start()
    time.sleep(0.2)  # the query is parked in the sim (nothing to wait on: it returns only on a change)
    assert "got" not in answer, "a blocking query returned before the lock key changed"
    consul_sim.control("/_sim/consul/advance", {"by": "1.5s"})
    waiter.join(timeout=5)
    new_index, e = answer["got"]
    assert "Session" not in e
    assert int(new_index) > int(index)
    assert c.session.info(sid)[1] is None


def test_renew_extends_ttl(c, consul_sim):  # noqa: F811
    sid = c.session.create(ttl=10)
    for _ in range(3):
        consul_sim.control("/_sim/consul/advance", {"by": "7s"})
        assert c.session.renew(sid)["ID"] == sid
    # 21 s after creation: without the renewals the session would have expired at 20 s.
    assert c.session.info(sid)[1] is not None
    consul_sim.control("/_sim/consul/advance", {"by": "20s"})
    assert c.session.info(sid)[1] is None, "2x the TTL after the last renewal the session is gone"


def test_lock_delay_ends_after_its_time(c, consul_sim):  # noqa: F811
    holder = c.session.create(lock_delay=5)
    other = c.session.create()
    assert c.kv.put("delayed", "me", acquire=holder) is True
    c.session.destroy(holder)
    consul_sim.control("/_sim/consul/advance", {"by": "4s"})  # a second of margin for the real time passing
    assert c.kv.put("delayed", "you", acquire=other) is False
    consul_sim.control("/_sim/consul/advance", {"by": "1.5s"})
    assert c.kv.put("delayed", "you", acquire=other) is True


def test_advance_refuses_a_bad_duration(consul_sim):  # noqa: F811
    status, _, body = consul_sim.request("POST", "/_sim/consul/advance", '{"by": "soon"}')
    assert status == 400 and b"Go duration" in body


def test_session_info_blocks_until_change(c):
    sid = c.session.create()
    index, _ = c.session.list()
    t = threading.Timer(0.3, lambda: consul.Consul(port=c.http.port).session.destroy(sid))
    t.start()
    new_index, sessions = c.session.list(index=index, wait="10s")
    t.join(timeout=5)
    assert sessions == []
    assert int(new_index) > int(index)
