"""Packaging: docker-compose.yml passes Debian's `docker-compose config -q` and every file it mounts or builds
from exists; the Dockerfile builds with the repository's preset, tests off, and runs as a non-root user; the
compose stack's vaultkeeper configuration passes --check-config; packaging/vaultkeeper.service passes
`systemd-analyze verify` (with ExecStart pointed at the built binary) and is hardened."""
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
    services = compose()["services"]
    assert {"vault-primary", "vault-replica", "consul-primary", "consul-replica", "vaultkeeper", "prometheus",
            "grafana"} <= set(services)
    checked = 0
    for name, svc in services.items():
        for volume in svc.get("volumes", []):
            host = volume.split(":")[0]
            if host.startswith("."):
                assert os.path.exists(os.path.join(SOURCE, host)), f"{name} mounts missing {host}"
                checked += 1
        build = svc.get("build")
        if build:
            context = os.path.join(SOURCE, build["context"] if isinstance(build, dict) else build)
            assert os.path.isdir(context), name
            dockerfile = os.path.join(context, build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile")
            assert os.path.isfile(dockerfile), name
            checked += 1
    assert checked >= 6
    for name in ("vault-primary", "vault-replica"):
        assert services[name]["image"].startswith("hashicorp/vault:")
    for name in ("consul-primary", "consul-replica"):
        assert services[name]["image"].startswith("hashicorp/consul:")


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


def test_the_compose_configuration_checks():
    cfg = os.path.join(SOURCE, "examples", "docker-compose.json")
    svc = compose()["services"]["vaultkeeper"]
    assert any(v.startswith("./examples/docker-compose.json:/etc/vaultkeeper/vaultkeeper.json") for v in svc["volumes"])
    env = dict(os.environ, VK_ADMIN_TOKEN="compose-admin-token-0123", VK_VAULT_TOKEN="root")
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", cfg], env=env, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr


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
