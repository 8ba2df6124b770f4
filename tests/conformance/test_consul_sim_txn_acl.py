"""consul-sim's /v1/txn (raw HTTP: python-consul 0.7.1 has no txn call) and ACL enforcement (python-consul
with and without a token, plus raw HTTP for the Bearer header and exact bodies)."""
import base64
import json

import consul
import pytest

from fixtures_consul import ACL_TOKEN, consul_acl_sim, consul_sim  # noqa: F401  (pytest fixtures)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def txn(sim, ops, headers=None):
    status, hdrs, body = sim.request("PUT", "/v1/txn", json.dumps(ops), headers)
    return status, hdrs, body


def test_txn_success_returns_results_without_values_for_writes(consul_sim):  # noqa: F811
    status, headers, body = txn(consul_sim, [
        {"KV": {"Verb": "set", "Key": "t/a", "Value": b64("1"), "Flags": 3}},
        {"KV": {"Verb": "set", "Key": "t/b", "Value": b64("2")}},
        {"KV": {"Verb": "get", "Key": "t/a"}},
        {"KV": {"Verb": "delete", "Key": "t/none"}},
    ])
    assert status == 200, body
    assert headers["Content-Type"] == "application/json"
    doc = json.loads(body)
    assert doc["Errors"] is None
    assert [r["KV"]["Key"] for r in doc["Results"]] == ["t/a", "t/b", "t/a"]
    assert doc["Results"][0]["KV"]["Value"] is None
    assert doc["Results"][2]["KV"]["Value"] == b64("1")
    assert doc["Results"][2]["KV"]["Flags"] == 3
    assert list(doc["Results"][0]["KV"]) == ["LockIndex", "Key", "Flags", "Value", "CreateIndex", "ModifyIndex"]
    index = doc["Results"][0]["KV"]["ModifyIndex"]
    assert doc["Results"][1]["KV"]["ModifyIndex"] == index  # one raft entry for the whole transaction
    c = consul.Consul(port=consul_sim.port)
    assert c.kv.get("t/b")[1]["Value"] == b"2"


def test_txn_failure_is_409_all_or_nothing_with_every_error(consul_sim):  # noqa: F811
    c = consul.Consul(port=consul_sim.port)
    c.kv.put("t/held", "v")
    _, held = c.kv.get("t/held")
    status, headers, body = txn(consul_sim, [
        {"KV": {"Verb": "set", "Key": "t/new", "Value": b64("x")}},
        {"KV": {"Verb": "cas", "Key": "t/held", "Value": b64("y"), "Index": held["ModifyIndex"] + 7}},
        {"KV": {"Verb": "check-not-exists", "Key": "t/held"}},
        {"KV": {"Verb": "delete-cas", "Key": "t/held", "Index": 1}},
        {"KV": {"Verb": "check-session", "Key": "t/held", "Session": "s"}},
        {"KV": {"Verb": "lock", "Key": "t/held", "Session": "nope"}},
    ])
    assert status == 409
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"Results": None, "Errors": [
        {"OpIndex": 1, "What": 'failed to set key "t/held", index is stale'},
        {"OpIndex": 2, "What": 'key "t/held" exists'},
        {"OpIndex": 3, "What": 'failed to delete key "t/held", index is stale'},
        {"OpIndex": 4, "What": 'failed session check for key "t/held", current session "" != "s"'},
        {"OpIndex": 5, "What": 'invalid session "nope"'},
    ]}
    assert c.kv.get("t/new")[1] is None
    assert c.kv.get("t/held")[1]["ModifyIndex"] == held["ModifyIndex"]


def test_txn_limits_and_bad_bodies(consul_sim):  # noqa: F811
    ops = [{"KV": {"Verb": "get", "Key": "k"}}] * 129
    assert txn(consul_sim, ops)[0:3:2] == (413, b"Transaction contains too many operations (129 > 128)")
    assert txn(consul_sim, ops[:128])[0] == 409  # 128 is allowed (the gets fail: no such key)
    status, _, body = consul_sim.request("PUT", "/v1/txn", "{not json")
    assert status == 400 and body.startswith(b"Failed to parse body: ")
    status, headers, body = consul_sim.request("GET", "/v1/txn")
    assert (status, headers["Allow"]) == (405, "PUT")


def test_read_only_txn_has_leader_meta_but_no_index(consul_sim):  # noqa: F811
    consul.Consul(port=consul_sim.port).kv.put("r/a", "1")
    status, headers, body = txn(consul_sim, [{"KV": {"Verb": "get-tree", "Key": "r/"}}])
    assert status == 200
    assert headers["X-Consul-KnownLeader"] == "true"
    assert headers["X-Consul-LastContact"] == "0"
    assert "X-Consul-Index" not in headers
    assert [r["KV"]["Key"] for r in json.loads(body)["Results"]] == ["r/a"]


def test_acl_requires_a_valid_token_for_kv(consul_acl_sim):  # noqa: F811
    anonymous = consul.Consul(port=consul_acl_sim.port)
    with pytest.raises(consul.base.ACLPermissionDenied) as err:
        anonymous.kv.get("secret")
    assert str(err.value) == "Permission denied: anonymous token lacks permission 'key:read' on \"secret\""
    with pytest.raises(consul.base.ACLPermissionDenied):
        anonymous.kv.put("secret", "v")
    wrong = consul.Consul(port=consul_acl_sim.port, token="not-a-token")
    with pytest.raises(consul.base.ACLPermissionDenied) as err:
        wrong.kv.get("secret")
    assert str(err.value) == "ACL not found"
    good = consul.Consul(port=consul_acl_sim.port, token=ACL_TOKEN)
    assert good.kv.put("secret", "v") is True
    assert good.kv.get("secret")[1]["Value"] == b"v"
    # Listings are filtered rather than refused: the anonymous token sees nothing.
    assert anonymous.kv.get("", recurse=True)[1] is None


def test_acl_token_sources_and_default_policy_header(consul_acl_sim):  # noqa: F811
    sim = consul_acl_sim
    status, headers, body = sim.request("GET", "/v1/kv/x")
    assert status == 403 and body.startswith(b"Permission denied")
    assert headers["X-Consul-Default-ACL-Policy"] == "deny"
    assert sim.request("GET", "/v1/kv/x", headers={"X-Consul-Token": ACL_TOKEN})[0] == 404
    assert sim.request("GET", "/v1/kv/x", headers={"Authorization": f"Bearer {ACL_TOKEN}"})[0] == 404
    assert sim.request("GET", f"/v1/kv/x?token={ACL_TOKEN}")[0] == 404
    # Status endpoints need no token.
    assert sim.request("GET", "/v1/status/leader")[0] == 200


def test_acl_applies_to_sessions_and_txn(consul_acl_sim):  # noqa: F811
    sim = consul_acl_sim
    # python-consul 0.7.1 sends no token on session calls: denied like Consul denies them.
    with pytest.raises(consul.base.ACLPermissionDenied):
        consul.Consul(port=sim.port, token=ACL_TOKEN).session.create()
    status, _, body = sim.request("PUT", "/v1/session/create", "{}", {"X-Consul-Token": ACL_TOKEN})
    assert status == 200 and "ID" in json.loads(body)
    status, _, body = sim.request("GET", "/v1/session/list")
    assert (status, body) == (200, b"[]")
    status, _, body = txn(sim, [{"KV": {"Verb": "set", "Key": "k", "Value": b64("v")}}])
    assert status == 409
    assert json.loads(body) == {"Results": None, "Errors": [{"OpIndex": 0, "What": "Permission denied"}]}
    status, _, _ = txn(sim, [{"KV": {"Verb": "set", "Key": "k", "Value": b64("v")}}], {"X-Consul-Token": ACL_TOKEN})
    assert status == 200
