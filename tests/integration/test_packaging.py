"""Packaging: docker-compose.yml passes Debian's `docker-compose config -q`, every file it mounts or builds from
exists, every named volume is declared and every port is published on 127.0.0.1 only; the Dockerfile builds with
the repository's preset, tests off, and runs as a non-root user; the compose stack's vaultkeeper configuration
passes --check-config and has a job of every kind, each writing only into the volumes compose mounts, against
the compose services; packaging/vaultkeeper.service passes `systemd-analyze verify` (with ExecStart pointed at
the built binary) and is hardened, and its example configuration packaging/vaultkeeper.json passes --check-config
with a read-only token apart from the operator's, its secrets under /etc/vaultkeeper or in the unit's
EnvironmentFile and its audit file in the unit's LogsDirectory. (No Docker engine here: the stack itself is not
started.)"""
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest
import yaml

import vkproc

SOURCE = os.path.abspath(os.environ.get("VK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")))
COMPOSE = os.path.join(SOURCE, "docker-compose.yml")
UNIT = os.path.join(SOURCE, "packaging", "vaultkeeper.service")
UNIT_CONFIG = os.path.join(SOURCE, "packaging", "vaultkeeper.json")


def compose():
    with open(COMPOSE) as f:
        return yaml.safe_load(f)


def test_docker_compose_config_is_valid():
    exe = shutil.which("docker-compose")
    if not exe:
        pytest.skip("docker-compose is not installed (Debian package docker-compose): only its file checks ran")
    r = subprocess.run([exe, "-f", COMPOSE, "config", "-q"], cwd=SOURCE, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr


def test_every_mounted_or_built_file_exists():
    stack = compose()
    services = stack["services"]
    assert {"vault-primary", "vault-replica", "consul-primary", "consul-replica", "vault-0", "vault-1", "vault-2",
            "keks", "vaultkeeper", "prometheus", "grafana"} <= set(services)
    declared = set(stack.get("volumes") or {})
    checked = 0
    for name, svc in services.items():
        for volume in svc.get("volumes", []):
            host = volume.split(":")[0]
            if host.startswith("."):
                assert os.path.exists(os.path.join(SOURCE, host)), f"{name} mounts missing {host}"
                checked += 1
            else:
                assert host in declared, f"{name} mounts the undeclared volume {host}"
        build = svc.get("build")
        if build:
            context = os.path.join(SOURCE, build["context"] if isinstance(build, dict) else build)
            assert os.path.isdir(context), name
            dockerfile = os.path.join(context, build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile")
            assert os.path.isfile(dockerfile), name
            checked += 1
    assert checked >= 10
    for name in ("vault-primary", "vault-replica", "vault-0", "vault-1", "vault-2", "keks"):
        assert services[name]["image"].startswith("hashicorp/vault:")
    for name in ("consul-primary", "consul-replica"):
        assert services[name]["image"].startswith("hashicorp/consul:")


def test_every_port_is_published_on_loopback_only():
    published = 0
    for name, svc in compose()["services"].items():
        for port in svc.get("ports", []):
            assert isinstance(port, str) and port.startswith("127.0.0.1:"), f"{name} publishes {port}"
            published += 1
    assert published >= 10


def test_the_keeper_vault_starts_uninitialised_with_raft_and_the_primary_can_snapshot():
    services = compose()["services"]
    with open(os.path.join(SOURCE, "docker", "vault-raft.hcl")) as f:
        raft = f.read()
    assert 'storage "raft"' in raft and "disable_mlock = true" in raft and "tls_disable" in raft
    for node in ("vault-0", "vault-1", "vault-2"):
        svc = services[node]
        assert "-dev" not in svc["command"], f"{node} must start uninitialised (no dev mode)"
        env = svc["environment"]
        assert env["VAULT_RAFT_NODE_ID"] == node and env["VAULT_API_ADDR"] == f"http://{node}:8200"
        assert env["VAULT_CLUSTER_ADDR"] == f"http://{node}:8201"
        assert f'leader_api_addr = "http://{node}:8200"' in raft
        assert any(v.startswith("./docker/vault-raft.hcl:/vault/config/") for v in svc["volumes"])
        # An uninitialised or sealed Vault's `vault status` exits 2: healthy means "answers".
        assert "test $$? -ne 1" in svc["healthcheck"]["test"][-1]
    primary = services["vault-primary"]
    assert any(v.startswith("./docker/vault-dev-raft.hcl:/vault/config/") for v in primary["volumes"])
    with open(os.path.join(SOURCE, "docker", "vault-dev-raft.hcl")) as f:
        dev_raft = f.read()
    assert 'storage "raft"' in dev_raft and 'path    = "/vault/raft"' in dev_raft
    assert "/vault/raft" in primary["tmpfs"], "dev mode initialises afresh: its raft data must not outlive it"
    assert primary["environment"]["VAULT_CLUSTER_ADDR"]


def test_dockerfile_builds_the_binary_only_and_runs_unprivileged():
    with open(os.path.join(SOURCE, "Dockerfile")) as f:
        text = f.read()
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    assert len(stages) >= 2 and all(s.startswith("debian:bookworm") for s in stages), stages
    assert "-DVK_BUILD_TESTS=OFF" in text and "-DVK_BUILD_SIMS=OFF" in text and "-DVK_BUILD_BENCH=OFF" in text
    assert "cmake --preset default" in text
    final = text[text.rindex("\nFROM "):]
    assert re.search(r"^USER vaultkeeper", final, re.M), "the final stage runs as a non-root user"
    assert "COPY --from=build /src/build/bin/vaultkeeper " in final
    for src in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.M):
        for path in src.split():
            assert os.path.exists(os.path.join(SOURCE, path)), f"Dockerfile copies missing {path}"


KEKS_MOUNT = "/run/vaultkeeper-keks"


def compose_config():
    with open(os.path.join(SOURCE, "examples", "docker-compose.json")) as f:
        return json.load(f)


def test_the_compose_configuration_checks():
    """The configuration as the container sees it: its KEK files (written by the "keks" service into a volume)
    are stand-ins here with the same names; the addresses need not resolve for --check-config."""
    stack = compose()
    svc = stack["services"]["vaultkeeper"]
    assert any(v.startswith("./examples/docker-compose.json:/etc/vaultkeeper/vaultkeeper.json") for v in svc["volumes"])
    assert f"vaultkeeper-keks:{KEKS_MOUNT}:ro" in svc["volumes"]
    assert svc["depends_on"]["keks"] == {"condition": "service_completed_successfully"}
    keks_cmd = stack["services"]["keks"]["command"][-1]
    with open(os.path.join(SOURCE, "examples", "docker-compose.json")) as f:
        text = f.read()
    d = tempfile.mkdtemp(prefix="vk-compose-")
    try:
        for k in ("a", "b", "c"):
            assert f"{KEKS_MOUNT}/{k}" in text and f"/keks/{k}" in keks_cmd
            with open(os.path.join(d, k), "w") as f:
                f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
            os.chmod(os.path.join(d, k), 0o600)
        cfg = os.path.join(d, "vaultkeeper.json")
        with open(cfg, "w") as f:
            f.write(text.replace(KEKS_MOUNT, d))
        env = dict(os.environ, VK_ADMIN_TOKEN="compose-admin-token-0123", VK_VAULT_TOKEN="root",
                   VK_READ_TOKEN="compose-read-token-01234", VK_OPERATOR_TOKEN="compose-operator-token-0")
        scopes = {t["name"]: t["scopes"] for t in compose_config()["admin"]["tokens"]}
        assert scopes["dashboards"] == ["read"] and "restore" not in scopes["operator"], scopes
        assert {"VK_READ_TOKEN", "VK_OPERATOR_TOKEN"} <= set(svc["environment"])
        check_config(cfg, env)
    finally:
        shutil.rmtree(d)


def check_config(path, env):
    """`vaultkeeper --check-config path` with env passes, without a warning."""
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", path], env=env, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "warning" not in (r.stdout + r.stderr).lower(), r.stdout + r.stderr


def test_the_compose_stack_runs_a_job_of_every_kind_on_its_services_and_volumes():
    stack = compose()
    services = stack["services"]
    vk = services["vaultkeeper"]
    mounts = [v.split(":")[1] for v in vk["volumes"] if not v.startswith(".")]
    cfg = compose_config()
    jobs = {j["kind"]: j for j in cfg["jobs"]}
    assert set(jobs) == {"sync", "keeper", "snapshot", "emissary"}

    def service_of(address):
        host = re.match(r"http://([^:/]+):", address).group(1)
        assert host in services, f"{address} names no compose service"
        return host

    def in_a_volume(path):
        assert any(path == m or path.startswith(m + "/") for m in mounts), f"{path} is not on a mounted volume"

    for vault in cfg["vaults"].values():
        assert services[service_of(vault["address"])]["image"].startswith("hashicorp/vault:")
    for consul in cfg["consuls"].values():
        assert services[service_of(consul["address"])]["image"].startswith("hashicorp/consul:")
    for name in (service_of(v["address"]) for v in cfg["vaults"].values()):
        assert vk["depends_on"][name] == {"condition": "service_healthy"}, name

    keeper = jobs["keeper"]
    assert [service_of(n) for n in keeper["nodes"]] == ["vault-0", "vault-1", "vault-2"]
    assert keeper["init"] == {"secret_shares": 5, "secret_threshold": 3, "root_token": "revoke"}
    assert len(keeper["stores"]) == 3
    for store in keeper["stores"]:
        assert store["type"] == "file" and set(store["kek"]) == {"file"}
        assert store["kek"]["file"].startswith(KEKS_MOUNT + "/")
        in_a_volume(store["path"])
    assert len({s["path"] for s in keeper["stores"]}) == 3, "three stores, three directories"

    snapshot = jobs["snapshot"]
    assert service_of(cfg["vaults"][snapshot["vault"]]["address"]) == "vault-primary", "the raft-backed dev Vault"
    in_a_volume(snapshot["spool_dir"])
    for storage in snapshot["storages"]:
        in_a_volume(storage["path"])

    emissary = jobs["emissary"]
    assert service_of(cfg["vaults"][emissary["sources"]["vault"]["vault"]]["address"]) == "vault-primary"
    for template in emissary["templates"]:
        assert template["perms"] == "0600" and "secret/apps/billing/db" in template["contents"]
        in_a_volume(os.path.dirname(template["destination"]))
    assert emissary["command"][0].startswith("/")

    # The Dockerfile creates every mounted state directory owned by vaultkeeper (a fresh volume copies that).
    with open(os.path.join(SOURCE, "Dockerfile")) as f:
        dockerfile = f.read()
    for m in mounts:
        if m.startswith("/var/lib/vaultkeeper/"):
            assert m in dockerfile, f"the Dockerfile does not create {m}"


def unit_settings():
    settings = {}
    with open(UNIT) as f:
        for line in f:
            line = line.strip()
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                settings.setdefault(k, []).append(v)
    return settings


def test_systemd_unit_verifies():
    exe = shutil.which("systemd-analyze")
    if not exe:
        pytest.fail("run scripts/install-deps.sh (Debian package systemd provides systemd-analyze) first")
    d = tempfile.mkdtemp(prefix="vk-unit-")
    try:
        # verify checks that ExecStart= binaries exist: point them at the built one.
        with open(UNIT) as f:
            text = f.read().replace("/usr/bin/vaultkeeper", vkproc.binary("vaultkeeper"))
        path = os.path.join(d, "vaultkeeper.service")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([exe, "verify", path], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and "vaultkeeper.service" not in r.stderr, r.stderr
        r = subprocess.run([exe, "security", "--offline=true", path], capture_output=True, text=True, timeout=60)
        if r.returncode == 0 or "Overall exposure level" in r.stdout:
            level = float(re.search(r"Overall exposure level for vaultkeeper.service: ([0-9.]+)", r.stdout).group(1))
            assert level <= 2.0, r.stdout[-2000:]
    finally:
        shutil.rmtree(d)


def test_systemd_unit_is_hardened():
    s = unit_settings()
    assert s["ExecStartPre"] == ["/usr/bin/vaultkeeper --check-config /etc/vaultkeeper/vaultkeeper.json"]
    assert s["ExecStart"] == ["/usr/bin/vaultkeeper --config /etc/vaultkeeper/vaultkeeper.json"]
    assert s["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert s["User"] == ["vaultkeeper"] and s["Group"] == ["vaultkeeper"]
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                       "PrivateTmp": "yes", "StateDirectory": "vaultkeeper", "LimitCORE": "0"}.items():
        assert s.get(key) == [value], key
    assert "/var/lib/vaultkeeper" in s["ReadWritePaths"]
    assert int(s["LimitNOFILE"][0]) >= 65536


def test_the_systemd_example_configuration_checks_with_a_read_only_token_apart_from_the_operator():
    with open(UNIT_CONFIG) as f:
        text = f.read()
    cfg = json.loads(text)
    assert cfg["admin"]["listen"].startswith("127.0.0.1:")
    tokens = {t["name"]: t for t in cfg["admin"]["tokens"]}
    assert tokens["dashboards"]["scopes"] == ["read"], tokens
    operator = set(tokens["operator"]["scopes"])
    assert "operate" in operator and not operator & {"rekey", "restore", "*"}, operator
    assert tokens["dashboards"]["token"] != tokens["operator"]["token"]
    # Secrets from files where the unit keeps its configuration, or from its EnvironmentFile (documented there).
    with open(UNIT) as f:
        unit = f.read()
    s = unit_settings()
    envs = re.findall(r'"env": "([^"]+)"', text)
    files = [f for f in re.findall(r'"file": "([^"]+)"', text) if f != cfg["audit"]["file"]]
    secret_dir = "/etc/" + s["ConfigurationDirectory"][0] + "/"
    assert files and all(f.startswith(secret_dir) for f in files), files
    assert s["EnvironmentFile"] == ["-" + secret_dir + "vaultkeeper.env"]
    assert envs and all(f"{e}=" in unit for e in envs), envs
    # The audit file and the jobs' paths are writable under ProtectSystem=strict.
    assert os.path.dirname(cfg["audit"]["file"]) == "/var/log/" + s["LogsDirectory"][0]
    job = cfg["jobs"][0]
    for path in [job["spool_dir"]] + [st["path"] for st in job["storages"]]:
        assert path.startswith("/var/lib/" + s["StateDirectory"][0] + "/"), path
    d = tempfile.mkdtemp(prefix="vk-unit-config-")
    try:
        for path in files:
            stand_in = os.path.join(d, os.path.basename(path))
            with open(stand_in, "w") as f:
                f.write(base64.b16encode(os.urandom(32)).decode() + "\n")
            os.chmod(stand_in, 0o600)
        path = os.path.join(d, "vaultkeeper.json")
        with open(path, "w") as f:
            f.write(text.replace(secret_dir, d + "/"))
        check_config(path, dict(os.environ, **{e: f"{e.lower()}-stand-in-0123456789" for e in envs}))
    finally:
        shutil.rmtree(d)
