"""Debian's python3-kubernetes (22.6) against k8s-sim over TLS with a bearer token: coordination.k8s.io/v1 Leases.

k8s-sim is held to what the real client sends and expects: Lease and LeaseList shapes, MicroTime datetimes
(six fractional digits, UTC), resourceVersion compare-and-swap (409 Conflict), 404/409/422 Status bodies with
the API group, DeleteOptions preconditions, and client-go-style leader election (get, then create or replace
with the resourceVersion read) in which only one of two racing candidates wins. Raw HTTPS (urllib) only for
the /_sim/ controls.
"""
import datetime
import json
import threading

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from fixtures_k8s import sim  # noqa: F401  (pytest fixture)
from k8ssim import K8sSim, api_client

NS = "vault"
UTC = datetime.timezone.utc
# The python client writes a datetime with isoformat(), which drops a zero fraction: the API server (and
# k8s-sim) then refuse it, so every time here has microseconds.
T0 = datetime.datetime(2026, 12, 5, 11, 34, 0, 250000, tzinfo=UTC)


@pytest.fixture
def api(sim):
    return client.CoordinationV1Api(api_client(sim))


def lease(name, holder, at=T0, duration=15, transitions=0, resource_version=None):
    return client.V1Lease(
        metadata=client.V1ObjectMeta(name=name, resource_version=resource_version),
        spec=client.V1LeaseSpec(holder_identity=holder, lease_duration_seconds=duration, acquire_time=at,
                                renew_time=at, lease_transitions=transitions))


def status_body(exc):
    return json.loads(exc.body)


def test_create_read_replace_delete_roundtrip(api):
    created = api.create_namespaced_lease(NS, lease("job-a", "pod-1"))
    assert created.kind == "Lease" and created.api_version == "coordination.k8s.io/v1"
    assert created.metadata.namespace == NS and created.metadata.uid
    assert isinstance(created.metadata.resource_version, str)
    assert created.spec.holder_identity == "pod-1" and created.spec.lease_duration_seconds == 15
    read = api.read_namespaced_lease("job-a", NS)
    assert read.spec.renew_time == T0 and read.spec.acquire_time == T0
    later = T0 + datetime.timedelta(seconds=5)
    replaced = api.replace_namespaced_lease(
        "job-a", NS, lease("job-a", "pod-1", at=later, resource_version=read.metadata.resource_version))
    assert int(replaced.metadata.resource_version) > int(read.metadata.resource_version)
    assert replaced.spec.renew_time == later and replaced.metadata.uid == created.metadata.uid
    gone = api.delete_namespaced_lease("job-a", NS)
    assert gone.status == "Success"
    assert (gone.details.name, gone.details.group, gone.details.kind) == ("job-a", "coordination.k8s.io", "leases")
    with pytest.raises(ApiException) as e:
        api.read_namespaced_lease("job-a", NS)
    assert e.value.status == 404
    body = status_body(e.value)
    assert body["reason"] == "NotFound"
    assert body["message"] == 'leases.coordination.k8s.io "job-a" not found'
    assert body["details"] == {"name": "job-a", "group": "coordination.k8s.io", "kind": "leases"}


def test_micro_time_round_trips_in_utc_with_six_digits(sim, api):
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    local = datetime.datetime(2026, 12, 5, 13, 34, 0, 1, tzinfo=plus_two)
    api.create_namespaced_lease(NS, lease("job-a", "pod-1", at=local))
    read = api.read_namespaced_lease("job-a", NS)
    assert read.spec.renew_time == local
    assert read.spec.renew_time.utcoffset() == datetime.timedelta(0)
    raw = sim.control("GET", "/_sim/k8s/leases")["items"][0]["spec"]
    assert raw["renewTime"] == "2026-12-05T11:34:00.000001Z"
    whole_second = datetime.datetime(2026, 12, 5, 11, 34, 0, tzinfo=UTC)
    with pytest.raises(ApiException) as e:
        api.create_namespaced_lease(NS, lease("job-b", "pod-1", at=whole_second))
    assert e.value.status == 400
    assert 'cannot parse "+00:00" as ".000000"' in status_body(e.value)["message"]


def test_stale_resource_version_is_a_conflict(api):
    created = api.create_namespaced_lease(NS, lease("job-a", "pod-1"))
    renewed = T0 + datetime.timedelta(seconds=2)
    api.replace_namespaced_lease(
        "job-a", NS, lease("job-a", "pod-1", at=renewed, resource_version=created.metadata.resource_version))
    with pytest.raises(ApiException) as e:
        api.replace_namespaced_lease(
            "job-a", NS, lease("job-a", "pod-2", resource_version=created.metadata.resource_version))
    assert e.value.status == 409
    body = status_body(e.value)
    assert body["reason"] == "Conflict"
    assert body["message"] == ('Operation cannot be fulfilled on leases.coordination.k8s.io "job-a": the object '
                               'has been modified; please apply your changes to the latest version and try again')
    # Without a resourceVersion the update is unconditional.
    assert api.replace_namespaced_lease("job-a", NS, lease("job-a", "pod-2")).spec.holder_identity == "pod-2"


def test_already_exists_invalid_and_delete_precondition(api):
    created = api.create_namespaced_lease(NS, lease("job-a", "pod-1"))
    with pytest.raises(ApiException) as e:
        api.create_namespaced_lease(NS, lease("job-a", "pod-2"))
    assert e.value.status == 409 and status_body(e.value)["reason"] == "AlreadyExists"
    assert status_body(e.value)["message"] == 'leases.coordination.k8s.io "job-a" already exists'
    with pytest.raises(ApiException) as e:
        api.create_namespaced_lease(NS, lease("Job_B", "pod-1", duration=0))
    assert e.value.status == 422
    body = status_body(e.value)
    assert body["reason"] == "Invalid"
    assert body["message"].startswith('Lease.coordination.k8s.io "Job_B" is invalid: [metadata.name: ')
    assert "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0" in body["message"]
    with pytest.raises(ApiException) as e:
        api.delete_namespaced_lease("job-a", NS, body=client.V1DeleteOptions(
            preconditions=client.V1Preconditions(resource_version="999")))
    assert e.value.status == 409
    api.delete_namespaced_lease("job-a", NS, body=client.V1DeleteOptions(
        preconditions=client.V1Preconditions(resource_version=created.metadata.resource_version)))
    assert api.list_namespaced_lease(NS).items == []


def test_list_and_the_sim_controls(sim, api):
    api.create_namespaced_lease(NS, lease("job-a", "pod-1"))
    api.create_namespaced_lease("other", lease("job-b", "pod-1"))
    listed = api.list_namespaced_lease(NS)
    assert [l.metadata.name for l in listed.items] == ["job-a"]
    assert int(listed.metadata.resource_version) >= 2
    assert len(api.list_lease_for_all_namespaces().items) == 2
    assert sim.control("GET", "/_sim/k8s/state")["leases"] == 2
    sim.control("POST", "/_sim/k8s/clear")
    assert api.list_lease_for_all_namespaces().items == []
    api.create_namespaced_lease(NS, lease("job-a", "pod-1"))
    sim.control("POST", "/_sim/reset")
    assert sim.control("GET", "/_sim/k8s/leases")["items"] == []


def test_data_dir_keeps_leases_across_a_restart(tmp_path):
    sim = K8sSim(data_dir=str(tmp_path))
    try:
        created = client.CoordinationV1Api(api_client(sim)).create_namespaced_lease(NS, lease("job-a", "pod-1"))
        sim.stop()
        sim.start()
        read = client.CoordinationV1Api(api_client(sim)).read_namespaced_lease("job-a", NS)
        assert (read.metadata.uid, read.metadata.resource_version) == (
            created.metadata.uid, created.metadata.resource_version)
        assert read.spec.renew_time == T0
        assert (tmp_path / "leases.json").exists()
    finally:
        sim.close()


def try_acquire_or_renew(api, identity, now, before_write=lambda: None):
    """client-go's tryAcquireOrRenew: read the Lease, then create it or replace it with the resourceVersion
    read; True when this candidate holds the lease afterwards. before_write runs between the read and the write
    (the test lines two candidates up there)."""
    try:
        current = api.read_namespaced_lease("job-a", NS)
    except ApiException as e:
        if e.status != 404:
            raise
        current = None
    before_write()
    try:
        if current is None:
            api.create_namespaced_lease(NS, lease("job-a", identity, at=now))
            return True
        spec = current.spec
        expires = spec.renew_time + datetime.timedelta(seconds=spec.lease_duration_seconds)
        if spec.holder_identity != identity and expires > now:
            return False
        taking_over = spec.holder_identity != identity
        spec.lease_transitions += 1 if taking_over else 0
        spec.acquire_time = now if taking_over else spec.acquire_time
        spec.holder_identity, spec.renew_time = identity, now
        api.replace_namespaced_lease("job-a", NS, current)
        return True
    except ApiException as e:
        if e.status != 409:
            raise
        return False


def race(sim, now):
    """Two candidates read the Lease, wait for each other, then write: the outcome of each."""
    line_up = threading.Barrier(2, timeout=10)
    results = {}

    def candidate(identity):
        api = client.CoordinationV1Api(api_client(sim))
        results[identity] = try_acquire_or_renew(api, identity, now, line_up.wait)

    threads = [threading.Thread(target=candidate, args=(i,)) for i in ("pod-1", "pod-2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def test_leader_election_only_one_of_two_racing_candidates_wins(sim, api):
    # Both find no Lease and create: one 201, one 409 AlreadyExists.
    first = race(sim, T0)
    assert sorted(first.values()) == [False, True]
    leader = api.read_namespaced_lease("job-a", NS).spec.holder_identity
    assert first[leader]
    # The leader renews; the other cannot take a lease that has not expired.
    other = "pod-2" if leader == "pod-1" else "pod-1"
    renew = T0 + datetime.timedelta(seconds=5)
    assert try_acquire_or_renew(api, leader, renew)
    assert not try_acquire_or_renew(api, other, renew)
    # Expired: both read the same resourceVersion and replace; only one write lands (the other gets 409).
    expired = renew + datetime.timedelta(seconds=20)
    second = race(sim, expired)
    assert sorted(second.values()) == [False, True]
    held = api.read_namespaced_lease("job-a", NS).spec
    assert second[held.holder_identity]
    assert held.renew_time == expired
    assert held.lease_transitions == (1 if held.holder_identity == other else 0)
