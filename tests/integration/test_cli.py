"""vaultkeeper's command line: --version, --help, --check-config (exit 0 / exit 2 with every problem)."""
import json
import os
import subprocess

import vkproc


def run(*args, env=None, binary="vaultkeeper"):
    return subprocess.run([vkproc.binary(binary), *args], capture_output=True, text=True, timeout=30,
                          env={**os.environ, **(env or {})})


def write(tmp_path, doc):
    p = tmp_path / "vk.json"
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(p)


def test_version_and_help():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("vaultkeeper ")
    r = run("--help")
    assert r.returncode == 0 and "--check-config FILE" in r.stdout and "SIGHUP" in r.stdout


def test_unknown_arguments_print_usage_and_exit_2():
    r = run("--frobnicate")
    assert r.returncode == 2 and "usage:" in r.stderr


def test_check_config_accepts_a_valid_file(tmp_path):
    path = write(tmp_path, {"admin": {"token": "0123456789abcdef"}, "jobs": []})
    r = run("--check-config", path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{path}: ok (0 jobs)"


def test_check_config_reports_every_problem(tmp_path):
    path = write(tmp_path, {
        "admin": {"token": "short"},
        "log": {"format": "xml"},
        "consuls": {"c1": {"address": "http://127.0.0.1:8500"}},
        "jobs": [
            {"name": "a", "kind": "test", "interval": "5 minutes"},
            {"name": "a", "kind": "test", "sleep": "1s", "colour": "blue"},
            {"name": "b", "kind": "warp"},
        ],
    })
    r = run("--check-config", path, binary="vaultkeeper-test")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"{path}: /admin/token: must be at least 16 characters",
        f"{path}: /log/format: \"xml\" is not one of: text, json",
        f"{path}: /jobs/0/interval: \"5 minutes\" is not a duration (use e.g. \"30s\", \"5m\", \"1h30m\")",
        f"{path}: /jobs/1/name: duplicate job name \"a\"",
        f"{path}: /jobs/1/colour: unknown key",
    ] + [line for line in r.stderr.splitlines() if line.startswith(f"{path}: /jobs/2/kind: unknown job kind \"warp\" (known: ")]
    assert "test" in r.stderr.splitlines()[-1] and "sync" in r.stderr.splitlines()[-1]


def test_check_config_reports_kubernetes_and_lease_problems(tmp_path):
    path = write(tmp_path, {
        "admin": {"token": "0123456789abcdef"},
        "kubernetes": {"k": {"in_cluster": True, "kubeconfig": "/k"}, "ok": {"api_server": "https://127.0.0.1:6443",
                                                                           "token": "t"}},
        "ha": {"kubernetes": "ok", "key": "x", "lease_duration": "10s", "renew_deadline": "10s"},
        "jobs": []})
    r = run("--check-config", path)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"{path}: /kubernetes/k/kubeconfig: cannot be given with in_cluster: use one form",
        f"{path}: /ha/lease_duration: must be longer than renew_deadline (lease_duration > renew_deadline > "
        "1.2 x retry_period, as client-go requires)",
        f"{path}: /ha/key: only goes with consul",
    ], r.stderr


def test_production_binary_knows_no_test_kind(tmp_path):
    # The test kind lives in the test build of the daemon only; no environment switch brings it back.
    path = write(tmp_path, {"admin": {"token": "0123456789abcdef"},
                            "jobs": [{"name": "a", "kind": "test", "interval": "1m"}]})
    r = run("--check-config", path, env={"VAULTKEEPER_TEST_KINDS": "1"})
    assert r.returncode == 2
    [line] = r.stderr.splitlines()
    assert line.startswith(f"{path}: /jobs/0/kind: unknown job kind \"test\" (known: "), line
    known = line.split("(known: ")[1].rstrip(")").split(", ")
    assert "sync" in known and "test" not in known, line


def test_check_config_reports_json_syntax_with_position(tmp_path):
    path = write(tmp_path, '{"admin": {"token": "0123456789abcdef",}}')
    r = run("--check-config", path)
    assert r.returncode == 2
    assert r.stderr.startswith(f"{path}: /: invalid JSON at line 1, column")


def test_check_config_on_missing_file(tmp_path):
    r = run("--check-config", str(tmp_path / "absent.json"))
    assert r.returncode == 2
    assert "cannot read the file" in r.stderr


def test_daemon_refuses_to_start_on_invalid_config(tmp_path):
    path = write(tmp_path, {"admin": {}})
    r = run("--config", path)
    assert r.returncode == 2
    assert "/admin/token: missing required field" in r.stderr


def test_secrets_are_not_printed_by_check_config(tmp_path):
    secret = "s3cr3t-admin-token-value"
    path = write(tmp_path, {"admin": {"token": secret}, "vaults": {"v": {"address": "nope", "token": "hvs.TOPSECRET"}}})
    r = run("--check-config", path)
    assert r.returncode == 2
    assert secret not in r.stderr and "TOPSECRET" not in r.stderr
