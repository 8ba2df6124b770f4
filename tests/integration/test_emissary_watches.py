"""emissary Consul watches at scale, against consul-sim: every job of the daemon shares one hub per Consul
agent, which holds at most `max_blocking_queries` blocking queries (keys under common folders coalesced into
recursive queries), and tells a job only about the keys and prefixes it reads that moved. Two jobs with 300
templates over 1,000 keys and a cap of 10: consul-sim never holds more than 10 blocking queries, a change to one
key re-renders its files within a second and starts no cycle in the job that does not read it, a key added
under a watched prefix re-renders that prefix's template, and keys two jobs read use one query."""
import base64
import json
import os
import signal
import tempfile
import time

import vkproc
from test_emissary import call, emissary_status, job, sims  # noqa: F401  (sims: fixture)
from vkdaemon import Daemon

CAP = 10
KEYS = [f"w/h{h}/g{g}/k{k:03d}" for h in range(5) for g in range(4) for k in range(50)]  # 1,000 keys
TEMPLATES = 300
PER_TEMPLATE = 4


def keys_of(t):
    """The keys template t reads: 1,200 reads over 1,000 keys, so templates t and t+250 share theirs."""
    return [KEYS[(t * PER_TEMPLATE + j) % len(KEYS)] for j in range(PER_TEMPLATE)]


def template_text(t):
    text = "".join(f'{key}={{{{ secret "kv" "{key}" }}}}\n' for key in keys_of(t))
    if t >= TEMPLATES - 5:  # the last five also list a prefix with no key yet
        text += '{{ range tree "kv" "w/new/" }}new {{ .Key }}={{ .Value }}\n{{ end }}'
    return text


def put_many(sims, pairs):
    """Writes many keys with Consul transactions (64 operations each)."""
    for i in range(0, len(pairs), 64):
        ops = [{"KV": {"Verb": "set", "Key": k, "Value": base64.b64encode(v.encode()).decode()}}
               for k, v in pairs[i:i + 64]]
        status, body = call("PUT", f"{sims.consul_addr}/v1/txn", ops)
        assert status == 200, body


def consul_state(sims):
    status, body = call("GET", f"{sims.consul_addr}/_sim/consul/state")
    assert status == 200, body
    return json.loads(body)


def read(path):
    return open(path).read() if os.path.exists(path) else None


def counted(d, family, name):
    """A counter family's total for job `name`, every other label together."""
    status, text, _ = d.call("GET", "/metrics", token=None)
    assert status == 200
    total = 0
    for line in text.splitlines():
        if line.startswith(family + "{") and f'job="{name}"' in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def renders_of(d, name):
    """The job's template renders so far (a cycle renders the templates whose values were answered since)."""
    return counted(d, "vaultkeeper_emissary_renders_total", name)


def cycles_of(d, name):
    return counted(d, "vaultkeeper_cycles_total", name)


def emissary_job(name, tmp, templates):
    j = job(name, "", os.path.join(tmp, "unused"), interval="10m")
    j["templates"] = [{"contents": template_text(t), "destination": os.path.join(tmp, f"t{t:03d}.conf")}
                      for t in templates]
    return j


class Waiters:
    """consul-sim's blocking queries held, sampled at every check: the most ever seen."""

    def __init__(self, sims):
        self.sims, self.most = sims, 0

    def now(self):
        n = consul_state(self.sims)["kv_waiters"]
        self.most = max(self.most, n)
        return n


def test_two_jobs_over_a_thousand_keys_hold_at_most_the_cap_of_blocking_queries(sims):
    tmp = tempfile.mkdtemp(prefix="vk-watches-")
    put_many(sims, [(k, f"{k}-v0") for k in KEYS])
    config = sims.config([emissary_job("wa", tmp, range(0, 150)), emissary_job("wb", tmp, range(150, TEMPLATES))])
    config["consuls"]["c"]["max_blocking_queries"] = CAP
    d = Daemon(config)
    waiters = Waiters(sims)
    dest = [os.path.join(tmp, f"t{t:03d}.conf") for t in range(TEMPLATES)]
    try:
        def all_rendered():
            waiters.now()
            return all(read(p) is not None for p in dest)
        vkproc.wait_until(all_rendered, 60, interval=0.1, what="every template rendered")
        assert read(dest[0]) == "".join(f"{k}={k}-v0\n" for k in keys_of(0))

        # The plan: 1,000 keys and one prefix in 9 queries (four h-folders, h4's four g-folders, w/new/), shared.
        def settled():
            st = emissary_status(d, "wa")["consul_watches"]
            return st if st and st[0]["blocking_queries"] == waiters.now() else None
        st = vkproc.wait_until(settled, 20, interval=0.05, what="the hub's queries blocking")
        assert st == [{"consul": "c", "blocking_queries": 9, "watched": len(KEYS) + 1}]
        assert emissary_status(d, "wb")["consul_watches"] == st
        status, metrics, _ = d.call("GET", "/metrics", token=None)
        assert 'vaultkeeper_consul_blocking_queries{consul="c"} 9' in metrics

        # Wait for the first answers' cycles to end: both jobs' render counts stop moving.
        last = {}

        def quiet():
            waiters.now()
            now = (renders_of(d, "wa"), renders_of(d, "wb"))
            was, last["v"] = last.get("v"), now
            return was == now
        vkproc.wait_until(quiet, 30, interval=0.5, what="the jobs idle")
        before_b, cycles_b = renders_of(d, "wb"), cycles_of(d, "wb")

        # A key only job wa reads (template 100), under a query job wb also uses: wa's file within a second.
        only_a = keys_of(100)[1]
        assert all(only_a not in keys_of(t) for t in range(150, TEMPLATES))
        start = time.monotonic()
        put_many(sims, [(only_a, "changed-a")])
        vkproc.wait_until(lambda: f"{only_a}=changed-a\n" in read(dest[100]), 2, interval=0.005,
                          what="wa's file after its key changed")
        assert time.monotonic() - start < 2
        # Then a key only wb reads (template 200): wb runs exactly one cycle for both changes.
        only_b = keys_of(200)[2]
        assert all(only_b not in keys_of(t) for t in range(0, 150))
        put_many(sims, [(only_b, "changed-b")])
        vkproc.wait_until(lambda: f"{only_b}=changed-b\n" in read(dest[200]), 2, interval=0.005,
                          what="wb's file after its key changed")
        # wb renders the templates that read only_b and no other: none for wa's key, not its other 148.
        readers_b = [t for t in range(150, TEMPLATES) if only_b in keys_of(t)]
        assert readers_b, "the test needs a template of wb reading only_b"
        vkproc.wait_until(lambda: renders_of(d, "wb") >= before_b + len(readers_b), 5, what="wb's renders counted")
        assert renders_of(d, "wb") == before_b + len(readers_b), \
            "job wb rendered templates that do not read the changed key"
        vkproc.wait_until(lambda: cycles_of(d, "wb") >= cycles_b + 1, 5, what="wb's cycle counted")
        assert cycles_of(d, "wb") == cycles_b + 1, "job wb ran a cycle for a key it does not read"

        # A key both jobs read (templates 10 and 260): both files.
        shared = keys_of(10)[0]
        assert shared in keys_of(260)
        put_many(sims, [(shared, "changed-both")])
        for t in (10, 260):
            vkproc.wait_until(lambda: f"{shared}=changed-both\n" in read(dest[t]), 2, interval=0.005,
                              what=f"template {t} after a shared key changed")

        # A key added under the watched prefix re-renders the five templates listing it.
        put_many(sims, [("w/new/x", "fresh")])
        for t in range(TEMPLATES - 5, TEMPLATES):
            vkproc.wait_until(lambda: "new x=fresh\n" in read(dest[t]), 2, interval=0.005,
                              what=f"template {t} after a key was added under its prefix")
        assert waiters.now() <= CAP
    finally:
        d.stop()
    assert waiters.most <= CAP, f"consul-sim held {waiters.most} blocking queries (cap {CAP})"
    log = d.log()
    assert "changed-a" not in log and "changed-both" not in log


def test_keys_two_jobs_read_use_one_query_each(sims):
    tmp = tempfile.mkdtemp(prefix="vk-watches-")
    text = ''.join(f'{{{{ secret "kv" "s/{k}" }}}}' for k in "abc")
    put_many(sims, [(f"s/{k}", k) for k in "abc"])
    jobs = [job(name, text, os.path.join(tmp, name), interval="10m") for name in ("one", "two")]
    d = Daemon(sims.config(jobs))
    try:
        vkproc.wait_until(lambda: all(read(os.path.join(tmp, n)) == "abc" for n in ("one", "two")), 20,
                          what="both jobs rendered")
        # Under the cap every key keeps its exact query; two jobs reading the same three keys hold three.
        vkproc.wait_until(lambda: consul_state(sims)["kv_waiters"] == 3, 10, what="three blocking queries")
        assert emissary_status(d, "one")["consul_watches"] == [
            {"consul": "c", "blocking_queries": 3, "watched": 3}]
        put_many(sims, [("s/b", "B")])
        for n in ("one", "two"):
            vkproc.wait_until(lambda: read(os.path.join(tmp, n)) == "aBc", 2, interval=0.005,
                              what=f"job {n} after the shared key changed")
        assert consul_state(sims)["kv_waiters"] <= 3
    finally:
        d.stop()


def reload(d, config):
    before = d.log().count("configuration reloaded")
    d.write_config(config)
    d.proc.signal(signal.SIGHUP)
    vkproc.wait_until(lambda: d.log().count("configuration reloaded") > before, 15, what="reload")


def test_a_reload_that_removes_or_rebuilds_a_job_leaves_only_the_new_keys_watched(sims):
    tmp = tempfile.mkdtemp(prefix="vk-watches-")
    put_many(sims, [(f"r/{k}", k) for k in "abcd"])
    config = sims.config([job("one", '{{ secret "kv" "r/a" }}', os.path.join(tmp, "one"), interval="10m"),
                          job("two", '{{ secret "kv" "r/b" }}{{ secret "kv" "r/c" }}', os.path.join(tmp, "two"),
                              interval="10m")])
    d = Daemon(config)

    def watches_are(want):
        return lambda: emissary_status(d, "one")["consul_watches"] == [
            {"consul": "c", "blocking_queries": want, "watched": want}]
    try:
        vkproc.wait_until(watches_are(3), 20, what="three keys watched")
        # Job two goes away, job one is rebuilt with another key: only that key stays watched.
        config["jobs"] = [job("one", '{{ secret "kv" "r/d" }}', os.path.join(tmp, "one"), interval="10m")]
        reload(d, config)
        vkproc.wait_until(watches_are(1), 10, what="the old keys left")
        vkproc.wait_until(lambda: read(os.path.join(tmp, "one")) == "d", 10, what="the rebuilt job's render")
        put_many(sims, [("r/d", "D")])
        vkproc.wait_until(lambda: read(os.path.join(tmp, "one")) == "D", 2, interval=0.005,
                          what="the rebuilt job follows its new key")
        status, metrics, _ = d.call("GET", "/metrics", token=None)
        assert 'vaultkeeper_consul_blocking_queries{consul="c"} 1' in metrics

        # A cap of 1 (the agent's block changed: a new hub): two keys share the recursive query on "r/".
        config["consuls"]["c"]["max_blocking_queries"] = 1
        config["jobs"] = [job("one", '{{ secret "kv" "r/a" }}{{ secret "kv" "r/d" }}', os.path.join(tmp, "one"),
                              interval="10m")]
        reload(d, config)
        vkproc.wait_until(lambda: emissary_status(d, "one")["consul_watches"] == [
            {"consul": "c", "blocking_queries": 1, "watched": 2}], 10, what="two keys in one query")
        vkproc.wait_until(lambda: read(os.path.join(tmp, "one")) == "aD", 10, what="the render after the reload")
        put_many(sims, [("r/a", "A")])
        vkproc.wait_until(lambda: read(os.path.join(tmp, "one")) == "AD", 2, interval=0.005,
                          what="a key followed by the folder's query")
        # The gauge sums the agent's hubs: the old one ended with its jobs.
        vkproc.wait_until(lambda: 'vaultkeeper_consul_blocking_queries{consul="c"} 1\n' in
                          d.call("GET", "/metrics", token=None)[1], 5, what="the gauge after the new hub")
    finally:
        d.stop()


def test_keys_with_no_common_folder_share_the_root_query_under_a_cap_of_one(sims):
    tmp = tempfile.mkdtemp(prefix="vk-watches-")
    put_many(sims, [("alpha", "a"), ("beta/x", "b")])
    config = sims.config([job("root", '{{ secret "kv" "alpha" }}{{ range tree "kv" "beta/" }}{{ .Value }}{{ end }}',
                              os.path.join(tmp, "root"), interval="10m")])
    config["consuls"]["c"]["max_blocking_queries"] = 1
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: read(os.path.join(tmp, "root")) == "ab", 10, what="first render")
        vkproc.wait_until(lambda: emissary_status(d, "root")["consul_watches"] == [
            {"consul": "c", "blocking_queries": 1, "watched": 2}], 10, what="one query for both")
        vkproc.wait_until(lambda: consul_state(sims)["kv_waiters"] == 1, 10, what="one blocking query")
        put_many(sims, [("alpha", "A")])
        vkproc.wait_until(lambda: read(os.path.join(tmp, "root")) == "Ab", 2, interval=0.005, what="the key")
        put_many(sims, [("beta/y", "c")])
        vkproc.wait_until(lambda: read(os.path.join(tmp, "root")) == "Abc", 2, interval=0.005,
                          what="a key added under the prefix")
        put_many(sims, [("unrelated", "z")])  # moves the root query's answer, not the job's values
        vkproc.wait_until(lambda: consul_state(sims)["kv_waiters"] == 1, 5, what="the query blocking again")
        assert read(os.path.join(tmp, "root")) == "Abc"
    finally:
        d.stop()


def test_a_folder_query_the_agent_refuses_is_planned_around(sims):
    tmp = tempfile.mkdtemp(prefix="vk-watches-")
    out = os.path.join(tmp, "acl")
    put_many(sims, [("f/a", "a"), ("f/b", "b")])
    config = sims.config([job("acl", '{{ secret "kv" "f/a" }}{{ secret "kv" "f/b" }}', out, interval="10m")])
    config["consuls"]["c"]["max_blocking_queries"] = 1
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: read(out) == "ab", 10, what="first render")
        vkproc.wait_until(lambda: consul_state(sims)["kv_waiters"] == 1, 10, what="the folder's query blocking")
        # The folder query's next read is refused, as an agent enforcing the key list policy does.
        status, body = call("POST", f"{sims.consul_addr}/_sim/fail",
                            {"method": "GET", "path": "/v1/kv/f/", "status": 403, "count": 1})
        assert status == 200, body
        put_many(sims, [("f/a", "A")])
        vkproc.wait_until(lambda: read(out) == "Ab", 2, interval=0.005, what="the change before the refusal")
        vkproc.wait_until(lambda: "consul refused a recursive read of a folder" in d.log(), 10,
                          what="the refusal noticed")
        # Re-planned on the root folder: still one query, and it follows both keys.
        vkproc.wait_until(lambda: consul_state(sims)["kv_waiters"] >= 1, 10, what="the new query blocking")
        put_many(sims, [("f/b", "B")])
        vkproc.wait_until(lambda: read(out) == "AB", 3, interval=0.005, what="a change after the re-plan")
        assert emissary_status(d, "acl")["consul_watches"] == [{"consul": "c", "blocking_queries": 1, "watched": 2}]
    finally:
        d.stop()


def test_a_file_changed_by_hand_is_put_back_at_the_next_interval_though_nothing_it_reads_moved(sims):
    """A cycle started by a change renders only the templates that read it; every `interval` each template
    is rendered again, so a destination edited by hand (or by another tool) is put back."""
    tmp = tempfile.mkdtemp(prefix="vk-pass-")
    sims.consul_put("pass/a", "A")
    sims.consul_put("pass/b", "B")
    j = job("pass", "", os.path.join(tmp, "unused"), interval="2s")
    j["templates"] = [{"contents": f'{{{{ secret "kv" "pass/{k}" }}}}', "destination": os.path.join(tmp, k)}
                      for k in ("a", "b")]
    d = Daemon(sims.config([j]))
    try:
        vkproc.wait_until(lambda: read(os.path.join(tmp, "a")) == "A" and read(os.path.join(tmp, "b")) == "B",
                          10, what="both rendered")
        # Settled: the values answered by the watch (its query now blocks), so nothing new is on its way.
        vkproc.wait_until(lambda: consul_state(sims)["kv_waiters"] >= 1, 10, interval=0.05,
                          what="the watch's query blocking")
        vkproc.wait_until(lambda: emissary_status(d, "pass")["templates"][0]["state"] == "rendered", 5,
                          what="rendered")
        for k in ("a", "b"):
            with open(os.path.join(tmp, k), "w") as f:
                f.write("edited by hand")
        start = time.monotonic()
        vkproc.wait_until(lambda: read(os.path.join(tmp, "a")) == "A" and read(os.path.join(tmp, "b")) == "B",
                          5, interval=0.05, what="both files put back")
        assert time.monotonic() - start <= 4.0  # within an interval (2 s) and a cycle
        assert "pass/a" not in json.dumps(emissary_status(d, "pass").get("errors", []))
    finally:
        d.stop()
