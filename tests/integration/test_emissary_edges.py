"""emissary edges: a rotated-out secret the command prints after the rotation stays redacted; a secret that
crosses the command output's cap leaves no prefix in the log; a missing field of an existing Vault secret and
a template error are re-read with exponential backoff (a bounded number of reads and cycles in a window) and
picked up promptly once fixed, and a read that outlasts the cycle's timeout does not start the next cycle at
once; directories create_dest_dirs makes get dir_perms and their owner under the systemd unit's 0077 umask."""
import base64
import json
import os
import tempfile
import time

import vkproc
from test_emissary import Sims, call, emissary_status, job, lines, sims  # noqa: F401  (sims: fixture)
from vkdaemon import Daemon

OLD, NEW = "old-Rotated-pw-5521", "new-Rotated-pw-7730"


def b64(s):
    return base64.b64encode(s.encode()).decode()


def test_a_rotated_out_secret_printed_by_the_command_stays_redacted(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest, runs = os.path.join(tmp, "app.conf"), os.path.join(tmp, "runs")
    sims.vault_write("app", {"pw": OLD})
    template = 'pw={{ secret "vault" "secret/app" "pw" }}\nb64={{ secret "vault" "secret/app" "pw" | base64 }}\n'
    # Like `diff x.bak x` or a reload script that logs the password it replaces.
    command = f"echo run >> {runs}; cat {dest}.bak {dest} 2>/dev/null; echo done"
    spec = job("rotate", template, dest, command, refresh="300ms")
    spec["templates"][0]["backup"] = True
    d = Daemon(sims.config([spec]))
    try:
        vkproc.wait_until(lambda: lines(runs) == ["run"], 10, what="first render and run")
        sims.vault_write("app", {"pw": NEW})
        vkproc.wait_until(lambda: lines(runs) == ["run", "run"], 10, what="render of the rotated value and run")
        assert NEW in open(dest).read() and OLD in open(dest + ".bak").read()
        vkproc.wait_until(lambda: emissary_status(d, "rotate")["command"]["runs"] == 2 and
                          d.log().count("command output") == 2, 10, what="second command output logged")
    finally:
        d.stop()
    log = d.log()
    second = log[log.rindex("command output"):]
    assert second.count("<redacted>") >= 2, second  # the old value and its base64 form, printed from .bak
    for value in (OLD, NEW, b64(OLD), b64(NEW)):
        assert value not in log, f"{value} in the log"


def test_a_secret_across_the_output_cap_leaves_no_prefix(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest = os.path.join(tmp, "secret")
    secret = "Q7-capped-secret-value-0042"
    sims.consul_put("k", secret)
    # 64 KiB minus 5 bytes of x, then the secret: a cut before redaction leaves "Q7-ca" in the log.
    command = f"head -c {64 * 1024 - 5} /dev/zero | tr '\\0' x; cat {dest}; echo"
    d = Daemon(sims.config([job("cap", '{{ secret "kv" "k" }}', dest, command)]))
    try:
        vkproc.wait_until(lambda: "command output" in d.log(), 10, what="command output logged")
    finally:
        d.stop()
    log = d.log()
    assert "x" * 60000 in log  # the output was logged
    assert "xQ" not in log and secret[:3] not in log
    assert "x[truncated]" in log


def reads(sims):
    status, body = call("GET", f"{sims.vault_addr}/_sim/counters")
    assert status == 200, body
    return json.loads(body).get("GET /v1/secret", 0)


def cycles_after(d, name, first_id):
    status, body, _ = d.call("GET", f"/v1/jobs/{name}/cycles")
    assert status == 200, body
    return [c for c in body["cycles"] if c["id"] > first_id]


def last_cycle_id(d, name):
    status, body, _ = d.call("GET", f"/v1/jobs/{name}/cycles")
    assert status == 200, body
    return max((c["id"] for c in body["cycles"]), default=0)


RETRY = {"initial": "100ms", "max": "1600ms"}
WINDOW = 6.0


def watch_a_window(sims, d, name):
    """Vault reads and cycles of `name` during WINDOW seconds of the same unusable answer."""
    first_read, first_cycle = reads(sims), last_cycle_id(d, name)
    time.sleep(WINDOW)  # the behaviour under test is how little happens in this time
    return reads(sims) - first_read, cycles_after(d, name, first_cycle)


def test_a_missing_field_is_read_again_with_backoff_and_resumes_once_it_appears(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest = os.path.join(tmp, "pw")
    sims.vault_write("app", {"user": "u"})
    d = Daemon(sims.config([job("field", '{{ secret "vault" "secret/app" "pw" }}', dest, retry=RETRY)]))
    try:
        vkproc.wait_until(lambda: emissary_status(d, "field")["templates"][0]["missing"] == ["vault secret/app pw"],
                          10, what="waiting on the field")
        n, cycles = watch_a_window(sims, d, "field")
        # At retry.initial (50-100 ms with jitter) this was 60-120 reads and cycles; doubling to 1.6 s it is ~8.
        assert n <= 15, f"{n} reads of an unchanged secret in {WINDOW} s"
        assert len(cycles) <= 15, cycles
        sims.vault_write("app", {"user": "u", "pw": "field-value-9"})
        start = time.monotonic()
        vkproc.wait_until(lambda: os.path.exists(dest) and open(dest).read() == "field-value-9", 5,
                          what="render once the field appears")
        assert time.monotonic() - start < 1.6 + 1.5  # within retry.max, plus a cycle
    finally:
        d.stop()


def test_a_template_error_is_retried_with_backoff_not_every_initial(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    dest = os.path.join(tmp, "cert")
    sims.vault_write("app", {"cert": "not*base64"})
    template = '{{ secret "vault" "secret/app" "cert" | base64decode }}'
    d = Daemon(sims.config([job("tmplerr", template, dest, retry=RETRY)]))
    try:
        vkproc.wait_until(lambda: emissary_status(d, "tmplerr")["templates"][0]["state"] == "error", 10,
                          what="the template error")
        n, cycles = watch_a_window(sims, d, "tmplerr")
        failed = [c for c in cycles if c.get("outcome") == "failed"]
        assert n <= 15, f"{n} reads of an unchanged secret in {WINDOW} s"
        assert 1 <= len(failed) <= 15, cycles
        sims.vault_write("app", {"cert": b64("fixed")})
        vkproc.wait_until(lambda: os.path.exists(dest) and open(dest).read() == "fixed", 5,
                          what="render once the value is fixed")
    finally:
        d.stop()


def test_created_directories_get_dir_perms_and_owner_under_a_0077_umask(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    os.chmod(tmp, 0o755)
    plain, owned = os.path.join(tmp, "a", "b", "f"), os.path.join(tmp, "c", "d", "f")
    sims.consul_put("k", "v")
    spec = job("dirs", '{{ secret "kv" "k" }}', plain)
    spec["templates"][0]["perms"] = "0644"
    owner = {"dir_user": "65534", "dir_group": "65534"} if os.geteuid() == 0 else {}
    spec["templates"].append({"contents": '{{ secret "kv" "k" }}', "destination": owned, "perms": "0644",
                              "dir_perms": "0750", **owner})
    old = os.umask(0o077)  # the systemd unit's: the daemon inherits it
    try:
        d = Daemon(sims.config([spec]))
    finally:
        os.umask(old)
    try:
        vkproc.wait_until(lambda: os.path.exists(plain) and os.path.exists(owned), 10, what="both rendered")
    finally:
        d.stop()
    for path, mode in ((os.path.join(tmp, "a"), 0o755), (os.path.join(tmp, "a", "b"), 0o755),
                       (os.path.join(tmp, "c"), 0o750), (os.path.join(tmp, "c", "d"), 0o750)):
        assert os.stat(path).st_mode & 0o7777 == mode, f"{path}: {oct(os.stat(path).st_mode & 0o7777)}"
    assert os.stat(plain).st_mode & 0o7777 == 0o644
    if owner:
        for path in (os.path.join(tmp, "c"), os.path.join(tmp, "c", "d")):
            assert (os.stat(path).st_uid, os.stat(path).st_gid) == (65534, 65534), path
        assert os.stat(os.path.join(tmp, "a")).st_uid == os.geteuid()


def test_a_source_that_outlasts_the_cycle_timeout_is_retried_with_backoff_not_at_once(sims):
    tmp = tempfile.mkdtemp(prefix="vk-emissary-")
    sims.vault_write("app", {"pw": "slow-value-1"})
    status, body = call("POST", f"{sims.vault_addr}/_sim/latency", {"ms": 3000})
    assert status in (200, 204), body
    spec = job("slow", '{{ secret "vault" "secret/app" "pw" }}', os.path.join(tmp, "pw"), timeout="500ms",
               retry={"initial": "4s", "max": "4s"})
    d = Daemon(sims.config([spec]))
    try:
        vkproc.wait_until(lambda: any(c.get("outcome") == "timeout" for c in cycles_after(d, "slow", 0)), 10,
                          what="a cycle that timed out")
        first = last_cycle_id(d, "slow")
        time.sleep(6.0)  # how few reads start in this time is the behaviour under test
        timed_out = [c for c in cycles_after(d, "slow", first) if c.get("outcome") == "timeout"]
        # Unscheduled, each timed-out read started the next at once: ~12 in 6 s. Waiting 2-4 s: at most 3.
        assert len(timed_out) <= 3, timed_out
    finally:
        d.stop()
