"""A keeper test world: a 3-node vault-sim (uninitialised, --data-dir), three file shard stores, and the test
daemon (vaultkeeper-test) running one keeper job; helpers to read the stores as the keeper wrote them
(AES-256-GCM, object name as AAD) and to check the promise: every node unseals from the stores, nothing
is left behind."""
import base64
import concurrent.futures
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import urllib.error

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import vkproc
from vkdaemon import ADMIN_TOKEN, Daemon

KEK = bytes(range(32))
JOB = "keeper"
NODES = 3


def open_sealed(raw, name, key=KEK):
    """The plaintext of a sealed object: "VKS1" | nonce | ciphertext+tag, or "VKS2" | 8-byte key id | nonce |
    ciphertext+tag (the id names the key-encryption key, so a rotation knows which key sealed it)."""
    assert raw[:4] in (b"VKS1", b"VKS2"), raw[:4]
    start = 4 if raw[:4] == b"VKS1" else 12
    return AESGCM(key).decrypt(raw[start:start + 12], raw[start + 12:], name.encode())


def kek_id(key):
    """The id a "VKS2" header carries: the first 8 bytes of SHA-256("vaultkeeper kek id" | key)."""
    return hashlib.sha256(b"vaultkeeper kek id" + key).digest()[:8]


class KeeperWorld:
    def __init__(self, interval="1s", shares=5, threshold=3, k8s=False):
        """k8s: True for an inline kubernetes store, "kubeconfig" for one naming a cluster of /kubernetes that a
        kubeconfig file (tokenFile, context namespace) describes."""
        self.dir = tempfile.mkdtemp(prefix="vk-keeper-")
        self.port = vkproc.free_port(NODES)
        self.vault_log = os.path.join(self.dir, "vault-sim.log")
        self.stores = [os.path.join(self.dir, s) for s in ("a", "b", "c")]
        self.vault = vkproc.Process(
            [vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{self.port}", "--nodes", str(NODES),
             "--data-dir", os.path.join(self.dir, "vault")],
            ready_url=self.node_url(0) + "/v1/sys/seal-status", log_path=self.vault_log)
        self.config = {
            "vaults": {"v": {"address": self.node_url(0)}},
            "jobs": [{"name": JOB, "kind": "keeper", "interval": interval, "timeout": "30s", "vault": "v",
                      "nodes": [self.node_url(i) for i in range(NODES)],
                      "init": {"secret_shares": shares, "secret_threshold": threshold},
                      "stores": [{"name": os.path.basename(p), "type": "file", "path": p,
                                  "kek": base64.b64encode(KEK).decode()} for p in self.stores]}],
        }
        self.keks = [KEK]  # the keys objects are read with (current and previous once a test rotates)
        self.k8s = None
        if k8s:  # the third store is a kubernetes store on k8s-sim instead of a directory
            self.k8s_port = vkproc.free_port()
            self.k8s = vkproc.Process(
                [vkproc.binary("k8s-sim"), "--listen", f"127.0.0.1:{self.k8s_port}", "--token", "k8s-token"],
                ready_url=f"http://127.0.0.1:{self.k8s_port}/healthz", log_path=os.path.join(self.dir, "k8s.log"))
            self.config["jobs"][0]["stores"][2] = {
                "name": "c", "type": "kubernetes", "api_server": f"http://127.0.0.1:{self.k8s_port}",
                "namespace": "vault", "token": "k8s-token"}
            if k8s == "kubeconfig":
                self.config["kubernetes"] = {"sim": {"kubeconfig": self._write_kubeconfig()}}
                self.config["jobs"][0]["stores"][2] = {"name": "c", "type": "kubernetes", "kubernetes": "sim"}
            self.stores = self.stores[:2]
        self.daemon = None
        self.daemon_dir = os.path.join(self.dir, "daemon")
        os.makedirs(self.daemon_dir)

    def _write_kubeconfig(self):
        with open(os.path.join(self.dir, "k8s-token"), "w") as f:
            f.write("k8s-token\n")
        path = os.path.join(self.dir, "kubeconfig")
        with open(path, "w") as f:
            f.write(f"""current-context: sim
clusters: [{{name: sim, cluster: {{server: "http://127.0.0.1:{self.k8s_port}"}}}}]
contexts: [{{name: sim, context: {{cluster: sim, user: sa, namespace: vault}}}}]
users: [{{name: sa, user: {{tokenFile: k8s-token}}}}]
""")
        return path

    # ---- processes ----

    def node_url(self, i):
        return f"http://127.0.0.1:{self.port + i}"

    def start_daemon(self, env=None, wait_ready=True):
        self.daemon = Daemon(self.config, extra_env=env or {}, tmpdir=self.daemon_dir, wait_ready=wait_ready)
        return self.daemon

    def wait_api(self):
        vkproc.wait_until(lambda: vkproc.http_ok(self.daemon.url("/v1/health")), 15, what="admin API")

    def stop_daemon(self):
        if self.daemon:
            self.daemon.stop()
            self.daemon = None

    def kill_daemon(self):
        if self.daemon:
            self.daemon.proc.kill()
            self.daemon = None

    def wait_daemon_exit(self, timeout=20):
        code = self.daemon.proc.wait(timeout=timeout)
        self.daemon.proc.stop()
        self.daemon = None
        return code

    def close(self):
        self.stop_daemon()
        self.vault.stop()
        if self.k8s:
            self.k8s.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- vault-sim ----

    def sim(self, method, path, body=None):
        status, body = vkproc.json_call(method, self.node_url(0) + "/_sim/vault/" + path, body)
        assert status < 300, (path, status, body)
        return body

    def active_node(self):
        for n in self.sim("GET", "status")["nodes"]:
            if n["active"]:
                return int(n["id"].removeprefix("node"))
        return 0

    def restart_node(self, i):
        self.sim("POST", "restart", {"node": i})

    def seal_states(self):
        return [n["sealed"] for n in self.sim("GET", "status")["nodes"]]

    def vault_call(self, node, method, path, body=None):
        return vkproc.json_call(method, self.node_url(node) + "/v1/" + path, body)

    # ---- the stores, read as the keeper wrote them ----

    def k8s_secret_names(self):
        status, body = vkproc.json_call("GET", f"http://127.0.0.1:{self.k8s_port}/api/v1/namespaces/vault/secrets",
                                        token="Bearer k8s-token", token_header="Authorization")
        assert status == 200, body
        return sorted(i["metadata"]["name"] for i in body["items"])

    def objects(self):
        out = {}
        for p in self.stores:
            out[os.path.basename(p)] = sorted(n for n in os.listdir(p) if not n.startswith("."))
        return out

    def read_object(self, store_path, name):
        """An object's plaintext, opened with the key its "VKS2" header names (the first of self.keks for an
        id-less "VKS1" object)."""
        with open(os.path.join(store_path, name), "rb") as f:
            raw = f.read()
        key = next((k for k in self.keks if raw[:4] == b"VKS2" and raw[4:12] == kek_id(k)), self.keks[0])
        return open_sealed(raw, name, key)

    def record(self):
        best = None
        for p in self.stores:
            if os.path.exists(os.path.join(p, "keeper-state")):
                r = json.loads(self.read_object(p, "keeper-state"))
                if best is None or r["seq"] > best["seq"]:
                    best = r
        return best

    def shard_keys(self, set_id):
        """index -> key of every shard of the set the file stores hold."""
        keys = {}
        for p in self.stores:
            for n in os.listdir(p):
                if n.startswith(set_id + "-shard-"):
                    o = json.loads(self.read_object(p, n))
                    keys[o["index"]] = o["key"]
        return keys

    def keys_of(self, set_id):
        keys = self.shard_keys(set_id)
        return [keys[i] for i in sorted(keys)]

    # ---- the promise ----

    def status(self):
        code, body, _ = self.daemon.call("GET", f"/v1/keeper/{JOB}/status")
        assert code == 200, body
        return body

    def wait_settled(self, timeout=60, what="keeper idle, every node unsealed"):
        """Idle procedure, every node unsealed (by the daemon), as the stores and vault-sim show it."""
        def settled():
            r = self.record()
            return (r and r["step"] == "idle" and r["current"] and not r["audit"] and not r["revoke_root"]
                    and not any(self.seal_states())) and r
        return vkproc.wait_until(settled, timeout, interval=0.05, what=what)

    def leftovers(self):
        """Objects that are neither the state record nor the current set's."""
        cur = self.record()["current"]["id"]
        return {s: [n for n in names if n != "keeper-state" and not n.startswith(cur + "-")]
                for s, names in self.objects().items() if any(
                    n != "keeper-state" and not n.startswith(cur + "-") for n in names)}

    def unseals_with(self, node, keys, threshold=3):
        """Submits keys to a sealed node; True when it unsealed, False on a wrong-key answer."""
        self.vault_call(node, "PUT", "sys/unseal", {"reset": True})
        for k in keys[:threshold]:
            status, body = self.vault_call(node, "PUT", "sys/unseal", {"key": k})
            if status >= 400:
                return False
            if not body["sealed"]:
                return True
        return False

    def rekey(self, token=ADMIN_TOKEN):
        code, body, _ = self.daemon.call("POST", f"/v1/keeper/{JOB}/rekey", token=token)
        assert code == 202, body
        return body

    def rekey_in_background(self):
        """POSTs a rekey from a thread, for a daemon that may pause or die before it answers: returns a future
        of the HTTP status, or of None when the connection dropped unanswered."""
        def post():
            try:
                return self.daemon.call("POST", f"/v1/keeper/{JOB}/rekey")[0]
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError):
                return None
        return concurrent.futures.ThreadPoolExecutor(max_workers=1).submit(post)


@contextlib.contextmanager
def store_down(path):
    """The store's directory goes away and a plain file takes its place, so every open, list, write and mkdir
    there fails, for root too (a chmod 000 would not stop root); then the directory comes back as it was."""
    away = path + ".away"
    os.rename(path, away)
    open(path, "w").close()
    try:
        yield
    finally:
        os.remove(path)
        os.rename(away, path)
