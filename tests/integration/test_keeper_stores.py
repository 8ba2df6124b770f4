"""keeper with a store that does not open: a wrong key (rotated or mistyped) on any store, the first one (which
holds the first copy of the state record) included, or one of its objects broken (truncated, garbage,
another object's file, a record that opens but does not parse). The daemon starts degraded, alerts once per
unusable store naming it and why, keeps every node unsealed from the other stores, and leaves the unusable
store's files byte for byte as they were; the right key back (SIGHUP) makes the store count again. A rekey is
refused (409, naming the store) while the other stores cannot hold a full placement, and done on the others
when they can. A job stopped by a fatal error still shows its nodes as last seen and why it stopped."""
import base64
import os
import signal

import pytest
import yaml
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import vkproc
from keeperenv import JOB, KEK, NODES, KeeperWorld
from vkdaemon import WebhookReceiver

WRONG_KEK = bytes(range(100, 132))
SOURCE = os.environ.get("VK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


class World(KeeperWorld):
    """A keeper world whose stores read their KEK from files (so one can be changed and SIGHUP sent) and whose
    alerts go to a webhook receiver."""

    def __init__(self, stores=3):
        super().__init__()
        self.hook = WebhookReceiver()
        self.config["notify"] = {"webhook": {"url": self.hook.url}}
        spec = self.config["jobs"][0]["stores"]
        for name in "abcdef"[len(spec):stores]:
            path = os.path.join(self.dir, name)
            self.stores.append(path)
            spec.append({"name": name, "type": "file", "path": path})
        for st in spec:
            st["kek"] = {"file": os.path.join(self.dir, "kek-" + st["name"])}
            self.set_kek(st["name"], KEK)

    def close(self):
        super().close()
        self.hook.close()

    def set_kek(self, store, key):
        path = os.path.join(self.dir, "kek-" + store)
        with open(path, "w") as f:
            f.write(base64.b64encode(key).decode())
        os.chmod(path, 0o600)

    def store_path(self, store):
        return os.path.join(self.dir, store)

    def files(self, store):
        """Every file of a store (temporary ones too) with its bytes."""
        out = {}
        for n in sorted(os.listdir(self.store_path(store))):
            with open(os.path.join(self.store_path(store), n), "rb") as f:
                out[n] = f.read()
        return out

    def write_file(self, store, name, data):
        with open(os.path.join(self.store_path(store), name), "wb") as f:
            f.write(data)

    def alerts(self, about):
        return [r["body"] for r in self.hook.received if r["body"]["severity"] == "alert" and about in r["body"]["error"]]

    def store_status(self):
        return {s["name"]: s for s in self.status()["stores"]}

    def cycles_pass(self, n=3):
        """Waits until `n` more cycles of the job have ended."""
        first = self.daemon.job(JOB)["last_cycle"]["id"]
        self.daemon.wait_job(JOB, lambda j: j["last_cycle"]["id"] >= first + n, 15, what=f"{n} more cycles")

    def unseals_ok(self):
        """How many times the keeper unsealed a node (vaultkeeper_keeper_unseal_total, outcome ok)."""
        _, text, _ = self.daemon.call("GET", "/metrics", token=None)
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("vaultkeeper_keeper_unseal_total{") and 'outcome="ok"' in line)

    def restart_every_node(self):
        """Every node restarts, so comes back sealed. With the daemon running it may unseal the first ones
        before the last restarts: then wait_unsealed_again proves each was unsealed after its restart."""
        for i in range(NODES):
            self.restart_node(i)
        if self.daemon is None:
            assert all(self.seal_states())

    def restart_and_wait_unsealed(self, what):
        before = self.unseals_ok()
        self.restart_every_node()
        vkproc.wait_until(lambda: not any(self.seal_states()) and self.unseals_ok() >= before + NODES, 20, what=what)

    def settle_then_stop(self):
        self.start_daemon()
        self.wait_settled()
        self.stop_daemon()


@pytest.fixture
def world():
    w = World()
    yield w
    w.close()


def unusable_alert(store):
    return f"store {store} is unusable: "


@pytest.mark.parametrize("bad", ["a", "b", "c"])  # a holds the first copy of the state record
def test_a_wrong_kek_leaves_the_store_as_it_is_and_the_others_unseal(world, bad):
    world.settle_then_stop()
    before = world.files(bad)
    world.set_kek(bad, WRONG_KEK)
    world.restart_every_node()
    world.start_daemon()
    vkproc.wait_until(lambda: not any(world.seal_states()), 20, what=f"every node unsealed with store {bad}'s key wrong")
    assert world.daemon.job(JOB)["state"] != "failed"
    stores = vkproc.wait_until(lambda: (s := world.store_status()) and s[bad]["usable"] is False and s, 10,
                               what="status names the unusable store")
    assert "does not open" in stores[bad]["reason"] and "authentication failed" in stores[bad]["reason"]
    assert all(s["usable"] for name, s in stores.items() if name != bad), stores

    # a rekey would need a full placement on the two others: refused, naming the store
    code, body, _ = world.daemon.call("POST", f"/v1/keeper/{JOB}/rekey")
    assert code == 409, body
    assert f"store {bad} (" in body["error"]["message"], body

    world.cycles_pass(3)
    said = world.alerts(unusable_alert(bad))
    assert len(said) == 1, [r["body"] for r in world.hook.received]
    assert "does not open" in said[0]["error"] and said[0]["job"] == JOB
    assert not [r for r in world.hook.received if r["body"]["severity"] == "fatal"]
    assert world.files(bad) == before  # never written, deleted or "repaired"
    assert KEK.hex() not in world.daemon.log() and WRONG_KEK.hex() not in world.daemon.log()

    # the right key back, SIGHUP: the store counts again with no other action
    alerts_before = len(world.hook.received)
    world.set_kek(bad, KEK)
    world.daemon.proc.signal(signal.SIGHUP)
    vkproc.wait_until(lambda: all(s["usable"] for s in world.store_status().values()), 20,
                      what=f"store {bad} usable again")
    world.rekey()
    rec = vkproc.wait_until(lambda: (r := world.wait_settled()) and r["current"]["id"] != "set-1" and r, 30,
                            what="a rekey with every store back")
    assert world.leftovers() == {}, world.objects()
    assert world.keys_of(rec["current"]["id"]) and len(world.hook.received) == alerts_before


BREAKAGES = {
    "truncated": lambda raw, other: raw[:-7],
    "garbage": lambda raw, other: b"{\"seq\": 1000000, \"step\": \"idle\"}",
    "another object's file": lambda raw, other: other,
    "a record that does not parse": lambda raw, other: seal(b"{not json", "keeper-state"),
}


def seal(plaintext, name):
    nonce = os.urandom(12)
    return b"VKS1" + nonce + AESGCM(KEK).encrypt(nonce, plaintext, name.encode())


@pytest.mark.parametrize("how", list(BREAKAGES))
def test_a_broken_record_copy_makes_its_store_unusable_until_it_is_back(world, how):
    bad = "a"  # the first store: its copy of the record is the one compare-and-swap works on
    world.start_daemon()
    world.wait_settled()
    files = world.files(bad)
    other = files[next(n for n in files if n.startswith("set-1-shard-"))]
    broken = BREAKAGES[how](files["keeper-state"], other)
    world.write_file(bad, "keeper-state", broken)
    stores = vkproc.wait_until(lambda: (s := world.store_status()) and s[bad]["usable"] is False and s, 10,
                               what="the broken store found unusable")
    assert ("does not parse" if "parse" in how else "does not open") in stores[bad]["reason"], stores
    world.restart_and_wait_unsealed("every node unsealed from b and c")
    world.cycles_pass(3)
    assert len(world.alerts(unusable_alert(bad))) == 1
    assert world.files(bad) == {**files, "keeper-state": broken}  # left exactly as broken
    assert world.daemon.job(JOB)["state"] != "failed"

    # put back: usable again (logged), and a later break is news again
    world.write_file(bad, "keeper-state", files["keeper-state"])
    vkproc.wait_until(lambda: world.store_status()[bad]["usable"], 10, what="usable again")
    assert "store usable again" in world.daemon.log()
    world.write_file(bad, "keeper-state", broken)
    vkproc.wait_until(lambda: len(world.alerts(unusable_alert(bad))) == 2, 10, what="alerted again")


def test_a_rekey_with_a_store_unusable_goes_to_the_others_when_they_can_hold_it():
    world = World(stores=4)  # 5 shares over 4 stores: 2, 1, 1, 1; three stores still keep each below 3
    try:
        world.settle_then_stop()
        before = world.files("b")
        world.set_kek("b", WRONG_KEK)
        world.start_daemon()
        vkproc.wait_until(lambda: world.store_status()["b"]["usable"] is False, 10, what="b unusable")
        world.rekey()
        # b's files still open under the right key: the record read here is the highest seq of all four
        rec = vkproc.wait_until(lambda: (r := world.record()) and r["step"] == "idle"
                                and r["current"]["id"] != "set-1" and not r["audit"] and r, 30,
                                what="rekey done on a, c and d")
        assert "b" not in rec["current"]["placement"], rec["current"]
        assert world.files("b") == before  # set-1's shards there stay until b opens again
        world.restart_and_wait_unsealed("unsealed with the new set")

        world.set_kek("b", KEK)
        world.daemon.proc.signal(signal.SIGHUP)
        world.wait_settled()
        vkproc.wait_until(lambda: world.leftovers() == {}, 20, what="set-1 removed from b once it opens")
        assert len(world.alerts(unusable_alert("b"))) == 1
    finally:
        world.close()


def test_a_failed_job_shows_its_nodes_as_last_seen_and_why_it_stopped(world):
    world.settle_then_stop()
    world.set_kek("a", WRONG_KEK)  # a and b hold 4 of the 5 shards: c's one cannot reach the threshold
    world.set_kek("b", WRONG_KEK)
    world.restart_node(1)
    world.start_daemon()
    world.daemon.wait_job(JOB, lambda j: j["state"] == "failed", 15, what="stopped at start-up")
    status = world.status()
    assert [n["state"] for n in status["nodes"]] == ["unsealed", "sealed", "unsealed"], status["nodes"]
    assert status["nodes"][1]["detail"] == "not unsealed: the job stopped"
    assert "only 1 shards of set-1 open (3 needed)" in status["stopped"], status["stopped"]
    assert "store a (" in status["stopped"] and "store b (" in status["stopped"]
    assert {s["name"]: s["usable"] for s in status["stores"]} == {"a": False, "b": False, "c": True}
    said = vkproc.wait_until(lambda: [r["body"] for r in world.hook.received if r["body"]["severity"] == "fatal"],
                             10, what="the webhook told a human")
    assert "store a (" in said[0]["error"]
    # the fields api/openapi.yaml requires are there
    with open(os.path.join(SOURCE, "api", "openapi.yaml")) as f:
        schema = yaml.safe_load(f)["components"]["schemas"]["KeeperStatus"]
    assert set(schema["required"]) <= set(status), set(schema["required"]) - set(status)
    item = schema["properties"]["stores"]["items"]["required"]
    assert all(set(item) <= set(s) for s in status["stores"])
