"""emissary with leased secrets, end to end against vault-sim's database engine (real seconds: the role's TTL
is 3 s, its max TTL 8 s). The credentials are rendered from the whole answer (.Data), the lease is renewed
(same id), at the max TTL new credentials are fetched and the file and the command follow, and the old lease
is revoked once the command ran. A restart with a state_key reuses the stored answer (no new credential);
without one it fetches new credentials and revokes the orphaned lease; a changed state file is refused with a
warning naming it. A re-login of the job's token (approle, 4 s tokens) fetches every leased secret again."""
import json
import os
import stat
import tempfile

import pytest

import vkproc
from test_emissary import ROOT, Sims, call, emissary_status
from vkdaemon import Daemon

TEMPLATE = '{{ with secret "db" "database/creds/app" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}\n'
STATE_KEY = "42" * 32


@pytest.fixture
def sims():
    s = Sims()
    yield s
    s.stop()


def database_role(sims, ttl, max_ttl):
    for path, body in [("sys/mounts/database", {"type": "database"}),
                       ("database/roles/app", {"db_name": "pg", "creation_statements": ["CREATE ROLE x"],
                                               "default_ttl": ttl, "max_ttl": max_ttl})]:
        status, text = call("POST", f"{sims.vault_addr}/v1/{path}", body, token=ROOT)
        assert status in (200, 204), text


def live(sims):
    status, body = call("GET", f"{sims.vault_addr}/_sim/vault/leases")
    assert status == 200, body
    return json.loads(body)["leases"]


def leases_job(dest, runs=None, **extra):
    j = {"name": "db", "kind": "emissary", "interval": "1m", "timeout": "20s",
         "sources": {"db": {"type": "vault", "vault": "v", "engine": "dynamic"}},
         "templates": [{"contents": TEMPLATE, "destination": dest}],
         "retry": {"initial": "100ms", "max": "300ms"}}
    if runs:
        j["command"] = f"echo run >> {runs}"
        j["shell"] = True
    j.update(extra)
    return j


def rendered(path):
    text = open(path).read().strip() if os.path.exists(path) else ""
    return text if ":" in text else None


def count_lines(path):
    return len(open(path).read().splitlines()) if os.path.exists(path) else 0


def test_a_lease_is_renewed_then_replaced_at_its_max_ttl_and_the_old_one_revoked(sims):
    database_role(sims, "3s", "8s")
    tmp = tempfile.mkdtemp(prefix="vk-leases-")
    dest, runs = os.path.join(tmp, "db.conf"), os.path.join(tmp, "runs")
    d = Daemon(sims.config([leases_job(dest, runs)]))
    try:
        first = vkproc.wait_until(lambda: rendered(dest), 10, what="credentials rendered")
        [lease] = live(sims)
        assert lease["id"].startswith("database/creds/app/")
        vkproc.wait_until(lambda: count_lines(runs) == 1, 5, what="the command ran")
        # renewed at ~2/3 of 3 s: the same lease, a renewal recorded, the file untouched
        renewed = vkproc.wait_until(
            lambda: [l for l in live(sims) if l["id"] == lease["id"] and l.get("last_renewal")], 5,
            what="the lease renewed")
        assert renewed and rendered(dest) == first
        status = emissary_status(d, "db")
        assert status["leases"][0]["path"] == "database/creds/app"
        assert lease["id"] not in json.dumps(status)  # the lease id stays out of the status
        # at the max TTL (8 s) Vault grants less than asked: new credentials, the file and the command follow
        second = vkproc.wait_until(lambda: (lambda t: t if t and t != first else None)(rendered(dest)), 12,
                                   what="new credentials at the max TTL")
        assert second.split(":")[0] != first.split(":")[0]
        vkproc.wait_until(lambda: count_lines(runs) >= 2, 5, what="the command ran again")
        # the old lease is revoked after the command ran (not left to expire): one live lease, the new one
        ids = vkproc.wait_until(lambda: (lambda ls: ls if len(ls) == 1 and ls[0]["id"] != lease["id"]
                                         else None)(live(sims)), 5, what="the old lease revoked")
        assert ids
        vkproc.wait_until(lambda: "revoked a replaced lease" in d.log(), 5, what="the revocation logged")
        log = d.log()
        for secret in (first.split(":")[1], second.split(":")[1], lease["id"]):
            assert secret not in log
    finally:
        d.stop()


def restart_pair(sims, tmp, **extra):
    """Starts a job with a state_dir, waits for its credentials, stops it, starts it again."""
    dest, state = os.path.join(tmp, "db.conf"), os.path.join(tmp, "state")
    config = sims.config([leases_job(dest, state_dir=state, **extra)])
    d = Daemon(config)
    try:
        first = vkproc.wait_until(lambda: rendered(dest), 10, what="credentials rendered")
        state_file = os.path.join(state, "db.leases")
        vkproc.wait_until(lambda: os.path.exists(state_file), 5, what="the state file written")
    finally:
        d.stop()
    [lease] = live(sims)
    assert stat.S_IMODE(os.stat(state_file).st_mode) == 0o600
    text = open(state_file).read()
    assert first.split(":")[1] not in text and first.split(":")[0] not in text
    return dest, state_file, first, lease, config


def test_a_restart_with_a_state_key_reuses_the_stored_credentials(sims):
    database_role(sims, "60s", "120s")
    tmp = tempfile.mkdtemp(prefix="vk-leases-")
    dest, _, first, lease, config = restart_pair(sims, tmp, state_key=STATE_KEY)
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: emissary_status(d, "db")["templates"][0]["state"] == "rendered", 10,
                          what="rendered again")
        assert [l["id"] for l in live(sims)] == [lease["id"]]  # no new credential minted
        assert rendered(dest) == first
        assert "reusing a leased secret from the state file" in d.log()
    finally:
        d.stop()


def test_a_restart_without_a_state_key_fetches_new_credentials_and_revokes_the_orphan(sims):
    database_role(sims, "60s", "120s")
    tmp = tempfile.mkdtemp(prefix="vk-leases-")
    dest, _, first, lease, config = restart_pair(sims, tmp)
    d = Daemon(config)
    try:
        second = vkproc.wait_until(lambda: (lambda t: t if t and t != first else None)(rendered(dest)), 10,
                                   what="new credentials")
        assert second
        vkproc.wait_until(lambda: (lambda ls: len(ls) == 1 and ls[0]["id"] != lease["id"])(live(sims)), 5,
                          what="the orphaned lease revoked")
    finally:
        d.stop()


def test_a_kill_during_the_command_leaves_the_new_lease_on_record(sims):
    """The state file is written right after the fetches, not only once the cycle ends: a daemon killed -9
    while its command still runs (the cycle not over) has the lease it was just handed on record, so the
    restart (without a state_key) revokes it instead of leaving it to its TTL."""
    database_role(sims, "60s", "120s")
    tmp = tempfile.mkdtemp(prefix="vk-leases-")
    dest, state, started = os.path.join(tmp, "db.conf"), os.path.join(tmp, "state"), os.path.join(tmp, "started")
    slow = leases_job(dest, state_dir=state)
    slow.update({"command": f"touch {started}; sleep 30", "shell": True, "command_timeout": "1m"})
    d = Daemon(sims.config([slow]))
    try:
        first = vkproc.wait_until(lambda: rendered(dest), 10, what="credentials rendered")
        vkproc.wait_until(lambda: os.path.exists(started), 10, what="the command running")
        [lease] = live(sims)
        assert os.path.exists(os.path.join(state, "db.leases"))
    finally:
        d.proc.kill()
    d2 = Daemon(sims.config([leases_job(dest, state_dir=state)]))
    try:
        vkproc.wait_until(lambda: (lambda t: t if t and t != first else None)(rendered(dest)), 10,
                          what="new credentials")
        vkproc.wait_until(lambda: (lambda ls: len(ls) == 1 and ls[0]["id"] != lease["id"])(live(sims)), 5,
                          what="the lease of the killed daemon revoked")
    finally:
        d2.stop()


def test_a_changed_state_file_is_refused_naming_it_and_its_leases_revoked(sims):
    database_role(sims, "60s", "120s")
    tmp = tempfile.mkdtemp(prefix="vk-leases-")
    dest, state_file, first, lease, config = restart_pair(sims, tmp, state_key=STATE_KEY)
    doc = json.load(open(state_file))
    doc["sealed"] = doc["sealed"][:-8] + ("A" * 8 if not doc["sealed"].endswith("A" * 8) else "B" * 8)
    json.dump(doc, open(state_file, "w"))
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: (lambda t: t and t != first)(rendered(dest)), 10, what="new credentials")
        vkproc.wait_until(lambda: (lambda ls: len(ls) == 1 and ls[0]["id"] != lease["id"])(live(sims)), 5,
                          what="the listed lease revoked")
        assert f"the lease state file {state_file} is not usable" in d.log()
    finally:
        d.stop()


def approle_login(sims, token_ttl):
    policy = ('path "database/creds/*" { capabilities = ["read"] }\n'
              'path "sys/leases/*" { capabilities = ["update"] }\n')
    for method, path, body in [("POST", "sys/auth/approle", {"type": "approle"}),
                               ("PUT", "sys/policy/creds", {"policy": policy}),
                               ("POST", "auth/approle/role/app", {"token_policies": ["creds"],
                                                                  "token_ttl": token_ttl,
                                                                  "token_explicit_max_ttl": token_ttl})]:
        status, text = call(method, f"{sims.vault_addr}/v1/{path}", body, token=ROOT)
        assert status in (200, 204), (path, text)
    status, text = call("GET", f"{sims.vault_addr}/v1/auth/approle/role/app/role-id", token=ROOT)
    role_id = json.loads(text)["data"]["role_id"]
    status, text = call("POST", f"{sims.vault_addr}/v1/auth/approle/role/app/secret-id", {}, token=ROOT)
    return {"method": "approle", "role_id": role_id, "secret_id": json.loads(text)["data"]["secret_id"]}


def test_a_relogin_fetches_the_leased_secrets_again(sims):
    database_role(sims, "60s", "120s")
    auth = approle_login(sims, "3s")
    tmp = tempfile.mkdtemp(prefix="vk-leases-")
    dest = os.path.join(tmp, "db.conf")
    config = sims.config([leases_job(dest)])
    config["vaults"]["v"] = {"address": sims.vault_addr, "auth": auth}
    d = Daemon(config)
    try:
        first = vkproc.wait_until(lambda: rendered(dest), 10, what="credentials rendered")
        [lease] = live(sims)
        # the 3 s token cannot be renewed past its max TTL: the client logs in again at ~2 s, and the lease
        # (which dies with the old token) is replaced well before its own 60 s TTL
        second = vkproc.wait_until(lambda: (lambda t: t if t and t != first else None)(rendered(dest)), 10,
                                   what="new credentials after the re-login")
        assert second
        assert "token changed" in d.log()
        vkproc.wait_until(lambda: lease["id"] not in [l["id"] for l in live(sims)], 10,
                          what="the old lease gone with its token")
    finally:
        d.stop()


def test_a_stored_lease_revoked_meanwhile_is_not_reused(sims):
    database_role(sims, "60s", "120s")
    tmp = tempfile.mkdtemp(prefix="vk-leases-")
    dest, _, first, lease, config = restart_pair(sims, tmp, state_key=STATE_KEY)
    status, text = call("PUT", f"{sims.vault_addr}/v1/sys/leases/revoke", {"lease_id": lease["id"]}, token=ROOT)
    assert status in (200, 204), text
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: (lambda t: t and t != first)(rendered(dest)), 10, what="new credentials")
        assert len(live(sims)) == 1
        assert "a stored lease is gone" in d.log() and "reusing a leased secret" not in d.log()
    finally:
        d.stop()


def test_with_revoke_old_false_a_replaced_lease_is_left_to_expire(sims):
    database_role(sims, "2s", "4s")
    tmp = tempfile.mkdtemp(prefix="vk-leases-")
    dest, runs = os.path.join(tmp, "db.conf"), os.path.join(tmp, "runs")
    d = Daemon(sims.config([leases_job(dest, runs, revoke_old=False)]))
    try:
        first = vkproc.wait_until(lambda: rendered(dest), 10, what="credentials rendered")
        [lease] = live(sims)
        vkproc.wait_until(lambda: (lambda t: t and t != first)(rendered(dest)), 10, what="new credentials")
        vkproc.wait_until(lambda: count_lines(runs) >= 2, 5, what="the command ran again")
        assert "revoked a replaced lease" not in d.log()  # left to expire at its own max TTL
    finally:
        d.stop()
