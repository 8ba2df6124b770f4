"""python-consul 0.7.1 (Debian's python3-consul) against consul-sim: KV, blocking queries, status, agent.

Raw HTTP (urllib) is used only where python-consul lacks a call (raw reads, exact headers and bodies).
"""
import threading
import time

import consul
import pytest

from fixtures_consul import consul_sim  # noqa: F401  (pytest fixture)


@pytest.fixture
def c(consul_sim):  # noqa: F811
    return consul.Consul(host="127.0.0.1", port=consul_sim.port)


def test_put_get_roundtrip_with_flags_and_index(c):
    assert c.kv.put("app/config", "hello", flags=42) is True
    index, entry = c.kv.get("app/config")
    assert entry["Value"] == b"hello"
    assert entry["Flags"] == 42
    assert entry["Key"] == "app/config"
    assert entry["LockIndex"] == 0
    assert "Session" not in entry
    assert entry["CreateIndex"] == entry["ModifyIndex"]
    assert int(index) == entry["ModifyIndex"]


def test_missing_key_is_none_with_meta_headers(c, consul_sim):  # noqa: F811
    index, entry = c.kv.get("does/not/exist")
    assert entry is None
    assert int(index) >= 1
    status, headers, body = consul_sim.request("GET", "/v1/kv/does/not/exist")
    assert (status, body) == (404, b"")
    assert int(headers["X-Consul-Index"]) >= 1
    assert headers["X-Consul-KnownLeader"] == "true"
    assert headers["X-Consul-LastContact"] == "0"
    assert headers["X-Consul-Default-ACL-Policy"] == "allow"


def test_identical_put_does_not_bump_modify_index(c):
    c.kv.put("same", "v", flags=1)
    _, first = c.kv.get("same")
    c.kv.put("same", "v", flags=1)
    _, second = c.kv.get("same")
    assert second["ModifyIndex"] == first["ModifyIndex"]
    c.kv.put("same", "v2", flags=1)
    _, third = c.kv.get("same")
    assert third["ModifyIndex"] > first["ModifyIndex"]
    assert third["CreateIndex"] == first["CreateIndex"]


def test_cas_semantics(c):
    assert c.kv.put("cas", "a", cas=0) is True
    assert c.kv.put("cas", "b", cas=0) is False
    _, entry = c.kv.get("cas")
    assert c.kv.put("cas", "c", cas=entry["ModifyIndex"] + 1000) is False
    assert c.kv.put("cas", "c", cas=entry["ModifyIndex"]) is True
    assert c.kv.get("cas")[1]["Value"] == b"c"


def test_empty_value_is_null(c, consul_sim):  # noqa: F811
    assert c.kv.put("empty", "") is True
    assert c.kv.get("empty")[1]["Value"] is None
    status, _, body = consul_sim.request("GET", "/v1/kv/empty")
    assert b'"Value":null' in body


def test_recurse_keys_and_separator(c):
    for key in ["web/bar", "web/foo", "web/subdir/x", "web/subdir/y", "webby"]:
        c.kv.put(key, key)
    _, entries = c.kv.get("web/", recurse=True)
    assert [e["Key"] for e in entries] == ["web/bar", "web/foo", "web/subdir/x", "web/subdir/y"]
    assert entries[0]["Value"] == b"web/bar"
    _, keys = c.kv.get("web/", keys=True, separator="/")
    assert keys == ["web/bar", "web/foo", "web/subdir/"]
    _, keys = c.kv.get("web", keys=True)
    assert keys == ["web/bar", "web/foo", "web/subdir/x", "web/subdir/y", "webby"]
    assert c.kv.get("nothing/", recurse=True)[1] is None
    assert c.kv.get("nothing/", keys=True)[1] is None


def test_root_key_listing_of_empty_store_is_empty_list(consul_sim):  # noqa: F811
    status, _, body = consul_sim.request("GET", "/v1/kv/?keys")
    assert (status, body) == (200, b"[]")
    status, _, body = consul_sim.request("GET", "/v1/kv/")
    assert (status, body) == (400, b"Missing key name")


def test_delete_single_recursive_and_cas(c):
    c.kv.put("d/1", "x")
    c.kv.put("d/2", "x")
    c.kv.put("d3", "x")
    assert c.kv.delete("d3") is True
    assert c.kv.get("d3")[1] is None
    _, e = c.kv.get("d/1")
    assert c.kv.delete("d/1", cas=e["ModifyIndex"] + 1) is False
    assert c.kv.get("d/1")[1] is not None
    assert c.kv.delete("d/1", cas=e["ModifyIndex"]) is True
    assert c.kv.delete("d/", recurse=True) is True
    assert c.kv.get("d/", recurse=True)[1] is None


def test_raw_read_headers_and_body(c, consul_sim):  # noqa: F811
    c.kv.put("raw", b"\x00\x01binary")
    status, headers, body = consul_sim.request("GET", "/v1/kv/raw?raw")
    assert status == 200
    assert body == b"\x00\x01binary"
    assert headers["Content-Type"] == "text/plain"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "sandbox"
    assert headers["Content-Length"] == "8"


def test_value_size_limit_is_413_with_consul_text(consul_sim):  # noqa: F811
    status, _, body = consul_sim.request("PUT", "/v1/kv/big", b"x" * 524289)
    assert status == 413
    assert body == (b"Request body(524289 bytes) too large, max size: 524288 bytes. "
                    b"See https://www.consul.io/docs/agent/config/config-files#kv_max_value_size.")
    status, _, body = consul_sim.request("PUT", "/v1/kv/big", b"x" * 524288)
    assert (status, body) == (200, b"true")


def test_conflicting_flags_and_bad_query_values(c, consul_sim):  # noqa: F811
    with pytest.raises(consul.base.BadRequest) as err:
        c.kv.put("k", "v", cas=1, acquire="abc")
    assert "Conflicting flags: acquire=abc&cas=1" in str(err.value)
    assert consul_sim.request("GET", "/v1/kv/k?index=abc")[0:3:2] == (400, b"Invalid index")
    assert consul_sim.request("GET", "/v1/kv/k?index=5&wait=forever")[0:3:2] == (400, b"Invalid wait time")
    status, headers, body = consul_sim.request("POST", "/v1/kv/k", b"v")
    assert (status, body, headers["Allow"]) == (405, b"method POST not allowed", "GET,PUT,DELETE")


def test_other_datacenter_has_no_path(c):
    with pytest.raises(consul.base.ConsulException) as err:
        c.kv.get("k", dc="dc9")
    assert "500 No path to datacenter" in str(err.value)
    assert c.kv.put("k", "v", dc="dc1") is True


def test_blocking_query_returns_on_change(c):
    c.kv.put("watched", "1")
    index, _ = c.kv.get("watched")

    def writer():
        time.sleep(0.3)
        c2 = consul.Consul(host=c.http.host, port=c.http.port)
        c2.kv.put("unrelated", "x")
        c2.kv.put("watched", "2")

    t = threading.Thread(target=writer)
    start = time.monotonic()
    t.start()
    new_index, entry = c.kv.get("watched", index=index, wait="10s")
    elapsed = time.monotonic() - start
    t.join(timeout=5)
    assert entry["Value"] == b"2"
    assert int(new_index) > int(index)
    assert 0.25 <= elapsed < 5


def test_blocking_query_times_out_with_same_index(c):
    c.kv.put("quiet", "1")
    index, _ = c.kv.get("quiet")
    start = time.monotonic()
    new_index, entry = c.kv.get("quiet", index=index, wait="1s")
    elapsed = time.monotonic() - start
    assert new_index == index
    assert entry["Value"] == b"1"
    # wait plus at most wait/16 of jitter, plus scheduling slack.
    assert 0.95 <= elapsed < 3


def test_blocking_recurse_wakes_on_delete_under_prefix(c):
    c.kv.put("tree/a", "1")
    c.kv.put("tree/b", "1")
    index, _ = c.kv.get("tree/", recurse=True)
    t = threading.Timer(0.3, lambda: consul.Consul(port=c.http.port).kv.delete("tree/b"))
    t.start()
    new_index, entries = c.kv.get("tree/", recurse=True, index=index, wait="10s")
    t.join(timeout=5)
    assert [e["Key"] for e in entries] == ["tree/a"]
    assert int(new_index) > int(index)


def test_status_and_agent_self(c):
    assert c.status.leader() == "127.0.0.1:8300"
    assert c.status.peers() == ["127.0.0.1:8300"]
    me = c.agent.self()
    assert me["Config"]["Datacenter"] == "dc1"
    assert me["Config"]["NodeName"] == "consul-sim"
    assert me["Member"]["Name"] == "consul-sim"


def test_control_api_failures_latency_and_counters(c, consul_sim):  # noqa: F811
    consul_sim.control("/_sim/fail", {"method": "GET", "path": "/v1/kv/", "status": 500, "count": 1,
                                      "body": "No cluster leader"})
    with pytest.raises(consul.base.ConsulException) as err:
        c.kv.get("x")
    assert "500 No cluster leader" in str(err.value)
    assert c.kv.get("x")[1] is None
    consul_sim.control("/_sim/latency", {"ms": 200})
    start = time.monotonic()
    c.kv.get("x")
    assert time.monotonic() - start >= 0.19
    counters = consul_sim.control("/_sim/counters")
    assert counters["GET /v1/kv"] == 3
    consul_sim.control("/_sim/reset", {})
    assert consul_sim.control("/_sim/counters") == {}
    assert consul_sim.control("/_sim/latency") == {"ms": 0}


def test_control_api_dropped_request_is_a_connection_error(c, consul_sim):  # noqa: F811
    import requests
    consul_sim.control("/_sim/drop", {"count": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        consul.Consul(port=consul_sim.port).kv.get("x")
    assert c.kv.put("x", "after") is True


def test_control_api_consul_state_and_expire_sessions(c, consul_sim):  # noqa: F811
    sid = c.session.create(lock_delay=0)
    assert c.kv.put("held", "v", acquire=sid) is True
    state = consul_sim.control("/_sim/consul/state")
    assert (state["keys"], state["sessions"]) == (1, 1)
    assert consul_sim.control("/_sim/consul/expire-sessions", {}) == {"expired": 1}
    assert "Session" not in c.kv.get("held")[1]
    assert c.session.info(sid)[1] is None
