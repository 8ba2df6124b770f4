"""The rendered deploy/kubernetes overlays, for the deploy tests: Debian's kubectl 1.20 (kustomize v2.0.3, the
oldest the manifests promise to render with) renders each overlay; helpers find objects and read the config."""
import functools
import glob
import json
import os
import subprocess

import yaml

SOURCE = os.path.abspath(os.environ.get("VK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")))
DEPLOY = os.path.join(SOURCE, "deploy", "kubernetes")
OVERLAYS = sorted(os.path.basename(p) for p in glob.glob(os.path.join(DEPLOY, "overlays", "*")))


def kubectl():
    """VK_KUBECTL, else the Debian package's binary that scripts/install-deps.sh unpacked beside this test
    (where another kubectl owns /usr/bin/kubectl), else /usr/bin/kubectl from kubernetes-client."""
    unpacked = os.path.join(os.path.dirname(__file__), "kubernetes-client", "usr", "bin", "kubectl")
    path = os.environ.get("VK_KUBECTL") or (unpacked if os.path.exists(unpacked) else "/usr/bin/kubectl")
    version = subprocess.run([path, "version", "--client", "-o", "json"], capture_output=True, text=True,
                             timeout=30, check=True).stdout
    assert json.loads(version)["clientVersion"]["minor"] == "20", \
        f"{path} is not Debian's kubectl 1.20 (kubernetes-client): run scripts/install-deps.sh"
    return path


@functools.lru_cache(maxsize=None)
def render(overlay):
    """The objects `kubectl kustomize` renders for one overlay (a tuple of dicts; fails on any error)."""
    r = subprocess.run([kubectl(), "kustomize", os.path.join(DEPLOY, "overlays", overlay)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, f"kubectl kustomize {overlay}: {r.stderr}"
    return tuple(d for d in yaml.safe_load_all(r.stdout) if d)


def objects(overlay, kind):
    return [o for o in render(overlay) if o["kind"] == kind]


def one(overlay, kind, namespace="vaultkeeper"):
    found = [o for o in objects(overlay, kind) if o["metadata"].get("namespace") == namespace]
    assert len(found) == 1, f"{overlay}: {len(found)} {kind} objects in {namespace}"
    return found[0]


def container(overlay):
    (c,) = one(overlay, "Deployment")["spec"]["template"]["spec"]["containers"]
    return c


def config_file(overlay):
    """(mount path of the config file, the ConfigMap object, the parsed config) as the pod reads it."""
    deployment = one(overlay, "Deployment")
    args = container(overlay)["args"]
    path = args[args.index("--config") + 1]
    volume = next(m for m in container(overlay)["volumeMounts"] if path.startswith(m["mountPath"] + "/"))
    source = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == volume["name"])
    cm = next(o for o in objects(overlay, "ConfigMap") if o["metadata"]["name"] == source["configMap"]["name"])
    key = os.path.relpath(path, volume["mountPath"])
    return path, cm, json.loads(cm["data"][key])


def role_rules(overlay):
    """{(namespace, apiGroup, resource, verb)} that the Roles bound to the daemon's service account grant."""
    sa = one(overlay, "ServiceAccount")["metadata"]
    bound = {(b["metadata"]["namespace"], b["roleRef"]["name"]) for b in objects(overlay, "RoleBinding")
             if {"kind": "ServiceAccount", "name": sa["name"], "namespace": sa["namespace"]} in b["subjects"]}
    out = set()
    for role in objects(overlay, "Role"):
        ns = role["metadata"]["namespace"]
        if (ns, role["metadata"]["name"]) not in bound:
            continue
        for rule in role["rules"]:
            assert "resourceNames" not in rule, "the comparison below does not model resourceNames"
            out |= {(ns, g, r, v) for g in rule["apiGroups"] for r in rule["resources"] for v in rule["verbs"]}
    return out
