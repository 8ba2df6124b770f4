"""keeper with human custodians: Vault encrypts each custodian's share to their OpenPGP key (GnuPG from
Debian makes the keys) and the stores' shares to the keeper's own key of the procedure, which the keeper
decrypts at once. Each custodian downloads their share once (GET .../custodians/{custodian}/share, its own
scope, audited; a second download needs ?again=true); their share decrypts with their key only and, with
the other custodian's and a store's, unseals a restarted node. A rekey hands the custodians new shares,
also when the daemon died while Vault held pgp_keys naming the keeper's in-memory key (asked again) or
before the custodians' messages were recorded at init (said, and a rekey restores them); a custodian key
file that is missing or holds no public key is refused at its JSON pointer."""
import glob
import json
import os
import subprocess
import tempfile

import pytest

import vkproc
from custodianpgp import Custodian
from keeperenv import JOB, KeeperWorld

OPS = "ops-token-0123456789abcdef"
READER = "reader-token-0123456789abcdef"
# 7 shares, threshold 3: 2 custodians, the stores hold 2+2+1 (none reaches 3, any two still do).
SHARES, THRESHOLD = 7, 3


@pytest.fixture
def world():
    w = KeeperWorld(shares=SHARES, threshold=THRESHOLD)
    w.custodians = [Custodian(n, w.dir) for n in ("alice", "bob")]
    w.audit = os.path.join(w.dir, "audit.log")
    w.config["jobs"][0]["custodians"] = [{"name": c.name, "pgp_public_key_file": c.key_file}
                                         for c in w.custodians]
    w.config["admin"] = {"tokens": [{"name": "ops", "token": OPS, "scopes": ["read", "custodian-share"]},
                                    {"name": "reader", "token": READER, "scopes": ["read", "operate", "rekey"]}]}
    w.config["audit"] = {"file": w.audit}
    yield w
    w.close()
    for c in w.custodians:
        c.close()


def fetch(world, custodian, token=OPS, again=False):
    path = f"/v1/keeper/{JOB}/custodians/{custodian}/share" + ("?again=true" if again else "")
    code, body, _ = world.daemon.call("GET", path, token=token)
    return code, body


def unseals_restarted_node(world, keys):
    """Node 1 restarted while no daemon runs (so nobody else unseals it), then unsealed with `keys`."""
    world.stop_daemon()
    world.restart_node(1)
    assert world.seal_states()[1]
    return world.unseals_with(1, keys, threshold=THRESHOLD)


def test_custodians_fetch_their_shares_once_and_they_unseal_with_a_stores(world):
    alice, bob = world.custodians
    world.start_daemon()
    first = world.wait_settled(what="initialised with custodians, unsealed")
    held = {c["name"]: c for c in first["current"]["custodians"]}
    assert set(held) == {"alice", "bob"} and held["alice"]["fingerprint"] == alice.fingerprint
    assert all(c["message"] and c["fetches"] == 0 for c in held.values())
    stores = world.keys_of(first["current"]["id"])
    assert len(stores) == SHARES - 2

    # the scope is enforced: a token without custodian-share is refused and nothing is recorded
    code, body = fetch(world, "alice", token=READER)
    assert code == 403 and "custodian-share" in json.dumps(body), body

    # a HEAD would record a download nobody received: refused
    assert world.daemon.call("HEAD", f"/v1/keeper/{JOB}/custodians/alice/share", token=OPS)[0] == 405

    code, got = fetch(world, "alice")
    assert code == 200, got
    assert got["set"] == first["current"]["id"] and got["fingerprint"] == alice.fingerprint
    assert got["fetched_by"] == "ops"
    share_a = alice.decrypt(got["message"])
    assert share_a and bob.decrypt(got["message"]) is None  # only alice's key opens it
    assert share_a not in stores

    # a second download is refused, naming the first; asked again explicitly it is served and counted
    code, body = fetch(world, "alice")
    assert code == 409 and "already fetched" in body["error"]["message"] and "ops" in body["error"]["message"]
    code, again = fetch(world, "alice", again=True)
    assert code == 200 and again["message"] == got["message"] and again["fetches"] == 2
    assert fetch(world, "carol")[0] == 404

    code, got_b = fetch(world, "bob")
    assert code == 200
    share_b = bob.decrypt(got_b["message"])
    assert share_b and share_b != share_a

    # status says who fetched, never the share; the audit trail has every download
    status = world.status()
    listed = {c["name"]: c for c in status["procedure"]["current"]["custodians"]}
    assert listed["alice"]["fetched"] and listed["alice"]["fetched_by"] == "ops" and listed["bob"]["fetched"]
    assert got["message"] not in json.dumps(status)
    audit = [json.loads(line) for line in open(world.audit)]
    fetched = [a for a in audit if a.get("route", "").endswith("/custodians/{custodian}/share")]
    assert len([a for a in fetched if a["event"] == "request" and a["token"] == "ops"]) >= 4
    answers = [a for a in audit if a["event"] == "answer" and isinstance(a.get("outcome"), dict)
               and a["outcome"].get("custodian") == "alice"]  # the 200s (the 409's outcome is its error)
    assert len(answers) == 2 and answers[0]["outcome"]["set"] == got["set"], audit
    assert got["message"] not in open(world.audit).read() and share_a not in world.daemon.log()

    # the two custodians' shares and one store's unseal a restarted node
    assert unseals_restarted_node(world, [share_a, share_b, stores[0]])


def test_a_rekey_hands_the_custodians_new_shares(world):
    alice, bob = world.custodians
    world.start_daemon()
    first = world.wait_settled()
    code, old = fetch(world, "alice")
    assert code == 200
    code, _, _ = world.daemon.call("POST", f"/v1/keeper/{JOB}/rekey", token=READER)
    assert code == 202
    after = vkproc.wait_until(lambda: (r := world.wait_settled()) and r["current"]["id"] != first["current"]["id"]
                              and r, 60, what="rekey with custodians done")
    assert all(c["fetches"] == 0 and c["message"] for c in after["current"]["custodians"])  # a new set: reset
    code, new_a = fetch(world, "alice")  # not a second fetch: the set is new
    assert code == 200 and new_a["set"] == after["current"]["id"] and new_a["message"] != old["message"]
    code, new_b = fetch(world, "bob")
    assert code == 200
    shares = [alice.decrypt(new_a["message"]), bob.decrypt(new_b["message"])]
    assert all(shares)
    stores = world.keys_of(after["current"]["id"])
    assert world.leftovers() == {}, world.objects()
    old_a = alice.decrypt(old["message"])
    assert old_a and old_a not in shares
    assert not unseals_restarted_node(world, [old_a, shares[1], stores[0]])  # alice's old share is void
    assert world.unseals_with(1, shares + stores[:1], threshold=THRESHOLD)


def test_a_custodian_key_that_is_missing_or_no_public_key_is_refused_at_its_pointer(tmp_path):
    alice = Custodian("alice", str(tmp_path))
    try:
        secret = tmp_path / "secret.asc"
        secret.write_bytes(alice.gpg("--armor", "--export-secret-keys").stdout)
        stores = [{"name": n, "type": "file", "path": str(tmp_path / n), "kek": "ab" * 32} for n in "abc"]
        cfg = {"admin": {"token": "0123456789abcdef0"}, "vaults": {"v": {"address": "http://127.0.0.1:1"}},
               "jobs": [{"name": "k", "kind": "keeper", "vault": "v", "stores": stores,
                         "init": {"secret_shares": SHARES, "secret_threshold": THRESHOLD},
                         "custodians": [{"name": "alice", "pgp_public_key_file": alice.key_file},
                                        {"name": "bob", "pgp_public_key_file": str(tmp_path / "none.asc")},
                                        {"name": "carol", "pgp_public_key_file": str(secret)}]}]}
        path = tmp_path / "vk.json"
        path.write_text(json.dumps(cfg))
        r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True,
                           text=True, timeout=30)
        out = r.stdout + r.stderr
        assert r.returncode == 2, out
        assert f'/jobs/0/custodians/1/pgp_public_key_file: cannot read "{tmp_path / "none.asc"}"' in out
        assert "/jobs/0/custodians/2/pgp_public_key_file:" in out and "secret key" in out
        assert "/jobs/0/custodians/0" not in out
        cfg["jobs"][0]["custodians"] = cfg["jobs"][0]["custodians"][:1] + [
            {"name": "bob", "pgp_public_key_file": alice.key_file}]
        cfg["jobs"][0]["init"] = {"secret_shares": SHARES, "secret_threshold": THRESHOLD}
        path.write_text(json.dumps(cfg))
        r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(path)], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, r.stdout + r.stderr
    finally:
        alice.close()


def new_shares_unseal(world, old_set):
    """The rekey after a crash completes: both custodians' new shares decrypt and, with a store's, unseal."""
    rec = vkproc.wait_until(lambda: (r := world.wait_settled()) and r["current"]["id"] != old_set and r, 60,
                            what="the rekey completed after the crash")
    assert world.leftovers() == {}, world.objects()
    shares = []
    for c in world.custodians:
        code, got = fetch(world, c.name)
        assert code == 200 and got["set"] == rec["current"]["id"], got
        shares.append(c.decrypt(got["message"]))
    assert all(shares)
    return unseals_restarted_node(world, shares + world.keys_of(rec["current"]["id"])[:1])


@pytest.mark.parametrize("point", ["rekey-init-answered", "recorded-started", "update-partial"])
def test_a_rekey_whose_keeper_key_died_with_the_process_is_asked_again(world, point):
    """Killed after Vault took pgp_keys naming the keeper's in-memory key: the rekey is cancelled and asked
    again with a new key (Vault's answer could not be read), and the custodians get that set's shares."""
    world.start_daemon()
    old = world.wait_settled()["current"]["id"]
    world.stop_daemon()
    world.start_daemon({"VK_KEEPER_CRASH_AT": point})
    killed = world.daemon.proc.pid
    code, _, _ = world.daemon.call("POST", f"/v1/keeper/{JOB}/rekey", token=READER)
    assert code == 202
    assert world.wait_daemon_exit(timeout=30) == 86, f"the daemon did not die at {point}"
    assert glob.glob(os.path.join(tempfile.gettempdir(), f"vaultkeeper-pgp-{killed}.*"))  # left by the kill
    world.start_daemon()
    assert new_shares_unseal(world, old)
    # the next key made swept the dead process's GNUPGHOME (and its agent)
    assert not glob.glob(os.path.join(tempfile.gettempdir(), f"vaultkeeper-pgp-{killed}.*"))


def test_custodian_shares_lost_by_a_crash_during_init_are_said_and_a_rekey_restores_them(world):
    """Killed after the stores' shares were stored and before the record took the custodians' messages."""
    world.start_daemon({"VK_KEEPER_CRASH_AT": "init-stored"}, wait_ready=False)
    assert world.wait_daemon_exit(timeout=60) == 86
    world.start_daemon()
    first = world.wait_settled()
    assert all(not c["message"] for c in first["current"]["custodians"])
    waiting = vkproc.wait_until(
        lambda: [c for c in world.status()["procedure"]["current"]["custodians"] if not c["answered"]], 10,
        what="status says the custodians' shares are not held")
    assert len(waiting) == 2
    assert "custodians' shares of the initial set were lost" in world.daemon.log()
    assert fetch(world, "alice")[0] == 404
    code, _, _ = world.daemon.call("POST", f"/v1/keeper/{JOB}/rekey", token=READER)
    assert code == 202
    assert new_shares_unseal(world, first["current"]["id"])
