"""Configs of jobs of the other kinds that run beside test_sync's jobs in the web page and Prometheus tests,
against the sync stack's origin vault-sim (vault "origin"), and a keeper job on a vault-sim of its own."""
import base64
import os

import vkproc


def snapshot_job(name, root, allow_restore=False, broken_storage=False):
    """A snapshot job of the origin vault into the local storage <root>/<name>/ (retain 1, so retention deletes
    as soon as there are two). broken_storage adds a storage "broken" whose path is a file: its uploads fail."""
    os.makedirs(os.path.join(root, name))
    storages = [{"name": "disk", "type": "local", "path": os.path.join(root, name), "retain": 1, "max_age": "24h"}]
    if broken_storage:
        path = os.path.join(root, name + "-not-a-directory")
        open(path, "w").close()
        storages.append({"name": "broken", "type": "local", "path": path})
    return {"name": name, "kind": "snapshot", "interval": "1h", "timeout": "20s", "vault": "origin",
            "spool_dir": os.path.join(root, "spool-" + name), "allow_restore": allow_restore, "storages": storages}


def emissary_job(name, root, stuck=False):
    """An emissary job rendering from the origin vault into <root>/<name>/ and running `false` after a change
    (its command runs fail). stuck: one template waits for a secret that does not exist, another cannot be
    written (its directory is missing and create_dest_dirs is off), so renders wait and fail."""
    out = os.path.join(root, name)
    os.makedirs(out)
    templates = [{"contents": '{{ secret "vault" "secret/app/s9" "value" }}\n',
                  "destination": os.path.join(out, "s9.txt")}]
    if stuck:
        templates = [{"contents": '{{ secret "vault" "secret/app/missing" "value" }}\n',
                      "destination": os.path.join(out, "missing.txt")},
                     {"contents": "static\n", "destination": os.path.join(out, "no-such-dir", "x.txt"),
                      "create_dest_dirs": False}]
    return {"name": name, "kind": "emissary", "interval": "1h", "timeout": "10s",
            "sources": {"vault": {"type": "vault", "vault": "origin"}}, "templates": templates,
            "command": ["false"], "wait": {"min": "100ms", "max": "200ms"}, "retry": {"initial": "1s", "max": "1m"}}


class KeeperVault:
    """An uninitialised vault-sim cluster (vault "keeper-vault", 3 nodes on consecutive ports) for a keeper job:
    the keeper initialises it and unseals every node. Add it to the stack (SyncStack.add_vault) before the
    daemon starts; the stack stops it."""
    name = "keeper-vault"

    def __init__(self, nodes=3):
        port = vkproc.free_port(nodes)
        self.nodes = [f"http://127.0.0.1:{port + i}" for i in range(nodes)]
        self.addr = self.nodes[0]
        self.proc = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{port}", "--nodes",
                                    str(nodes)], ready_url=self.addr + "/v1/sys/seal-status")

    def config(self):
        return {"address": self.addr}

    def sim(self, path, body):
        status, answer = vkproc.json_call("POST", f"{self.addr}/_sim/{path}", body)
        assert status == 200, (path, status, answer)
        return answer

    def seal_and_fail_one_unseal(self, node):
        """Seals a node and makes the next sys/unseal answer 400 (not a wrong key, and not retried as a 5xx is):
        the keeper counts a failed unseal, then unseals the node in a later cycle."""
        self.sim("fail", {"method": "PUT", "path": "/v1/sys/unseal", "status": 400, "count": 1,
                          "body": '{"errors":["simulated failure"]}'})
        self.sim("vault/seal", {"node": node})

    def stop(self):
        self.proc.stop()


class TransitVault:
    """A one-node dev vault-sim (vault "ops") with a transit mount and key `key`: the Vault that wraps a keeper
    store's data keys when that store's kek names it (transit_kek). The stack stops it."""
    name = "ops"
    token = "ops-root"

    def __init__(self, key="keeper-a"):
        port = vkproc.free_port()
        self.addr = f"http://127.0.0.1:{port}"
        self.key = key
        self.proc = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{port}", "--nodes", "1",
                                    "--dev-root-token", self.token], ready_url=self.addr + "/v1/sys/health")
        try:
            for path in ("sys/mounts/transit", f"transit/keys/{key}"):
                body = {"type": "transit"} if path.startswith("sys/") else {}
                status, answer = vkproc.json_call("POST", f"{self.addr}/v1/{path}", body, token=self.token)
                assert status < 300, (path, status, answer)
        except BaseException:
            self.proc.stop()
            raise

    def config(self):
        return {"address": self.addr, "token": self.token}

    def transit_kek(self):
        return {"transit": {"vault": self.name, "key": self.key}}

    def stop(self):
        self.proc.stop()


def keeper_job(name, root, vault, interval="1s", transit=None, custodians=()):
    """A keeper job that initialises `vault` (a KeeperVault: 5 shares, threshold 3, root token revoked) and keeps
    its shards in three file stores <root>/<name>-{a,b,c}/ (each under its own random key-encryption key; store a's
    wrapped by `transit`'s key instead when given, a TransitVault). Each of `custodians` (custodianpgp.Custodian)
    holds one more share."""
    stores = [{"name": s, "type": "file", "path": os.path.join(root, f"{name}-{s}"),
               "kek": base64.b64encode(os.urandom(32)).decode()} for s in ("a", "b", "c")]
    if transit:
        stores[0]["kek"] = transit.transit_kek()
    job = {"name": name, "kind": "keeper", "interval": interval, "timeout": "30s", "vault": vault.name,
           "nodes": vault.nodes,
           "init": {"secret_shares": 5 + len(custodians), "secret_threshold": 3, "root_token": "revoke"},
           "stores": stores}
    if custodians:
        job["custodians"] = [{"name": c.name, "pgp_public_key_file": c.key_file} for c in custodians]
    return job
