"""emissary ranges end to end against consul-sim and vault-sim: a `tree` range renders every key under a
prefix; a key added or removed under it re-renders within a bounded wait (a recursive blocking query, not a
poll); `safeLs` waits while the prefix is empty and the status names the prefix, never a value; a Vault
`secrets` range lists a KV folder's names; every value a range rendered stays out of the log; --check-config
names a range mistake by file:line:column."""
import json
import os
import subprocess
import tempfile

import vkproc
from test_emissary import Sims, call, emissary_status, job, sims  # noqa: F401  (sims: fixture)
from vkdaemon import Daemon

VALUES = {"alpha": "range-secret-alpha-31", "beta": "range-secret-beta-47", "gamma": "range-secret-gamma-59"}


def consul_delete(s, key):
    status, body = call("DELETE", f"{s.consul_addr}/v1/kv/{key}")
    assert status == 200, body


def read(path):
    return open(path).read() if os.path.exists(path) else None


def test_a_tree_range_renders_and_follows_keys_coming_and_going(sims):
    tmp = tempfile.mkdtemp(prefix="vk-ranges-")
    dest = os.path.join(tmp, "upstreams.conf")
    sims.consul_put("svc/alpha", VALUES["alpha"])
    sims.consul_put("svc/nested/beta", VALUES["beta"])
    sims.consul_put("svcx/other", "not-under-the-prefix")
    template = ('{{ range tree "kv" "svc/" }}{{ .Key }}={{ .Value | toUpper }} ({{ .Path }})\n{{ end }}'
                '{{ range ls "kv" "svc/" }}direct {{ .Key }}\n{{ end }}')
    # The command prints the file: the log holds its output, every ranged value redacted.
    d = Daemon(sims.config([job("ranges", template, dest, f"cat {dest}", interval="10m")]))
    try:
        want = (f"alpha={VALUES['alpha'].upper()} (svc/alpha)\nnested/beta={VALUES['beta'].upper()} "
                f"(svc/nested/beta)\ndirect alpha\n")
        vkproc.wait_until(lambda: read(dest) == want, 10, what="first render of the tree")
        # Membership: a key added under the prefix re-renders (the job's interval is 10 minutes).
        sims.consul_put("svc/gamma", VALUES["gamma"])
        vkproc.wait_until(lambda: "direct gamma" in (read(dest) or ""), 3, interval=0.01,
                          what="re-render after a key was added")
        # A key removed goes too.
        consul_delete(sims, "svc/alpha")
        vkproc.wait_until(lambda: "alpha" not in (read(dest) or ""), 3, interval=0.01,
                          what="re-render after a key was removed")
        # A value changed under the prefix re-renders as well.
        sims.consul_put("svc/gamma", "changed-gamma-value-73")
        vkproc.wait_until(lambda: "CHANGED-GAMMA-VALUE-73" in (read(dest) or ""), 3, interval=0.01,
                          what="re-render after a value changed")
        lines = read(dest).splitlines()
        assert lines == ["gamma=CHANGED-GAMMA-VALUE-73 (svc/gamma)",
                         f"nested/beta={VALUES['beta'].upper()} (svc/nested/beta)", "direct gamma"]
    finally:
        d.stop()
    log = d.log()
    assert "command output" in log and "nested/beta=<redacted>" in log
    for value in list(VALUES.values()) + [v.upper() for v in VALUES.values()] + ["CHANGED-GAMMA-VALUE-73"]:
        assert value not in log, f"a ranged value {value} in the log"


def test_safe_ls_waits_until_the_prefix_has_keys_and_names_the_prefix(sims):
    tmp = tempfile.mkdtemp(prefix="vk-ranges-")
    dest = os.path.join(tmp, "safe.conf")
    template = '{{ range safeLs "kv" "pool/" }}{{ .Key }} {{ end }}'
    d = Daemon(sims.config([job("safe", template, dest, interval="10m")]))
    try:
        st = vkproc.wait_until(
            lambda: (lambda s: s if s["templates"][0]["missing"] else None)(emissary_status(d, "safe")), 10,
            what="the template waits on the empty prefix")
        assert st["templates"][0]["state"] == "waiting"
        assert st["templates"][0]["missing"] == ["safeLs kv pool/"]
        assert read(dest) is None
        sims.consul_put("pool/n1", VALUES["alpha"])
        vkproc.wait_until(lambda: read(dest) == "n1 ", 5, interval=0.01, what="render once the prefix has a key")
        assert emissary_status(d, "safe")["templates"][0]["missing"] == []
    finally:
        d.stop()
    assert VALUES["alpha"] not in d.log()


def test_a_vault_secrets_range_lists_a_folders_names(sims):
    tmp = tempfile.mkdtemp(prefix="vk-ranges-")
    dest = os.path.join(tmp, "names.txt")
    sims.vault_write("apps/web", {"pw": VALUES["alpha"]})
    sims.vault_write("apps/db/main", {"pw": VALUES["beta"]})
    template = ('{{ range secrets "vault" "secret/apps/" }}[{{ . }}]{{ end }}'
                '{{ range secrets "vault" "secret/none/" }}x{{ else }} empty{{ end }}\n')
    d = Daemon(sims.config([job("names", template, dest, refresh="300ms")]))
    try:
        vkproc.wait_until(lambda: read(dest) == "[db/][web] empty\n", 10, what="the folder's names")
        sims.vault_write("apps/api", {"pw": VALUES["gamma"]})
        vkproc.wait_until(lambda: read(dest) == "[api][db/][web] empty\n", 10, what="a new name after a refresh")
    finally:
        d.stop()


def test_check_config_reports_range_mistakes_with_file_line_and_column(tmp_path):
    template = tmp_path / "upstreams.tmpl"
    template.write_text('servers:\n{{ range tree "kv" "svc/" }}\n  {{ .Key | replaceAll "-" }}\n{{ end }}\n'
                        '{{ range ls "files" "x/" }}{{ end }}\n{{ if true }}\n')
    config = tmp_path / "vk.json"
    config.write_text(json.dumps({
        "admin": {"token": "0123456789abcdef"},
        "consuls": {"c": {"address": "http://127.0.0.1:8500"}},
        "jobs": [{"name": "r", "kind": "emissary", "interval": "1m", "timeout": "10s",
                  "sources": {"kv": {"type": "consul", "consul": "c"}, "files": {"type": "file", "root": "/srv"}},
                  "templates": [{"source": str(template), "destination": "/tmp/upstreams.conf"},
                                {"contents": '{{ range ls "files" "x/" }}{{ end }}', "destination": "/tmp/b"}]}]}))
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", str(config)], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"{config}: /jobs/0/templates/0/source: {template}:3:13: replaceAll: wants 3 arguments (a piped value "
        "counts as the last), got 2",
        f"{config}: /jobs/0/templates/1/contents: r#1:1:10: ls, tree, safeLs and safeTree need a consul source",
    ]
