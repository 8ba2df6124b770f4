"""Debian's python3-kubernetes (22.6) against k8s-sim over TLS with a bearer token: the core/v1 Secrets API.

k8s-sim is held to what the real client sends and expects: object shapes, resourceVersion as a string that
grows, optimistic concurrency (409 Conflict), 404/409/401 Status bodies with the API server's reasons and
messages, label selectors, DeleteOptions preconditions. Raw HTTPS (urllib) only for the /_sim/ controls.
"""
import base64
import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from fixtures_k8s import sim  # noqa: F401  (pytest fixture)
from k8ssim import TOKEN, K8sSim, api_client, make_certificate

NS = "vault"
OURS = {"app.kubernetes.io/managed-by": "vaultkeeper"}


def core_api(sim, token=TOKEN, ca=None):
    """A python3-kubernetes CoreV1Api for the sim: TLS verified against `ca` (default: the sim's certificate)."""
    return client.CoreV1Api(api_client(sim, token, ca))


@pytest.fixture
def api(sim):
    return core_api(sim)


def secret(name, value=b"shard", labels=None, resource_version=None):
    meta = client.V1ObjectMeta(name=name, labels=labels if labels is not None else dict(OURS),
                               resource_version=resource_version)
    return client.V1Secret(metadata=meta, data={"value": base64.b64encode(value).decode()})


def status_body(exc):
    return json.loads(exc.body)


def test_create_read_replace_delete_roundtrip(api):
    created = api.create_namespaced_secret(NS, secret("shard-1", b"\x00\xffbytes"))
    assert created.kind == "Secret" and created.api_version == "v1"
    assert created.metadata.namespace == NS
    assert created.metadata.uid
    assert created.metadata.creation_timestamp is not None
    assert created.metadata.labels == OURS
    assert created.type == "Opaque"
    assert isinstance(created.metadata.resource_version, str)
    read = api.read_namespaced_secret("shard-1", NS)
    assert base64.b64decode(read.data["value"]) == b"\x00\xffbytes"
    assert read.metadata.resource_version == created.metadata.resource_version
    replaced = api.replace_namespaced_secret(
        "shard-1", NS, secret("shard-1", b"new", resource_version=read.metadata.resource_version))
    assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
    assert replaced.metadata.uid == created.metadata.uid
    gone = api.delete_namespaced_secret("shard-1", NS)
    assert gone.status == "Success"
    assert (gone.details.name, gone.details.kind) == ("shard-1", "secrets")
    assert gone.details.uid == created.metadata.uid
    with pytest.raises(ApiException) as e:
        api.read_namespaced_secret("shard-1", NS)
    assert e.value.status == 404


def test_not_found_status(api):
    with pytest.raises(ApiException) as e:
        api.read_namespaced_secret("missing", NS)
    assert e.value.status == 404
    assert e.value.reason == "Not Found"
    body = status_body(e.value)
    assert body["kind"] == "Status" and body["apiVersion"] == "v1" and body["status"] == "Failure"
    assert body["reason"] == "NotFound"
    assert body["message"] == 'secrets "missing" not found'
    assert body["details"] == {"name": "missing", "kind": "secrets"}
    assert body["code"] == 404
    for call in (lambda: api.delete_namespaced_secret("missing", NS),
                 lambda: api.replace_namespaced_secret("missing", NS, secret("missing"))):
        with pytest.raises(ApiException) as e:
            call()
        assert e.value.status == 404 and status_body(e.value)["reason"] == "NotFound"


def test_create_of_an_existing_name_is_already_exists(api):
    api.create_namespaced_secret(NS, secret("taken"))
    with pytest.raises(ApiException) as e:
        api.create_namespaced_secret(NS, secret("taken"))
    assert e.value.status == 409
    body = status_body(e.value)
    assert body["reason"] == "AlreadyExists"
    assert body["message"] == 'secrets "taken" already exists'
    assert body["details"] == {"name": "taken", "kind": "secrets"}


def test_stale_resource_version_is_a_conflict(api):
    first = api.create_namespaced_secret(NS, secret("cas"))
    rv = first.metadata.resource_version
    api.replace_namespaced_secret("cas", NS, secret("cas", b"second", resource_version=rv))
    with pytest.raises(ApiException) as e:
        api.replace_namespaced_secret("cas", NS, secret("cas", b"third", resource_version=rv))
    assert e.value.status == 409
    body = status_body(e.value)
    assert body["reason"] == "Conflict"
    assert body["message"] == ('Operation cannot be fulfilled on secrets "cas": the object has been modified; '
                               'please apply your changes to the latest version and try again')
    assert base64.b64decode(api.read_namespaced_secret("cas", NS).data["value"]) == b"second"


def test_unconditional_and_identical_updates(api):
    created = api.create_namespaced_secret(NS, secret("same"))
    # An update that changes nothing is not written: the resourceVersion stays.
    rv = created.metadata.resource_version
    again = api.replace_namespaced_secret("same", NS, secret("same", resource_version=rv))
    assert again.metadata.resource_version == created.metadata.resource_version
    # Secrets accept updates without a resourceVersion.
    forced = api.replace_namespaced_secret("same", NS, secret("same", b"other"))
    assert int(forced.metadata.resource_version) > int(created.metadata.resource_version)


def test_delete_precondition_on_resource_version(api):
    created = api.create_namespaced_secret(NS, secret("pre"))
    rv = created.metadata.resource_version
    stale = client.V1DeleteOptions(preconditions=client.V1Preconditions(resource_version="1" + rv))
    with pytest.raises(ApiException) as e:
        api.delete_namespaced_secret("pre", NS, body=stale)
    assert e.value.status == 409
    body = status_body(e.value)
    assert body["reason"] == "Conflict"
    assert body["message"].startswith('Operation cannot be fulfilled on secrets "pre": ')
    fresh = client.V1DeleteOptions(preconditions=client.V1Preconditions(resource_version=rv))
    assert api.delete_namespaced_secret("pre", NS, body=fresh).status == "Success"


def test_list_by_label_selector(api):
    api.create_namespaced_secret(NS, secret("ours-a"))
    api.create_namespaced_secret(NS, secret("ours-b", labels={**OURS, "set": "s1"}))
    api.create_namespaced_secret(NS, secret("foreign", labels={"app.kubernetes.io/managed-by": "helm"}))
    api.create_namespaced_secret("elsewhere", secret("ours-c"))
    everything = api.list_namespaced_secret(NS)
    assert everything.kind == "SecretList"
    assert [s.metadata.name for s in everything.items] == ["foreign", "ours-a", "ours-b"]
    newest = max(int(s.metadata.resource_version) for s in everything.items)
    assert int(everything.metadata.resource_version) >= newest
    ours = api.list_namespaced_secret(NS, label_selector="app.kubernetes.io/managed-by=vaultkeeper")
    assert sorted(s.metadata.name for s in ours.items) == ["ours-a", "ours-b"]
    def names(selector):
        return [s.metadata.name for s in api.list_namespaced_secret(NS, label_selector=selector).items]

    assert names("set==s1") == ["ours-b"]
    assert names("!set,app.kubernetes.io/managed-by!=helm") == ["ours-a"]
    assert names("app.kubernetes.io/managed-by in (helm)") == ["foreign"]
    everywhere = api.list_secret_for_all_namespaces(label_selector="app.kubernetes.io/managed-by=vaultkeeper")
    assert len(everywhere.items) == 3
    with pytest.raises(ApiException) as e:
        api.list_namespaced_secret(NS, label_selector="a b")
    assert e.value.status == 400 and status_body(e.value)["reason"] == "BadRequest"


def test_wrong_or_missing_token_is_unauthorized(sim):
    for token in ("wrong-token", None):
        with pytest.raises(ApiException) as e:
            core_api(sim, token=token).list_namespaced_secret(NS)
        assert e.value.status == 401
        body = status_body(e.value)
        assert body["reason"] == "Unauthorized" and body["message"] == "Unauthorized" and body["code"] == 401


def test_tls_is_verified_against_the_ca(sim, tmp_path):
    other_cert, _ = make_certificate(str(tmp_path))
    with pytest.raises(ApiException) as e:
        core_api(sim, ca=other_cert).list_namespaced_secret(NS)
    assert e.value.status == 0 and "CERTIFICATE_VERIFY_FAILED" in e.value.reason


def test_string_data_and_invalid_bodies(api):
    created = api.create_namespaced_secret(NS, client.V1Secret(metadata=client.V1ObjectMeta(name="plain"),
                                                               string_data={"k": "text"}))
    assert created.data == {"k": base64.b64encode(b"text").decode()}
    assert created.string_data is None
    with pytest.raises(ApiException) as e:
        api.create_namespaced_secret(NS, client.V1Secret(metadata=client.V1ObjectMeta(name="Upper")))
    assert e.value.status == 422 and status_body(e.value)["reason"] == "Invalid"
    assert status_body(e.value)["details"]["kind"] == "Secret"
    with pytest.raises(ApiException) as e:
        api.create_namespaced_secret(NS, client.V1Secret(metadata=client.V1ObjectMeta(name="b64"),
                                                         data={"v": "!!"}))
    assert e.value.status == 400
    assert "illegal base64 data at input byte 0" in status_body(e.value)["message"]


def test_injected_failure_is_a_status(sim, api):
    sim.control("POST", "/_sim/fail", {"method": "GET", "path": "/api/v1/", "status": 503, "count": 1})
    with pytest.raises(ApiException) as e:
        api.read_namespaced_secret("x", NS)
    assert e.value.status == 503 and status_body(e.value)["kind"] == "Status"
    with pytest.raises(ApiException) as e:
        api.read_namespaced_secret("x", NS)
    assert e.value.status == 404
    assert sim.control("GET", "/_sim/counters")["GET /api/v1/namespaces/vault/secrets"] == 2


def test_data_dir_keeps_secrets_and_versions_across_a_restart(tmp_path):
    sim = K8sSim(data_dir=str(tmp_path))
    try:
        api = core_api(sim)
        created = api.create_namespaced_secret(NS, secret("kept", b"value"))
        sim.stop()
        sim.start()
        api = core_api(sim)
        read = api.read_namespaced_secret("kept", NS)
        assert read.metadata.resource_version == created.metadata.resource_version
        assert read.metadata.uid == created.metadata.uid
        assert base64.b64decode(read.data["value"]) == b"value"
        later = api.create_namespaced_secret(NS, secret("later"))
        assert int(later.metadata.resource_version) > int(created.metadata.resource_version)
    finally:
        sim.close()


def test_rotated_token_replaces_the_old_one(sim):
    assert core_api(sim).list_namespaced_secret(NS).items == []
    sim.rotate_token("rotated-token")
    with pytest.raises(ApiException) as e:
        core_api(sim).list_namespaced_secret(NS)
    assert e.value.status == 401
    assert core_api(sim, token="rotated-token").list_namespaced_secret(NS).items == []
    sim.control("POST", "/_sim/reset")
    assert core_api(sim).list_namespaced_secret(NS).items == []
