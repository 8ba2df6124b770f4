"""The Roles of deploy/kubernetes/overlays/snapshot-and-keeper allow exactly the Kubernetes API calls the daemon
makes: the daemon runs that overlay's HA and keeper settings (its in-cluster access, Leases, the three
kubernetes shard stores) against k8s-sim, which logs every authenticated request it serves
(GET /_sim/k8s/requests); each (method, path) becomes the (namespace, apiGroup, resource, verb) RBAC would
check, and their set must equal what the Roles bound to the service account grant.

The snapshot job is left out: it calls Vault and S3 only (Vault's kubernetes auth reads the service account's
token file; the TokenReview is Vault's own call, under Vault's service account).

Which runs produce which verbs (as observed; the union must equal the Roles):
- a fresh start (no Lease, empty stores), replica r1: Leases get (404) and create; in each shard namespace,
  the start-up probe's Secrets list, create and delete, then the init's create (record, shards), get, update
  (the record rewritten by compare-and-swap) and delete (the root token's object, once revoked). Renewals
  (Leases update) follow every retry_period, and so does the Leases list that counts the live replicas
  (balancing: each replica holds a member Lease of its own, created like a job's).
- a rekey: Secrets create (the new set), update (the record), delete (the previous set), get, list.
- r2 started beside r1 sees the Leases held (get; its own member Lease created); r1 killed (-9): r2 takes the
  expired Leases over with get and update (never create: they exist) and keeps listing them, then its keeper probes and reads the stores (list, create, delete,
  get: nothing to rewrite while idle).
- r2 stopped (SIGTERM): its Leases handed back (update); r1 restarted on the existing Leases: get and update,
  again no create.
Nothing watches, patches or deletes Leases; nothing patches or watches Secrets."""
import os
import shutil
import tempfile

import pytest

import vkproc
from k8ssim import TOKEN, K8sSim
from manifests import config_file, role_rules
from vkdaemon import Daemon

OVERLAY = "snapshot-and-keeper"
NODES = 3
LEASE = {"lease_duration": "3s", "renew_deadline": "2s", "retry_period": "0.5s"}  # the overlay's, shortened


def rbac_check(method, path):
    """(namespace, apiGroup, resource, verb) for one logged request, "METHOD /path[?watch]"."""
    watch = path.endswith("?watch")
    seg = path.removesuffix("?watch").strip("/").split("/")
    group, rest = ("", seg[2:]) if seg[0] == "api" else (seg[1], seg[3:])
    assert rest[0] == "namespaces" and len(rest) in (3, 4), f"not a namespaced resource: {path}"
    ns, resource, item = rest[1], rest[2], len(rest) == 4
    verbs = {"GET": "get" if item else "list", "POST": "create", "PUT": "update", "PATCH": "patch",
             "DELETE": "delete" if item else "deletecollection"}
    return ns, group, resource, "watch" if watch else verbs[method]


class World:
    """vault-sim (3 uninitialised nodes), k8s-sim (TLS) seen as the pod's in-cluster API server, and the
    overlay's config (HA and keeper only) with the pod's service account directory as a temp directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vk-rbac-")
        self.vault_port = vkproc.free_port(NODES)
        self.vault = vkproc.Process(
            [vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{self.vault_port}", "--nodes", str(NODES)],
            ready_url=f"http://127.0.0.1:{self.vault_port}/v1/sys/seal-status",
            log_path=os.path.join(self.dir, "vault-sim.log"))
        self.k8s = K8sSim()
        self.sa_dir = os.path.join(self.dir, "serviceaccount")
        os.makedirs(self.sa_dir)
        shutil.copy(self.k8s.cert, os.path.join(self.sa_dir, "ca.crt"))
        for name, content in (("token", TOKEN), ("namespace", "vaultkeeper")):
            with open(os.path.join(self.sa_dir, name), "w") as f:
                f.write(content)
        self.config = self._config()
        self.daemons = {}

    def _config(self):
        _, _, cfg = config_file(OVERLAY)
        keeper = next(j for j in cfg["jobs"] if j["kind"] == "keeper")
        cluster = cfg["ha"]["kubernetes"]
        nodes = [f"http://127.0.0.1:{self.vault_port + i}" for i in range(NODES)]
        return {
            "kubernetes": {cluster: {**cfg["kubernetes"][cluster], "service_account_dir": self.sa_dir}},
            "ha": {**cfg["ha"], **LEASE},
            "vaults": {keeper["vault"]: {"address": nodes[0]}},
            "jobs": [{**keeper, "interval": "1s", "timeout": "30s", "nodes": nodes}],
        }

    def start(self, replica):
        env = {"POD_NAME": replica, "KUBERNETES_SERVICE_HOST": "127.0.0.1",
               "KUBERNETES_SERVICE_PORT": str(self.k8s.port)}
        self.daemons[replica] = Daemon(self.config, extra_env=env,
                                       tmpdir=tempfile.mkdtemp(prefix=f"{replica}-", dir=self.dir))
        return self.daemons[replica]

    def keeper(self, replica):
        code, body, _ = self.daemons[replica].call("GET", "/v1/keeper/keeper/status")
        assert code == 200, body
        return body

    def settled(self, replica, not_set=None):
        """The keeper on replica idle with every node unsealed and only its current set stored (not not_set)."""
        def check():
            s = self.keeper(replica)
            cur = (s["procedure"].get("current") or {}).get("id")
            return (s["procedure"]["step"] == "idle" and cur and cur != not_set and set(s["sets"]) == {cur}
                    and all(n["state"] == "unsealed" for n in s["nodes"])) and cur
        return vkproc.wait_until(check, 60, interval=0.1, what=f"keeper settled on {replica}")

    def log(self):
        """k8s-sim's request log: {"METHOD /path": count}."""
        return self.k8s.control("GET", "/_sim/k8s/requests")

    def close(self):
        for d in self.daemons.values():
            d.stop()
        self.k8s.close()
        self.vault.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def checks(log, since=None):
    """The RBAC checks of the requests logged (only those logged after the log `since`, when given)."""
    since = since or {}
    return {rbac_check(*key.split(" ", 1)) for key, n in log.items() if n > since.get(key, 0)}


@pytest.fixture
def world():
    w = World()
    yield w
    w.close()


def leases(ns, *verbs):
    return {(ns, "coordination.k8s.io", "leases", v) for v in verbs}


def test_the_roles_allow_exactly_the_calls_the_daemon_makes(world):
    # a fresh start: the Lease created, the stores probed, the cluster initialised
    world.start("r1")
    first = world.settled("r1")
    assert leases("vaultkeeper", "get", "create") <= checks(world.log())
    # a rekey: a new set, the previous one deleted
    code, body, _ = world.daemons["r1"].call("POST", "/v1/keeper/keeper/rekey")
    assert code == 202, body
    world.settled("r1", not_set=first)
    # a standby replica, then the holder killed: the standby takes the Leases over
    world.start("r2")
    vkproc.wait_until(lambda: world.daemons["r2"].job("keeper")["holder"] == "r1", 10, what="r2 standby")
    killed = world.log()
    world.daemons.pop("r1").proc.kill()
    vkproc.wait_until(lambda: world.daemons["r2"].job("keeper")["holder"] == "r2", 15, what="r2 taking over")
    world.settled("r2")
    # (list: the replicas counted for balancing, every retry_period)
    assert leases("vaultkeeper", "get", "update", "list") == {
        c for c in checks(world.log(), killed) if c[2] == "leases"}
    # a graceful stop hands the Leases back; a restarted replica finds them and takes them with update
    world.daemons.pop("r2").stop()
    stopped = world.log()
    world.start("r1")
    world.settled("r1")
    restart = {c for c in checks(world.log(), stopped) if c[2] == "leases"}
    assert restart == leases("vaultkeeper", "get", "update", "list")
    made = checks(world.log())
    assert made == role_rules(OVERLAY), f"calls made: {sorted(made)}\nRoles grant: {sorted(role_rules(OVERLAY))}"
