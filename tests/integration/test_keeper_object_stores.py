"""keeper with an object-storage shard store (s3 and gcs through s3rver behind an enforcing proxy, azure on
azurite) first in its list, so it holds the state record's compare-and-swap copy, beside two file stores:
init, unseal after vault-sim re-seals every node, rekey, nothing left behind in the bucket; every object is
sealed client-side (AES-256-GCM, the name as additional data) so its raw bytes never hold a shard; a refused
precondition (412) or a 5xx answered mid-procedure is healed by a later cycle; a service that ignores
conditional writes is refused at start-up as the record's home, and accepted with "cas": false. (The crash
matrix and the soak run with an s3 store holding the record: test_keeper_crash.py, test_keeper_soak.py.)"""
import base64
import email.utils
import hashlib
import hmac
import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest

import vkproc
from enforcing_proxy import EnforcingProxy
from keeperenv import BUCKET, JOB, KEK, NODES, KeeperWorld, kek_id, open_sealed, s3_store
from test_snapshot_storages import AZ_ACCOUNT, AZ_KEY, azurite, s3rver  # noqa: F401 (fixtures)

# BUCKET: made by the s3rver fixture; azurite's fixture makes a container of that name
KINDS = ["s3", "gcs", "azure"]


def object_store(kind, endpoint, prefix, **extra):
    """The store "o" of `kind` at `endpoint` (the proxy, s3rver or azurite), same keys as a snapshot storage."""
    if kind == "s3":
        return s3_store(extra.pop("name", "o"), endpoint, prefix, **extra)
    common = {"name": "o", "type": kind, "key_prefix": prefix, "kek": base64.b64encode(KEK).decode(), **extra}
    if kind == "gcs":
        return {**common, "bucket": BUCKET, "endpoint": endpoint, "hmac_access_id": "S3RVER",
                "hmac_secret": "S3RVER"}
    return {**common, "container": BUCKET, "account_name": AZ_ACCOUNT, "account_key": AZ_KEY,
            "endpoint": f"{endpoint}/{AZ_ACCOUNT}"}


class World(KeeperWorld):
    """Stores: o (the object store, first: the record's CAS home), a and b (files, mirrors of the record)."""

    def __init__(self, kind, endpoint, **extra):
        super().__init__()
        self.kind, self.endpoint = kind, endpoint
        self.prefix = os.path.basename(self.dir) + "/"  # the emulators live per module: a prefix per world
        spec = self.config["jobs"][0]["stores"]
        self.config["jobs"][0]["stores"] = [object_store(kind, endpoint, self.prefix, **extra)] + spec[:2]
        self.stores = self.stores[:2]
        if kind != "azure":
            self.s3 = endpoint  # keeperenv lists and reads store o there (GCS too: both are s3rver)

    def raw_object(self, name):
        """The object's bytes as the service holds them, None when absent (s3rver and the proxy take unsigned
        GETs; azurite serves them to the keeper only, so azure objects are read through a Shared Key GET)."""
        if self.kind == "azure":
            return azure_get(self.endpoint, f"{BUCKET}/{self.prefix}{name}")
        return self.s3_raw(name)

    def open_object(self, name):
        """The object's raw bytes and its plaintext (sealed as a file store seals: keeperenv.open_sealed)."""
        raw = self.raw_object(name)
        assert raw[:4] == b"VKS2" and raw[4:12] == kek_id(KEK)
        return raw, open_sealed(raw, name, KEK)


def azure_get(base, path):
    date = email.utils.formatdate(usegmt=True)
    to_sign = "GET\n" + "\n" * 11 + f"x-ms-date:{date}\nx-ms-version:2021-08-06\n/{AZ_ACCOUNT}/{AZ_ACCOUNT}/{path}"
    mac = hmac.new(base64.b64decode(AZ_KEY), to_sign.encode(), hashlib.sha256).digest()
    req = urllib.request.Request(f"{base}/{AZ_ACCOUNT}/{path}", headers={
        "x-ms-date": date, "x-ms-version": "2021-08-06",
        "Authorization": f"SharedKey {AZ_ACCOUNT}:{base64.b64encode(mac).decode()}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise
        return None


@pytest.fixture
def proxy(s3rver):  # noqa: F811
    p = EnforcingProxy(s3rver).start()
    yield p
    p.close()


def endpoint_of(kind, proxy, azurite):  # noqa: F811
    return azurite if kind == "azure" else proxy.url


@pytest.fixture
def make_world():
    made = []

    def make(*args, **kw):
        made.append(World(*args, **kw))
        return made[-1]
    yield make
    for w in made:
        if w.daemon:  # shown with a failure
            print("\n".join(w.daemon.log().splitlines()[-40:]))
        w.close()


@pytest.mark.parametrize("kind", KINDS)
def test_init_unseal_and_rekey_with_an_object_store_holding_the_record(kind, proxy, azurite, make_world):  # noqa: F811
    world = make_world(kind, endpoint_of(kind, proxy, azurite))
    world.start_daemon()
    first = world.wait_settled()
    set1 = first["current"]["id"]
    # The object store holds the record (its CAS home) and its share of the shards, each sealed.
    raw, plain = world.open_object("keeper-state")
    assert json.loads(plain)["current"]["id"] == set1
    shard = next(f"{set1}-shard-{i}" for i, s in enumerate(first["current"]["placement"]) if s == "o")
    raw, plain = world.open_object(shard)
    key = json.loads(plain)["key"]
    assert key.encode() not in raw and base64.b64decode(key) not in raw
    # Every node re-sealed: unsealed again from the stores.
    for i in range(NODES):
        world.restart_node(i)
    vkproc.wait_until(lambda: not any(world.seal_states()), 30, what="every node unsealed again")
    world.rekey()
    rec = vkproc.wait_until(lambda: (r := world.wait_settled()) and r["current"]["id"] != set1 and r, 60,
                            what="rekeyed")
    assert world.raw_object(shard) is None  # the old set is gone from the bucket too
    assert json.loads(world.open_object("keeper-state")[1])["seq"] == rec["seq"]
    assert world.leftovers() == {}, world.objects()
    if kind != "azure":  # the start-up probe's second create-only write was refused
        assert any("vaultkeeper-store-check" in p for _, p in proxy.refused), proxy.refused


@pytest.mark.parametrize("kind", ["s3", "gcs"])
@pytest.mark.parametrize("fault", [412, 500])
def test_a_refused_or_failed_write_mid_rekey_heals(kind, fault, proxy, make_world):
    """Once the rekey request is recorded, the proxy answers `fault` to the keeper's next writes of the
    record (412: as if another writer had won the race; 500, more often than the HTTP client retries): the
    rekey goes on from where the record says once the store answers again."""
    world = make_world(kind, proxy.url)
    world.start_daemon()
    set1 = world.wait_settled()["current"]["id"]
    world.rekey()  # answered once the request is in the record: the faults hit the rekey's own writes
    proxy.fail(fault, method="PUT", contains="keeper-state", times=1 if fault == 412 else 8)
    rec = vkproc.wait_until(lambda: (r := world.wait_settled()) and r["current"]["id"] != set1 and r, 90,
                            what="rekey healed")
    assert proxy.answered, "the fault was never hit"
    assert json.loads(world.open_object("keeper-state")[1])["seq"] == rec["seq"]
    assert world.leftovers() == {}, world.objects()
    assert world.daemon.job(JOB)["state"] != "failed"


def test_a_service_that_ignores_conditional_writes_cannot_hold_the_record(s3rver, make_world):  # noqa: F811
    world = make_world("s3", s3rver)  # straight to s3rver: no proxy enforcing If-None-Match
    world.start_daemon()
    vkproc.wait_until(lambda: "store o ignores conditional writes: it cannot hold the state record"
                      in world.daemon.log(), 20, what="the start-up error")
    world.stop_daemon()
    world.config["jobs"][0]["stores"][0]["cas"] = False
    world.start_daemon()
    rec = world.wait_settled()  # the record's home is store a; o holds shards only
    assert "o" in rec["current"]["placement"]
    shard = next(f"{rec['current']['id']}-shard-{i}" for i, s in enumerate(rec["current"]["placement"]) if s == "o")
    world.open_object(shard)


def test_check_config_names_each_object_store_s_credential_source(tmp_path):
    world = KeeperWorld()
    try:
        stores = world.config["jobs"][0]["stores"]
        stores[2:] = [object_store("s3", "http://127.0.0.1:1", "k/", name="s"),
                      object_store("gcs", "http://127.0.0.1:1", "k/", name="g", cas=False),
                      object_store("azure", "http://127.0.0.1:1", "k/", name="z")]
        path = tmp_path / "vk.json"
        path.write_text(json.dumps({"admin": {"token": "0123456789abcdef"}, **world.config}))
        out = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True,
                             text=True, timeout=20)
    finally:
        world.close()
    assert out.returncode == 0, out.stderr
    assert f"{JOB}: store s: credentials from static keys" in out.stdout
    assert f"{JOB}: store g: credentials from HMAC keys" in out.stdout
    assert f"{JOB}: store g: \"cas\": false, never holds the state record" in out.stdout
    assert f"{JOB}: store z: credentials from shared key" in out.stdout
    assert "S3RVER" not in out.stdout + out.stderr and AZ_KEY not in out.stdout + out.stderr
