"""A keeper test world: a 3-node vault-sim (uninitialised, --data-dir), three file shard stores (or the mix: an
s3 store, a file store and a transit-wrapped file store), and the test daemon (vaultkeeper-test) running one
keeper job; helpers to read the stores as the keeper wrote them (AES-256-GCM, object name as AAD; transit
envelopes through the transit Vault) and to check the promise: every node unseals from the stores, nothing
is left behind."""
import base64
import concurrent.futures
import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import struct
import tempfile
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import vkproc
from enforcing_proxy import EnforcingProxy
from kindjobs import TransitVault
from vkdaemon import ADMIN_TOKEN, Daemon

KEK = bytes(range(32))
JOB = "keeper"
NODES = 3
BUCKET = "snaps"  # the bucket tests/integration's s3rver fixture makes


def open_sealed(raw, name, key=KEK):
    """The plaintext of a sealed object: "VKS1" | nonce | ciphertext+tag, or "VKS2" | 8-byte key id | nonce |
    ciphertext+tag (the id names the key-encryption key, so a rotation knows which key sealed it)."""
    assert raw[:4] in (b"VKS1", b"VKS2"), raw[:4]
    start = 4 if raw[:4] == b"VKS1" else 12
    return AESGCM(key).decrypt(raw[start:start + 12], raw[start + 12:], name.encode())


def s3_store(name, endpoint, prefix, key=KEK, **extra):
    """An s3 shard store in s3rver's bucket "snaps" at `endpoint` (s3rver, or a proxy in front of it)."""
    return {"name": name, "type": "s3", "key_prefix": prefix, "kek": base64.b64encode(key).decode(), "bucket": BUCKET,
            "endpoint": endpoint, "force_path_style": True, "access_key_id": "S3RVER", "secret_access_key": "S3RVER",
            **extra}


def split_envelope(raw):
    """"VKT1" | 4-byte big-endian wrap length | wrap ("vault:vN:...") | the body sealed under the data key."""
    assert raw[:4] == b"VKT1", raw[:4]
    (n,) = struct.unpack(">I", raw[4:8])
    return raw[8:8 + n], raw[8 + n:]


def wrap_version(raw):
    """The transit key version an envelope's data key is wrapped under."""
    wrap, _ = split_envelope(raw)
    return int(re.match(rb"vault:v(\d+):", wrap).group(1))


def kek_id(key):
    """The id a "VKS2" header carries: the first 8 bytes of SHA-256("vaultkeeper kek id" | key)."""
    return hashlib.sha256(b"vaultkeeper kek id" + key).digest()[:8]


class KeeperWorld:
    def __init__(self, interval="1s", shares=5, threshold=3, k8s=False, s3=None):
        """k8s: True for an inline kubernetes store, "kubeconfig" for one naming a cluster of /kubernetes that a
        kubeconfig file (tokenFile, context namespace) describes. s3: an s3rver URL for the mix of store kinds
        (the crash matrix and the soak run with it): stores o (s3 in s3rver's bucket under a prefix of this
        world, through an EnforcingProxy of its own so that compare-and-swap holds; first, so the record's
        home), a (a file store) and c (a file store whose data keys a TransitVault of this world wraps).
        self.stores are then the file stores' paths, a and c."""
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
        self.s3 = self.proxy = self.transit = None
        self.transit_stores = set()  # stores wrapped by a transit Vault: record() leaves them out
        if s3:
            self._mix(s3)
        self.daemon = None
        self.daemon_dir = os.path.join(self.dir, "daemon")
        os.makedirs(self.daemon_dir)

    def _mix(self, s3):
        self.s3, self.prefix = s3, os.path.basename(self.dir) + "/"  # s3rver lives per module: a prefix per world
        self.proxy = EnforcingProxy(s3).start()
        self.transit = TransitVault()
        self.transit_stores = {"c"}
        self.config["vaults"][self.transit.name] = self.transit.config()
        stores = self.config["jobs"][0]["stores"]
        stores[2]["kek"] = self.transit.transit_kek()
        stores[:] = [s3_store("o", self.proxy.url, self.prefix), stores[0], stores[2]]
        self.stores = [self.stores[0], self.stores[2]]

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
        if self.proxy:
            self.proxy.close()
            self.transit.stop()
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

    def s3_get(self, path):
        """GET <s3>/<BUCKET><path> (s3rver takes unsigned GETs; None when absent), again while s3rver answers 500
        or cuts the body short: it does when the read races a write of the same object."""
        def get():
            try:
                with urllib.request.urlopen(f"{self.s3}/{BUCKET}{path}", timeout=10) as r:
                    return [r.read()]
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    return [None]
                if e.code != 500:
                    raise
            except http.client.IncompleteRead:
                pass
            return None
        return vkproc.wait_until(get, 10, interval=0.02, what=f"s3rver answering GET {path}")[0]

    def s3_names(self):
        """The s3 store's objects, listed from s3rver."""
        keys = re.findall(r"<Key>([^<]*)</Key>", self.s3_get(f"?prefix={self.prefix}").decode())
        return sorted(k.removeprefix(self.prefix) for k in keys)

    def s3_raw(self, name):
        """An s3 store object's bytes as s3rver holds them (None when absent), read again while empty: s3rver
        truncates an object's file before writing the new bytes, and no keeper object is ever empty."""
        def whole():
            raw = self.s3_get("/" + self.prefix + name)
            return None if raw == b"" else [raw]
        return vkproc.wait_until(whole, 10, interval=0.02, what=f"s3rver holding object {name} whole")[0]

    def objects(self):
        """store name -> its objects: the file stores' and (the mix) the s3 store's."""
        out = {}
        for p in self.stores:  # a directory not made yet (or down: a file) holds nothing
            out[os.path.basename(p)] = sorted(n for n in os.listdir(p) if not n.startswith(".")) if os.path.isdir(
                p) else []
        if self.s3:
            out["o"] = self.s3_names()
        return out

    def open_raw(self, raw, name):
        """An object's plaintext from its bytes: a transit envelope's data key unwrapped by the transit Vault, a
        sealed blob opened with the key its "VKS2" header names (the first of self.keks for "VKS1")."""
        if raw[:4] == b"VKT1":
            wrap, body = split_envelope(raw)
            return open_sealed(body, name, self.unwrap(wrap))
        key = next((k for k in self.keks if raw[:4] == b"VKS2" and raw[4:12] == kek_id(k)), self.keks[0])
        return open_sealed(raw, name, key)

    def unwrap(self, wrap):
        """The data key of a transit wrap, from the transit Vault."""
        status, out = vkproc.json_call("POST", f"{self.transit.addr}/v1/transit/decrypt/{self.transit.key}",
                                       {"ciphertext": wrap.decode()}, token=self.transit.token)
        assert status == 200, out
        return base64.b64decode(out["data"]["plaintext"])

    def read_object(self, store_path, name):
        """A file store object's plaintext (open_raw)."""
        with open(os.path.join(store_path, name), "rb") as f:
            return self.open_raw(f.read(), name)

    def read(self, store, name):
        """The plaintext of object `name` of store `store` (by name); None when absent."""
        if self.s3 and store == "o":
            def opened():  # s3rver does not write atomically: a read racing a write may be torn, read again
                raw = self.s3_raw(name)
                try:
                    return [raw and self.open_raw(raw, name)]
                except InvalidTag:
                    return None
            return vkproc.wait_until(opened, 10, what=f"object {name} of store o opening")[0]
        path = os.path.join(self.dir, store)
        return self.read_object(path, name) if os.path.isfile(os.path.join(path, name)) else None

    def record(self):
        """The record with the highest seq among the copies (a transit-wrapped store's are left out: its Vault may
        be down, and the first store, the record's compare-and-swap home, holds the newest)."""
        best = None
        for store in [os.path.basename(p) for p in self.stores] + (["o"] if self.s3 else []):
            text = None if store in self.transit_stores else self.read(store, "keeper-state")
            r = text and json.loads(text)
            if r and (best is None or r["seq"] > best["seq"]):
                best = r
        return best

    def shard_keys(self, set_id):
        """index -> key of every shard of the set the stores hold (a kubernetes store's aside)."""
        keys = {}
        for store, names in self.objects().items():
            for n in names:
                text = self.read(store, n) if n.startswith(set_id + "-shard-") else None
                if text:  # not removed since the listing
                    o = json.loads(text)
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
        """Idle procedure, every node unsealed (by the daemon), as the stores and vault-sim show it, and the running
        daemon past its start-up checks (a cycle ended: the probe objects they write are removed again)."""
        def settled():
            r = self.record()
            return (r and r["step"] == "idle" and r["current"] and not r["audit"] and not r["revoke_root"]
                    and not any(self.seal_states())
                    and (self.daemon is None or self.daemon.job(JOB)["last_cycle"] is not None)) and r
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
