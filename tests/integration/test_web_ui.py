"""The web status page (/ui/) on a daemon running sync origin and destination jobs on the sims: its security
headers and the API's cross-origin refusal over plain HTTP, then a real browser (Debian's chromium driven by
playwright-core, tests/browser/ui.test.mjs) loads it, sees the jobs, triggers, halts and resumes, approves
held deletes, lists a snapshot job's snapshots and restores one, sees a keeper job's nodes unsealed, its shard
sets and who fetched its custodian's share, and rekeys with "Rekey now", sees "north" (a destination whose origin never published) waiting rather than
failed, is refused with a wrong token, and with a read-only token sees every control disabled with the scope it lacks.
Screenshots land in <build>/ui-screenshots/."""
import os
import subprocess
import tempfile
import urllib.request

import pytest

import vkproc
from custodianpgp import Custodian
from held_deletes import stack_with_held_deletes
from kindjobs import KeeperVault, emissary_job, keeper_job, snapshot_job
from vkdaemon import ADMIN_TOKEN

READ_TOKEN = "grafana-read-only-token-0123"  # admin.tokens: "grafana" with the read scope only

SOURCE = os.environ.get("VK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER_DIR = os.path.join(SOURCE, "tests", "browser")
SHOTS = os.path.join(os.path.dirname(os.path.abspath(vkproc.BIN_DIR)), "ui-screenshots")
PAGE_FILES = {"/ui/": "text/html", "/ui/index.html": "text/html", "/ui/app.js": "text/javascript",
              "/ui/kind-sync.js": "text/javascript", "/ui/kind-snapshot.js": "text/javascript",
              "/ui/kind-emissary.js": "text/javascript", "/ui/kind-keeper.js": "text/javascript",
              "/ui/style.css": "text/css"}


@pytest.fixture(scope="module")
def stack():
    """origin publishes 10 secrets, then 5 are deleted: "west" (max_delete_percent 20) holds the deletes; "snap"
    snapshots the origin vault (allow_restore); "render-stuck" has a waiting and a failing template; "keeper"
    initialised a 3-node vault-sim of its own and keeps every node unsealed; "north" replicates an origin sync path
    nothing publishes to, so it waits. The keeper has a custodian, alice, who holds a sixth share."""
    with tempfile.TemporaryDirectory() as root:
        kv = KeeperVault()
        alice = Custodian("alice", root)
        s = stack_with_held_deletes([snapshot_job("snap", root, allow_restore=True),
                                     emissary_job("render-stuck", root, stuck=True),
                                     keeper_job("keeper", root, kv, custodians=[alice]),
                                     waiting_destination("north")],
                                    extra_vaults=[kv],
                                    admin={"tokens": [{"name": "grafana", "token": READ_TOKEN, "scopes": ["read"]}]})
        try:
            vkproc.wait_until(lambda: keeper_settled(s), 60, interval=0.1, what="keeper: initialised, 3 nodes unsealed")
            yield s
        finally:
            s.close()
            alice.close()


def waiting_destination(name):
    """A destination of an origin sync path no origin job publishes to: it waits (ok cycles, state waiting)."""
    return {"name": name, "kind": "sync", "role": "destination", "interval": "1h", "timeout": "20s",
            "origin": {"vault": "origin", "consul": "oc", "mounts": ["secret/"], "sync_path": "unpublished/"},
            "destination": {"vault": "dest", "consul": "dc", "sync_path": "north/"}, "watch": False}


def keeper_status(stack):
    status, body, _ = stack.daemon.call("GET", "/v1/keeper/keeper/status")
    assert status == 200, body
    return body


def keeper_settled(stack):
    """The keeper's status once idle with a current set and every node unsealed, else None."""
    k = keeper_status(stack)
    p = k["procedure"]
    ok = p["step"] == "idle" and p["current"] and [n["state"] for n in k["nodes"]] == ["unsealed"] * 3
    return k if ok else None


def get(stack, path, method="GET"):
    req = urllib.request.Request(stack.daemon.url(path), method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, dict(r.headers), r.read()


def test_page_files_need_no_token_and_carry_strict_headers(stack):
    for path, ctype in PAGE_FILES.items():
        status, headers, body = get(stack, path)
        assert status == 200 and headers["Content-Type"].startswith(ctype), (path, headers)
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert body
        status, headers, body = get(stack, path, "HEAD")
        assert status == 200 and body == b"" and "Content-Security-Policy" in headers


def test_page_has_no_inline_script_or_style(stack):
    html = get(stack, "/ui/")[2].decode()
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert 'src="app.js"' in html


def test_cross_origin_mutations_are_refused(stack):
    d = stack.daemon
    status, body, _ = d.call("POST", "/v1/jobs/east/halt", headers={"Origin": "http://evil.example"})
    assert status == 403 and body["error"]["code"] == "cross_origin", body
    assert d.job("east")["state"] != "halted"
    assert d.call("PUT", "/v1/log-level", {"level": "info"}, headers={"Origin": "null"})[0] == 403
    # Reads from anywhere are fine (CORS keeps other pages from reading the answers anyway).
    assert d.call("GET", "/v1/jobs", headers={"Origin": "http://evil.example"})[0] == 200
    # The page's own origin may change things.
    own = f"http://127.0.0.1:{d.port}"
    assert d.call("POST", "/v1/jobs/east/halt", headers={"Origin": own})[0] == 200
    d.wait_job("east", lambda j: j["state"] == "halted")
    assert d.call("POST", "/v1/jobs/east/resume", headers={"Origin": own})[0] == 200
    d.wait_job("east", lambda j: j["state"] in ("idle", "running"))


def test_in_a_real_browser(stack):
    assert os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")), \
        "run scripts/install-deps.sh (npm ci in tests/browser) first"
    assert os.path.exists("/usr/bin/chromium"), "run scripts/install-deps.sh (apt package chromium) first"
    before = keeper_settled(stack)["procedure"]["current"]["id"]
    # alice fetches her share (the admin token, named "admin"): the page shows who fetched it.
    status, share, _ = stack.daemon.call("GET", "/v1/keeper/keeper/custodians/alice/share")
    assert status == 200 and share["set"] == before, share
    env = dict(os.environ, VK_URL=stack.daemon.url(""), VK_TOKEN=ADMIN_TOKEN, VK_READ_TOKEN=READ_TOKEN,
               VK_SHOTS=SHOTS)
    r = subprocess.run(["node", "ui.test.mjs"], cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                       timeout=300)
    print(r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "FAIL" not in r.stdout
    for shot in ("ui-wrong-token.png", "ui-read-only.png", "ui-jobs.png", "ui-halted.png", "ui-held-deletes.png", "ui-approved.png",
                 "ui-snapshots.png", "ui-restored.png", "ui-emissary.png", "ui-keeper.png", "ui-rekeyed.png",
                 "ui-waiting.png"):
        assert os.path.getsize(os.path.join(SHOTS, shot)) > 1000, shot
    # The approval reached the destination Vault.
    assert stack.dest.read("app/s0", "west") is None and stack.dest.read("app/s9", "west") == {"value": "v9"}
    # The origin Vault answers after the restore, with the data of the snapshot (taken after the 5 deletes).
    assert stack.origin.read("app/s9") == {"value": "v9"} and stack.origin.read("app/s0") is None
    # The rekey ran to the end: a new current set, audited, the old one dropped, every node unsealed.
    k = vkproc.wait_until(lambda: keeper_settled(stack), 30, what="keeper settled after the rekey")
    assert k["procedure"]["current"]["id"] != before and k["last_rekey_unix"] > 0, k
    assert k["last_audit"]["set"] == k["procedure"]["current"]["id"] and list(k["sets"]) == [k["last_audit"]["set"]], k
    assert "Authorization" not in stack.daemon.log() and ADMIN_TOKEN not in stack.daemon.log()
