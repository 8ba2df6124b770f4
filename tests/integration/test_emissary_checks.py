"""emissary Vault KV v2 version checks: a write reaches the file within vault_check; with many secrets and a
small request budget the round stretches to checks / budget, the checks are spread out, and only the secrets
that changed are read again; a token that may not read <mount>/metadata/ falls back to data reads with one
warning naming the source and the mount; two jobs reading one secret share its check (and the metric counts
checks and reads)."""
import json
import os
import signal
import tempfile
import time
import urllib.parse

import vkproc
from test_emissary import ROOT, Sims, call, emissary_status, job, sims  # noqa: F401  (sims: fixture)
from vkdaemon import Daemon


def requests(sims, text):
    status, body = call("GET", f"{sims.vault_addr}/_sim/vault/requests?prefix={urllib.parse.quote(text)}")
    assert status == 200, body
    return json.loads(body)["requests"]


def count(sims, method, path):
    return requests(sims, path).get(f"{method} {path}", 0)


def read(path):
    return open(path).read() if os.path.exists(path) else None


def checks_status(d, name):
    # The checker joins the Vault's round when the job's background starts: wait for it (bounded).
    return vkproc.wait_until(lambda: emissary_status(d, name)["vault_checks"], 5, what="vault_checks in the status")


def one_secret_job(sims, name, value, **extra):
    """A daemon whose job `name` renders field v of secret/<name> (written as `value`) with vault_check 1s,
    once that render is on disk: (daemon, destination, config)."""
    dest = os.path.join(tempfile.mkdtemp(prefix="vk-checks-"), name)
    sims.vault_write(name, {"v": value})
    config = sims.config([job(name, f'{{{{ secret "vault" "secret/{name}" "v" }}}}', dest, vault_check="1s",
                              **extra)])
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: read(dest) == value, 10, what="first render")
    except BaseException:
        d.stop()
        raise
    return d, dest, config


def test_a_kv2_write_reaches_the_file_within_the_check_interval(sims):
    d, dest, _ = one_secret_job(sims, "fast", "v1-pw-1111")
    try:
        [st] = checks_status(d, "fast")
        assert st["source"] == "vault" and st["vault"] == "v"
        assert st["check_interval_seconds"] == 1.0 and st["checked_paths"] == 1
        assert st["fallback_to_reads"] is False and st["fallback_mounts"] == []
        # Settled: the value is kept fresh by the checks (a metadata read a second), not by full re-reads.
        vkproc.wait_until(lambda: count(sims, "GET", "/v1/secret/metadata/fast") >= 2, 5, what="two checks")
        for value in ("v2-pw-2222", "v3-pw-3333"):
            start = time.monotonic()
            sims.vault_write("fast", {"v": value})
            vkproc.wait_until(lambda: read(dest) == value, 1.0 + 1.5, interval=0.01, what="the write on disk")
            assert time.monotonic() - start < 2.5
        reads = count(sims, "GET", "/v1/secret/data/fast")
        assert reads <= 4, reads  # the first read and one per write (a race may add one)
    finally:
        d.stop()


def test_only_changed_secrets_are_read_and_the_budget_stretches_the_round(sims):
    tmp = tempfile.mkdtemp(prefix="vk-checks-")
    dest = os.path.join(tmp, "all")
    n = 20
    for i in range(n):
        sims.vault_write(f"many/s{i}", {"v": f"value-{i}-a"})
    template = "".join(f'{{{{ secret "vault" "secret/many/s{i}" "v" }}}}\n' for i in range(n))
    expected = lambda values: "".join(f"{v}\n" for v in values)  # noqa: E731
    values = [f"value-{i}-a" for i in range(n)]
    d = Daemon(sims.config([job("many", template, dest, vault_check="1s", max_requests_per_second=10)]))
    try:
        vkproc.wait_until(lambda: read(dest) == expected(values), 10, what="first render")
        [st] = checks_status(d, "many")
        assert st["checked_paths"] == n and st["vault_checked_paths"] == n
        assert st["check_interval_seconds"] == 2.0  # 20 paths at 10 a second; vault_check 1s is shorter
        assert st["max_requests_per_second"] == 10

        def metadata_counts():
            got = requests(sims, "/v1/secret/metadata/many/")
            return [got.get(f"GET /v1/secret/metadata/many/s{i}", 0) for i in range(n)]

        def data_counts():
            got = requests(sims, "/v1/secret/data/many/")
            return [got.get(f"GET /v1/secret/data/many/s{i}", 0) for i in range(n)]

        # One whole round of checks: every value held and checked at least once.
        vkproc.wait_until(lambda: min(metadata_counts()) >= 1, 10, what="a round of checks")
        # The checks are spread out: over a window, about budget x window of them, not a burst.
        before, t0 = sum(metadata_counts()), time.monotonic()
        vkproc.wait_until(lambda: time.monotonic() - t0 >= 3.0, 5, what="a 3 s window")
        rate = (sum(metadata_counts()) - before) / (time.monotonic() - t0)
        assert 5 <= rate <= 13, rate
        reads_before = data_counts()
        changed = {3, 11, 17}
        for i in changed:
            values[i] = f"value-{i}-b"
            sims.vault_write(f"many/s{i}", {"v": values[i]})
        vkproc.wait_until(lambda: read(dest) == expected(values), 2.0 + 2.0, what="the three changes on disk")
        # Another whole round after the changes: the unchanged secrets were checked, never read.
        marks = metadata_counts()
        vkproc.wait_until(lambda: all(a > b for a, b in zip(metadata_counts(), marks)), 6, what="another round")
        reads_after = data_counts()
        for i in range(n):
            delta = reads_after[i] - reads_before[i]
            if i in changed:
                assert 1 <= delta <= 2, (i, delta)
            else:
                assert delta == 0, (i, delta)
    finally:
        d.stop()


def test_a_token_that_may_not_read_metadata_falls_back_to_data_reads_with_one_warning(sims):
    status, body = call("POST", f"{sims.vault_addr}/v1/sys/policies/acl/dataonly",
                        {"policy": 'path "secret/data/*" { capabilities = ["read"] }'}, token=ROOT)
    assert status in (200, 204), body
    status, body = call("POST", f"{sims.vault_addr}/v1/auth/token/create", {"policies": ["dataonly"]}, token=ROOT)
    assert status == 200, body
    weak = json.loads(body)["auth"]["client_token"]
    tmp = tempfile.mkdtemp(prefix="vk-checks-")
    dest = os.path.join(tmp, "both")
    sims.vault_write("fb/a", {"v": "a-one"})
    sims.vault_write("fb/b", {"v": "b-one"})
    template = '{{ secret "vault" "secret/fb/a" "v" }}+{{ secret "vault" "secret/fb/b" "v" }}'
    config = sims.config([job("fallback", template, dest, vault_check="1s")])
    config["vaults"]["v"]["token"] = weak
    d = Daemon(config)
    try:
        vkproc.wait_until(lambda: read(dest) == "a-one+b-one", 10, what="first render")
        st = vkproc.wait_until(lambda: (lambda s: s[0]["fallback_to_reads"] and s)(checks_status(d, "fallback")),
                               5, what="the fallback in the status")
        assert st[0]["fallback_mounts"] == ["secret"] and st[0]["checked_paths"] == 2
        sims.vault_write("fb/b", {"v": "b-two"})
        vkproc.wait_until(lambda: read(dest) == "a-one+b-two", 1.0 + 1.5, interval=0.01, what="the write on disk")
        # Several rounds later: still one warning (not one per path, not one per round), naming source and mount.
        start = count(sims, "GET", "/v1/secret/data/fb/a")
        vkproc.wait_until(lambda: count(sims, "GET", "/v1/secret/data/fb/a") >= start + 3, 6,
                          what="three more rounds")
        warnings = [line for line in d.log().splitlines() if "may not read secret/metadata/" in line]
        assert len(warnings) == 1, warnings
        assert '"source":"vault"' in warnings[0].replace(" ", "") or "source=vault" in warnings[0], warnings[0]
        assert count(sims, "GET", "/v1/secret/metadata/fb/a") + count(sims, "GET", "/v1/secret/metadata/fb/b") == 1
    finally:
        d.stop()


def test_jobs_reading_the_same_secret_share_one_check(sims):
    tmp = tempfile.mkdtemp(prefix="vk-checks-")
    dests = {name: os.path.join(tmp, name) for name in ("one", "two")}
    sims.vault_write("shared", {"v": "shared-1"})
    d = Daemon(sims.config([job(name, '{{ secret "vault" "secret/shared" "v" }}', dest, vault_check="1s")
                            for name, dest in dests.items()]))
    try:
        vkproc.wait_until(lambda: all(read(p) == "shared-1" for p in dests.values()), 10, what="both rendered")
        for name in dests:
            [st] = checks_status(d, name)
            assert st["checked_paths"] == 1 and st["vault_checked_paths"] == 1, st
        path = "/v1/secret/metadata/shared"
        vkproc.wait_until(lambda: count(sims, "GET", path) >= 2, 5, what="the checks running")
        before, t0 = count(sims, "GET", path), time.monotonic()
        vkproc.wait_until(lambda: time.monotonic() - t0 >= 4.0, 6, what="a 4 s window")
        checks = count(sims, "GET", path) - before
        assert 2 <= checks <= 6, checks  # about one a second for both jobs, not two
        sims.vault_write("shared", {"v": "shared-2"})
        vkproc.wait_until(lambda: all(read(p) == "shared-2" for p in dests.values()), 2.5, interval=0.01,
                          what="both files follow the write")
        metrics = d.call("GET", "/metrics", token=None)[1]
        kinds = [line for line in metrics.splitlines()
                 if line.startswith("vaultkeeper_emissary_vault_requests_total{")]
        assert any('kind="check"' in line and 'vault="v"' in line for line in kinds), kinds
        assert any('kind="read"' in line for line in kinds), kinds
    finally:
        d.stop()


def test_a_deleted_current_version_makes_the_value_absent_and_a_new_write_brings_it_back(sims):
    d, dest, _ = one_secret_job(sims, "gone", "gone-1")
    try:
        vkproc.wait_until(lambda: count(sims, "GET", "/v1/secret/metadata/gone") >= 1, 5, what="a check")
        status, body = call("DELETE", f"{sims.vault_addr}/v1/secret/data/gone", token=ROOT)
        assert status in (200, 204), body
        vkproc.wait_until(lambda: emissary_status(d, "gone")["templates"][0]["missing"] == ["vault secret/gone v"],
                          2.5, interval=0.01, what="the template waiting for the deleted secret")
        assert read(dest) == "gone-1"  # the file keeps the last render
        sims.vault_write("gone", {"v": "gone-2"})
        vkproc.wait_until(lambda: read(dest) == "gone-2", 5, what="the new version on disk")
    finally:
        d.stop()


def test_a_reload_that_drops_a_secret_stops_its_checks(sims):
    sims.vault_write("r2", {"v": "r2-value"})
    d, dest, config = one_secret_job(sims, "r1", "r1-value")
    try:
        vkproc.wait_until(lambda: count(sims, "GET", "/v1/secret/metadata/r1") >= 1, 5, what="r1 checked")
        config["jobs"][0]["templates"][0]["contents"] = '{{ secret "vault" "secret/r2" "v" }}'
        d.write_config(config)
        before = d.log().count("configuration reloaded")
        d.proc.signal(signal.SIGHUP)
        vkproc.wait_until(lambda: d.log().count("configuration reloaded") > before, 15, what="reload")
        vkproc.wait_until(lambda: read(dest) == "r2-value", 10, what="the new template rendered")
        vkproc.wait_until(lambda: count(sims, "GET", "/v1/secret/metadata/r2") >= 1, 5, what="r2 checked")
        [st] = checks_status(d, "r1")
        assert st["checked_paths"] == 1 and st["vault_checked_paths"] == 1, st  # r1 left the Vault's round
        r1 = count(sims, "GET", "/v1/secret/metadata/r1")
        r2 = count(sims, "GET", "/v1/secret/metadata/r2")
        vkproc.wait_until(lambda: count(sims, "GET", "/v1/secret/metadata/r2") >= r2 + 2, 5, what="two more checks")
        assert count(sims, "GET", "/v1/secret/metadata/r1") == r1
    finally:
        d.stop()
