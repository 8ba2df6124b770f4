"""deploy/kubernetes without a cluster: every overlay renders with Debian's kubectl 1.20 (kustomize v2.0.3),
every rendered object validates against the Kubernetes API schemas, the config each overlay ships passes
`vaultkeeper --check-config`, and the security settings issue 25 asks for are in the rendered objects.

Schemas: the kubernetes-models npm packages (and @kubernetes-models/prometheus-operator for the
ServiceMonitor), pinned in package.json, run offline by validate.mjs. They check types, required fields and
enums, but not unknown fields (their schemas allow additional properties): the security checks below read
every field they rely on by its exact name, so a misspelt one fails there.

--check-config and files: the config names files that only exist in the pod (the admin token and the keeper's
KEKs from Secrets, directories on the pod's volumes). The test copies the config with every path under one of
the Deployment's volume mounts moved into a temp directory, where it writes stand-ins (a random 32-byte KEK as
hex digits for a "kek", a token otherwise, mode 0600), and sets a distinct stand-in value for each
{"env": NAME}; the
paths' placement is checked separately: secret files under read-only Secret mounts, written paths under
writable volumes. Kubernetes access (the service account's files) is read when a job starts, not by
--check-config."""
import json
import os
import subprocess
import tempfile

import pytest

import vkproc
from manifests import OVERLAYS, SOURCE, config_file, container, objects, one, render

HERE = os.path.dirname(__file__)
WRITTEN_KEYS = {"spool_dir", "path", "destination"}  # directories and files the daemon writes


# examples/ -> its overlay; local-stack.json is scripts/demo.sh's loopback stack, with no cluster counterpart.
EXAMPLE_OVERLAYS = {"docker-compose.json": "compose-stack", "local-stack.json": None}


def test_every_example_that_fits_kubernetes_has_an_overlay():
    assert set(os.listdir(os.path.join(SOURCE, "examples"))) == set(EXAMPLE_OVERLAYS), "a new example: map it above"
    assert set(OVERLAYS) == {o for o in EXAMPLE_OVERLAYS.values() if o} | {"snapshot-and-keeper"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates_against_the_kubernetes_schemas(overlay):
    kinds = {o["kind"] for o in render(overlay)}
    assert kinds >= {"Namespace", "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Deployment", "Service",
                     "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor"}
    assert os.path.isdir(os.path.join(HERE, "node_modules", "kubernetes-models")), \
        "run scripts/install-deps.sh (npm ci in tests/deploy) first"
    r = subprocess.run(["node", "validate.mjs"], cwd=HERE, input=json.dumps(render(overlay)), capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("\nok ") + r.stdout.startswith("ok ") == len(render(overlay))


def walk(value, key=None):
    """(key, value) of every string in a JSON document (a list's items under the list's key)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)
    elif isinstance(value, str):
        yield key, value


def mounts(overlay):
    """mount path -> (volume source kind, read-only) for the daemon's container."""
    volumes = {v["name"]: v for v in one(overlay, "Deployment")["spec"]["template"]["spec"]["volumes"]}
    out = {}
    for m in container(overlay)["volumeMounts"]:
        source = next(k for k in volumes[m["name"]] if k != "name")
        out[m["mountPath"]] = (source, m.get("readOnly", False))
    return out


def mount_of(overlay, path):
    """The deepest mount holding path, or None (the read-only root filesystem)."""
    under = [p for p in mounts(overlay) if path.startswith(p.rstrip("/") + "/")]
    return max(under, key=len) if under else None


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_config_places_secrets_on_secret_mounts_and_writes_on_writable_volumes(overlay):
    _, _, cfg = config_file(overlay)
    m = mounts(overlay)
    for key, value in walk(cfg):
        if key == "file":
            assert m.get(mount_of(overlay, value)) == ("secret", True), f"{value} is not on a read-only Secret"
        elif key in WRITTEN_KEYS and value.startswith("/"):
            where = mount_of(overlay, value)
            assert where and m[where][0] in ("emptyDir", "persistentVolumeClaim") and not m[where][1], \
                f"{key} {value} is not on a writable volume"
    assert cfg["admin"]["token"] == {"file": "/run/vaultkeeper/admin/token"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_config_uses_in_cluster_access_leases_and_vault_kubernetes_auth(overlay):
    _, _, cfg = config_file(overlay)
    clusters = cfg["kubernetes"]
    assert all(c == {"in_cluster": True} for c in clusters.values())
    assert cfg["ha"]["kubernetes"] in clusters and "consul" not in cfg["ha"]
    authenticated = [v for v in cfg["vaults"].values() if "auth" in v or "token" in v]
    assert authenticated and all(v.get("auth", {}).get("method") == "kubernetes" for v in authenticated)
    # a vault without auth serves only the keeper's unauthenticated init/unseal/rekey
    keepers = {j["vault"] for j in cfg["jobs"] if j["kind"] == "keeper"}
    assert {n for n, v in cfg["vaults"].items() if v not in authenticated} <= keepers
    for job in cfg["jobs"]:
        for store in job.get("stores", []):
            if store["type"] == "kubernetes":
                assert store["kubernetes"] in clusters


def standins(overlay, directory):
    """The config with every path under a volume mount moved into directory (stand-in files written there),
    and the environment its {"env": ...} references need."""
    _, _, cfg = config_file(overlay)
    env = {}

    def move(value, key):
        if isinstance(value, dict):
            if set(value) == {"env"}:
                env[value["env"]] = f"stand-in-{value['env']}-0123456789abcdef"  # distinct, as tokens must be
            return {k: move(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v, key) for v in value]
        if isinstance(value, str) and value.startswith("/") and mount_of(overlay, value):
            return directory + value
        return value

    def write_files(value, key=None):
        if isinstance(value, dict):
            if set(value) == {"file"}:
                os.makedirs(os.path.dirname(value["file"]), exist_ok=True)
                with open(os.open(value["file"], os.O_CREAT | os.O_WRONLY, 0o600), "w") as f:
                    f.write(os.urandom(32).hex() if key == "kek" else f"stand-in-{value['file']}")
            for k, v in value.items():
                write_files(v, k)
        elif isinstance(value, list):
            for v in value:
                write_files(v, key)

    moved = move(cfg, None)
    write_files(moved)
    return moved, env


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_shipped_config_passes_check_config(overlay):
    with tempfile.TemporaryDirectory(prefix="vk-deploy-") as d:
        cfg, env = standins(overlay, d)
        path = os.path.join(d, "vaultkeeper.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        r = subprocess.run([vkproc.binary("vaultkeeper"), "--check-config", path], capture_output=True, text=True,
                           timeout=30, env={"PATH": os.environ.get("PATH", ""), "POD_NAME": "vaultkeeper-0", **env})
        assert r.returncode == 0, r.stdout + r.stderr
        assert "warning" not in (r.stdout + r.stderr).lower(), r.stdout + r.stderr


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_pods_run_hardened_with_two_replicas_and_probes(overlay):
    deployment = one(overlay, "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    c = container(overlay)
    assert deployment["spec"]["replicas"] == 2
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    sc = c["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["runAsNonRoot"] is True and sc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert sc["capabilities"] == {"drop": ["ALL"]}
    assert not pod.get("hostNetwork") and not sc.get("privileged")
    for kind in ("requests", "limits"):
        assert set(c["resources"][kind]) == {"cpu", "memory"}
    _, _, cfg = config_file(overlay)
    port = int(cfg["admin"]["listen"].rsplit(":", 1)[1])
    assert c["ports"] == [{"name": "admin", "containerPort": port, "protocol": "TCP"}]
    assert c["livenessProbe"]["httpGet"] == {"path": "/v1/health", "port": "admin"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/v1/ready", "port": "admin"}
    assert {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}} in c["env"]
    assert pod["serviceAccountName"] == one(overlay, "ServiceAccount")["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_disruption_budget_network_policy_service_and_monitor_select_the_pods(overlay):
    labels = one(overlay, "Deployment")["spec"]["template"]["metadata"]["labels"]

    def selects(selector):
        return selector and all(labels.get(k) == v for k, v in selector.items())

    pdb = one(overlay, "PodDisruptionBudget")["spec"]
    assert pdb["minAvailable"] == 1 and selects(pdb["selector"]["matchLabels"])
    np = one(overlay, "NetworkPolicy")["spec"]
    assert selects(np["podSelector"]["matchLabels"]) and np["policyTypes"] == ["Ingress"]
    (rule,) = np["ingress"]
    assert rule["ports"] == [{"port": 8290, "protocol": "TCP"}]
    assert rule["from"] == [{"podSelector": {}},
                            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]
    service = one(overlay, "Service")
    assert selects(service["spec"]["selector"]) and service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [{"name": "admin", "port": 8290, "targetPort": "admin", "protocol": "TCP"}]
    monitor = one(overlay, "ServiceMonitor")["spec"]
    assert all(service["metadata"]["labels"].get(k) == v for k, v in monitor["selector"]["matchLabels"].items())
    assert monitor["namespaceSelector"] == {"matchNames": ["vaultkeeper"]}
    assert [(e["port"], e["path"]) for e in monitor["endpoints"]] == [("admin", "/metrics")]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_mounted_read_only_and_the_service_account_token_is_mounted(overlay):
    pod = one(overlay, "Deployment")["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is True  # in-cluster access and Vault's kubernetes auth
    for path, (source, read_only) in mounts(overlay).items():
        if source in ("secret", "configMap"):
            assert read_only, path
    for volume in pod["volumes"]:
        if "secret" in volume:
            assert volume["secret"]["defaultMode"] == 0o400
    assert len(objects(overlay, "ConfigMap")) == 1


def test_the_validator_rejects_an_object_against_its_schema():
    broken = [dict(o) for o in render(OVERLAYS[0]) if o["kind"] in ("Deployment", "ServiceMonitor")]
    broken[0] = {**broken[0], "spec": {**broken[0]["spec"], "replicas": "two"}}
    r = subprocess.run(["node", "validate.mjs"], cwd=HERE, input=json.dumps(broken), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1 and "spec/replicas must be integer" in r.stdout, r.stdout + r.stderr
