"""sync at scale (issue 22, "Correctness at scale"): 50,000 secrets (10,000 under the sanitizers), with every
Vault and Consul client's `max_response_bytes` at 1 MiB (192 KiB), far below the origin's whole sync-info prefix read as one recursive GET. The
test proves that nothing reads a fleet-sized answer in one response (such a read would fail its cycle with
"response body exceeds 1048576 bytes") and that the destination ends identical to the origin after a first
copy, after 1% of the secrets changed, and after 1% were deleted, the deletes held by the guard until
approved by their plan id. Then an origin restarted with too few buckets for what it published fails at
start-up, naming the job, the bucket and the `buckets` count needed.

Identity is checked without reading 100,000 secrets one by one: the full path sets of both Vaults (LIST),
every changed and deleted path, and 500 random others (data and live/deleted state), read in parallel."""
import base64
import concurrent.futures
import json
import random
import re

import vkproc
from syncstack import ROOT, fresh_stack, http, sync_sims  # noqa: F401 (fixtures)

# Under the sanitizers (about ten times slower) 10,000 secrets and a 192 KiB limit make the same proof: the
# whole prefix is still over four times what any client may read, each bucket a fraction of it.
SANITIZED = vkproc.sanitized()
SECRETS = 10_000 if SANITIZED else 50_000
PREFIXES = 10  # secret/p0/ .. secret/p9/ (one LIST answer of ~45 KB per folder at 50,000)
LIMIT = (192 if SANITIZED else 1024) * 1024  # every client's max_response_bytes
BUCKETS = 32  # ~50,000 x ~95 bytes / 32: ~150 KB a bucket, well under LIMIT and the 383 KiB bucket limit
BIG_WAIT = 240.0  # seconds for a 50,000-secret cycle: a few seconds in the release tree, more under ASan
SAMPLE = 500


def scale_jobs():
    origin = {"vault": "origin", "consul": "oc", "mounts": ["secret/"]}
    return [
        {"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "5m",
         "origin": origin, "buckets": BUCKETS, "workers": 16, "max_publish_drop_percent": 100},
        {"name": "dest", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "5m",
         "origin": origin, "destination": {"vault": "dest", "consul": "dc"}, "workers": 16,
         "max_delete_percent": 0, "watch": False},
    ]


def limited_clients(stack):
    vaults = {"origin": {"address": stack.origin.addr, "token": ROOT, "max_response_bytes": LIMIT},
              "dest": {"address": stack.dest.addr, "token": ROOT, "max_response_bytes": LIMIT}}
    consuls = {"oc": {"address": stack.oc.addr, "max_response_bytes": LIMIT},
               "dc": {"address": stack.dc.addr, "max_response_bytes": LIMIT}}
    return vaults, consuls


def all_paths(vault):
    """Every secret path under secret/ (live or soft-deleted: both keep their metadata), from LISTs."""
    out = set()
    for folder in vault.ok("LIST", "secret/metadata/")["data"]["keys"]:
        out.update(folder + k for k in vault.ok("LIST", f"secret/metadata/{folder}")["data"]["keys"])
    return out


def states(vault, paths):
    """{path: (state, data)} read with a few threads (the sims answer in parallel)."""
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return dict(zip(paths, pool.map(vault.state, paths)))


def assert_identical(stack, paths):
    origin_paths, dest_paths = all_paths(stack.origin), all_paths(stack.dest)
    assert len(origin_paths) == SECRETS, len(origin_paths)
    assert origin_paths == dest_paths, (sorted(origin_paths - dest_paths)[:5], sorted(dest_paths - origin_paths)[:5])
    paths = sorted(paths)
    want, got = states(stack.origin, paths), states(stack.dest, paths)
    differ = [p for p in paths if want[p] != got[p]]
    assert not differ, [(p, want[p], got[p]) for p in differ[:5]]


def write_all(vault, items):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda kv: vault.write(kv[0], kv[1]), items))


def delete_all(vault, paths):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(vault.delete_latest, paths))


def test_a_fleet_whose_prefix_no_answer_may_hold_syncs_key_by_key(fresh_stack):
    s = fresh_stack
    for i in range(PREFIXES):
        s.origin.sim("vault/load", {"count": SECRETS // PREFIXES, "mount": "secret/", "prefix": f"p{i}/"})
    everything = sorted(all_paths(s.origin))
    assert len(everything) == SECRETS
    rng = random.Random(22)

    vaults, consuls = limited_clients(s)
    s.start_daemon(scale_jobs(), vaults=vaults, consuls=consuls)
    s.wait_idle(["origin", "dest"], timeout=BIG_WAIT)
    # The origin's start-up cycle published; the destination's may have run before that and waited.
    first = s.run_cycle("dest", timeout=BIG_WAIT)
    assert first["counters"].get("fail", 0) == 0, first

    # The whole origin prefix in one answer is bigger than any client may read: the sync read it otherwise.
    status, raw = http("GET", f"{s.oc.addr}/v1/kv/vsync/origin/?recurse", token=None, timeout=30)
    assert status == 200
    whole = len(json.dumps(raw))
    info_bytes = sum(len(base64.b64decode(e["Value"] or "")) for e in raw if not e["Key"].endswith("index"))
    assert whole > 4 * LIMIT, f"the origin prefix is only {whole} bytes: the test would prove nothing"
    biggest = max(len(base64.b64decode(e["Value"] or "")) for e in raw)
    assert biggest < LIMIT // 2, f"a bucket of {biggest} bytes: use more buckets"
    assert len(raw) == BUCKETS + 1, [e["Key"] for e in raw][:5]

    sample = rng.sample(everything, SAMPLE)
    assert_identical(s, sample)

    # 1% changed: the next origin cycle publishes them, the destination copies exactly those.
    changed = rng.sample(everything, SECRETS // 100)
    write_all(s.origin, [(p, {"value": f"changed-{p}"}) for p in changed])
    s.run_cycle("origin", timeout=BIG_WAIT)
    c = s.run_cycle("dest", timeout=BIG_WAIT)
    assert c["counters"].get("update") == len(changed), c
    assert_identical(s, set(changed) | set(rng.sample(everything, SAMPLE)))

    # 1% deleted: held (max_delete_percent 0) until approved by the plan id, then soft-deleted.
    unchanged = sorted(set(everything) - set(changed))
    deleted = rng.sample(unchanged, SECRETS // 100)
    delete_all(s.origin, deleted)
    s.run_cycle("origin", timeout=BIG_WAIT)
    c = s.run_cycle("dest", timeout=BIG_WAIT)
    assert c["counters"].get("deletes_held") == len(deleted), c
    assert all(s.dest.read(p) is not None for p in deleted[:50]), "a held delete was applied"
    status, plan, _ = s.daemon.call("GET", "/v1/sync/dest/plan")
    assert status == 200 and plan.get("plan"), plan
    last = s.newest_id("dest")
    status, body, _ = s.daemon.call("POST", "/v1/sync/dest/approve-deletes", {"plan": plan["plan"]})
    assert status == 202 and body["plan"] == plan["plan"], body
    c = s.wait_cycle_end("dest", last + 1, timeout=BIG_WAIT)
    assert c["outcome"] == "ok" and c["counters"].get("delete") == len(deleted), c
    gone = states(s.dest, deleted)
    assert all(st == "deleted" for st, _ in gone.values()), [p for p, (st, _) in gone.items() if st != "deleted"][:5]
    assert_identical(s, set(deleted) | set(changed) | set(rng.sample(everything, SAMPLE)))
    assert "response body exceeds" not in s.daemon.log()

    # Start-up names the bucket count the published info needs before any cycle fails: with buckets 2, each
    # bucket would hold ~2.4 MB (~1 MB under the sanitizers), over the 392,192 bytes one transaction carries.
    assert s.stop_daemon() == 0
    jobs = scale_jobs()
    jobs[0]["buckets"] = 2
    s.start_daemon(jobs, vaults=vaults, consuls=consuls)
    job = s.daemon.wait_job("origin", lambda j: j["state"] == "failed", timeout=BIG_WAIT,
                            what="the origin's start-up capacity check failed")
    error = job["last_cycle"]["error"] or ""
    needed = re.search(r"buckets: (\d+) needed \(now 2\)", error)
    assert needed and 'sync job "origin"' in error and '"buckets"' in error, error
    assert -(-info_bytes // 392_192) <= int(needed.group(1)) <= BUCKETS, (error, info_bytes)
    assert s.run_cycle("dest", timeout=BIG_WAIT)["outcome"] == "ok", "the destination's info fits 32 buckets"


def test_max_response_bytes_bounds_the_vault_and_the_consul_client(fresh_stack):
    """Each client's max_response_bytes is what it reads at most: a LIST of 12,000 keys (~100 KB) through a
    Vault client limited to 64 KiB, and an origin bucket (~110 KB) through a Consul client limited to 64 KiB,
    fail their cycle naming the limit, while the same servers through the default 32 MiB clients sync."""
    s = fresh_stack
    s.origin.sim("vault/load", {"count": 12_000, "mount": "secret/", "prefix": "f/"})
    tight = 64 * 1024
    vaults = {"origin": {"address": s.origin.addr, "token": ROOT},
              "tightv": {"address": s.origin.addr, "token": ROOT, "max_response_bytes": tight},
              "dest": {"address": s.dest.addr, "token": ROOT}}
    consuls = {"oc": {"address": s.oc.addr}, "dc": {"address": s.dc.addr},
               "tightc": {"address": s.oc.addr, "max_response_bytes": tight}}
    origin = {"vault": "origin", "consul": "oc", "mounts": ["secret/"]}
    jobs = [
        {"name": "origin", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "2m",
         "origin": origin, "buckets": 8, "max_publish_drop_percent": 100},
        {"name": "tightv", "kind": "sync", "role": "origin", "interval": "1h", "timeout": "2m",
         "origin": {"vault": "tightv", "consul": "oc", "mounts": ["secret/"], "sync_path": "tightv/"},
         "buckets": 8},
        {"name": "tightc", "kind": "sync", "role": "destination", "interval": "1h", "timeout": "2m",
         "origin": {**origin, "consul": "tightc"}, "destination": {"vault": "dest", "consul": "dc"},
         "watch": False},
    ]
    s.start_daemon(jobs, vaults=vaults, consuls=consuls)
    s.wait_idle(["origin", "tightv", "tightc"], timeout=BIG_WAIT)
    c = s.run_cycle("tightv", expect="failed", timeout=BIG_WAIT)
    assert f"response body exceeds {tight} bytes" in json.dumps(c), c
    c = s.run_cycle("tightc", expect="failed", timeout=BIG_WAIT)
    assert f"response body exceeds {tight} bytes" in json.dumps(c), c
    assert s.dest.read("f/0") is None, "nothing copied"
