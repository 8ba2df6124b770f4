"""examples/local-stack.json, the configuration scripts/demo.sh runs: it passes --check-config with the
environment demo.sh exports (admin and Vault tokens, one key-encryption key per keeper store), and it has a job
of every kind, so the demo shows them all."""
import base64
import json
import os
import subprocess

import vkproc
from test_metrics_files import KINDS

SOURCE = os.environ.get("VK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIG = os.path.join(SOURCE, "examples", "local-stack.json")
DEMO = os.path.join(SOURCE, "scripts", "demo.sh")


def kek_variables(config):
    return [s["kek"]["env"] for j in config["jobs"] if j["kind"] == "keeper" for s in j["stores"]]


def test_the_demo_configuration_checks_with_the_demo_environment():
    with open(CONFIG) as f:
        config = json.load(f)
    keks = kek_variables(config)
    with open(DEMO) as f:
        demo = f.read()
    for name in keks:
        assert f'{name}="$(openssl rand -base64 32)"' in demo, f"demo.sh does not generate {name}"
    env = dict(os.environ, VK_ADMIN_TOKEN="demo-admin-token-change-me", VK_VAULT_TOKEN="demo-root-token",
               **{name: base64.b64encode(os.urandom(32)).decode() for name in keks})
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", CONFIG], env=env, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_demo_runs_a_job_of_every_kind():
    with open(CONFIG) as f:
        kinds = {j["kind"] for j in json.load(f)["jobs"]}
    assert set(KINDS) <= kinds, f"examples/local-stack.json has no job of kind {sorted(set(KINDS) - kinds)}"


def test_the_printed_commands_work_when_pasted_into_a_new_shell():
    """Issue 19: demo.sh printed `$VK_ADMIN_TOKEN` in its curl commands, which a new shell does not have (pasted,
    they answered 401). Each printed curl line, run by a shell with an empty environment (curl replaced by a
    function that prints its -H arguments), sends the demo's real tokens."""
    tokens = {"VK_ADMIN_TOKEN": "admin-token-with-'quote'-and-$dollar", "VK_VAULT_TOKEN": "demo-root-token"}
    banner = subprocess.run([os.path.join(SOURCE, "scripts", "demo-banner.sh")], capture_output=True, text=True,
                            env=dict(tokens, VK_DEMO_RUN_DIR="/tmp/vk-demo-run", PATH=os.environ["PATH"]),
                            timeout=30)
    assert banner.returncode == 0, banner.stderr
    lines = [line.strip() for line in banner.stdout.splitlines() if line.strip().startswith("curl ")]
    assert len(lines) >= 4, banner.stdout
    with open(DEMO) as f:
        assert "scripts/demo-banner.sh" in f.read(), "demo.sh prints the banner this test checks"
    fake_curl = 'curl() { while (($#)); do [[ $1 == -H ]] && printf "%s\\n" "$2"; shift; done; }; '
    sent = []
    for line in lines:
        r = subprocess.run(["/bin/bash", "--noprofile", "--norc", "-c", fake_curl + line.split("|")[0]],
                           env={}, capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, (line, r.stderr)
        sent += r.stdout.splitlines()
    assert f"Authorization: Bearer {tokens['VK_ADMIN_TOKEN']}" in sent, (sent, banner.stdout)
    assert f"X-Vault-Token: {tokens['VK_VAULT_TOKEN']}" in sent, (sent, banner.stdout)
    assert all(s in (f"Authorization: Bearer {tokens['VK_ADMIN_TOKEN']}",
                     f"X-Vault-Token: {tokens['VK_VAULT_TOKEN']}") for s in sent), sent
