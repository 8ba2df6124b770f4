#!/usr/bin/env python3
"""snapshot benchmark: a ~1 GiB raft snapshot through the snapshot job next to `curl -o` fetching the same
snapshot from the same 3-node vault-sim in the same run (curl before and after the job; the mean is used).

Prints, for curl and for the job's download (stream + gzip/tar verification + SHA-256 + spool write and
fsync; the job's `download_ms` counter), the seconds and MiB/s, their ratio, the whole cycle (download,
step-down check, copy into the local storage, retention), the daemon's peak RSS (VmHWM) and its CPU time.
Targets (issue 12): job throughput >= 0.8 of curl's; peak RSS < 64 MiB.

Usage: tests/bench/snapshot_bench.py [MiB]      (default 1024; VK_BIN_DIR overrides build/bin)
       tests/bench/snapshot_bench.py --smoke    (8 MiB: ctest's check that the bench still runs)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
os.environ.setdefault("VK_BIN_DIR", os.path.join(HERE, "..", "..", "build", "bin"))

import vkproc  # noqa: E402
from vkdaemon import Daemon  # noqa: E402

ROOT = "root"


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def curl(addr, out):
    started = time.monotonic()
    subprocess.run(["curl", "-sS", "--fail", "-o", out, "-H", f"X-Vault-Token: {ROOT}",
                    f"{addr}/v1/sys/storage/raft/snapshot"], check=True)
    return time.monotonic() - started, os.path.getsize(out)


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    mib = 8 if sys.argv[1:] == ["--smoke"] else int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    work = tempfile.mkdtemp(prefix="vk-snap-bench-")
    port = vkproc.free_port(3)
    addrs = [f"http://127.0.0.1:{port + i}" for i in range(3)]
    sim = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{port}", "--nodes", "3",
                          "--dev-root-token", ROOT], ready_url=f"{addrs[0]}/v1/sys/health")
    daemon = None
    try:
        post(f"{addrs[0]}/_sim/vault/snapshot-padding", {"bytes": mib << 20})
        curl_file = os.path.join(work, "curl.snap")
        t1, size = curl(addrs[0], curl_file)
        os.remove(curl_file)

        storage = os.path.join(work, "disk")
        os.makedirs(storage)
        job = {"name": "bench", "kind": "snapshot", "interval": "1h", "timeout": "30m", "vault": "n1",
               "spool_dir": os.path.join(work, "spool"),
               "storages": [{"name": "disk", "type": "local", "path": storage, "retain": 1}]}
        daemon = Daemon({"vaults": {"n1": {"address": addrs[1], "token": ROOT}}, "jobs": [job]}, tmpdir=work)
        j = daemon.wait_job("bench", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] != "running",
                            timeout=600, what="the snapshot cycle")
        assert j["last_cycle"]["outcome"] == "ok", j
        rss = peak_rss_kib(daemon.proc.pid)
        cpu = cpu_seconds(daemon.proc.pid)
        counters = j["last_cycle"]["counters"]
        job_s = counters["download_ms"] / 1000.0
        job_bytes = counters["bytes"]
        cycle_s = j["last_cycle"]["duration_seconds"]
        daemon.stop()
        daemon = None
        shutil.rmtree(storage)

        t2, _ = curl(addrs[0], curl_file)
        os.remove(curl_file)
        curl_s = (t1 + t2) / 2
        curl_rate = size / curl_s / 2**20
        job_rate = job_bytes / job_s / 2**20
        print(f"snapshot size:          {size / 2**20:.1f} MiB (padding {mib} MiB)")
        print(f"curl -o:                {curl_s:.2f} s  {curl_rate:.1f} MiB/s  (runs: {t1:.2f} s, {t2:.2f} s)")
        print(f"job download+verify:    {job_s:.2f} s  {job_rate:.1f} MiB/s")
        print(f"throughput ratio:       {job_rate / curl_rate:.2f}  (target >= 0.8)")
        print(f"whole cycle:            {cycle_s:.2f} s  (download, leader check, copy to local storage, retention)")
        print(f"daemon peak RSS:        {rss / 1024:.1f} MiB  (target < 64 MiB)")
        # Both transfers are bound by the sim (gzip + AES-GCM of the filler); the daemon's CPU time says how
        # far it is from being the bottleneck itself.
        print(f"daemon CPU:             {cpu:.2f} s for the whole run  ({job_bytes / cpu / 2**20:.0f} MiB per CPU-second)")
    finally:
        if daemon:
            daemon.stop()
        sim.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
