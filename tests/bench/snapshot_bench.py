#!/usr/bin/env python3
"""snapshot benchmark: a ~1 GiB raft snapshot through the snapshot job next to `curl -o` fetching the same
snapshot from the same 3-node vault-sim in the same run (curl before and after the job; the mean is used).

Prints, for curl and for the job's download (stream + gzip/tar verification + SHA-256 + spool write and
fsync; the job's `download_ms` counter), the seconds and MiB/s, their ratio, the whole cycle (download,
step-down check, copy into the local storage, retention), the daemon's peak RSS (VmHWM) and its CPU time.
Targets (issue 12): job throughput >= 0.8 of curl's; peak RSS < 64 MiB.

Usage: tests/bench/snapshot_bench.py [MiB]      (default 1024; VK_BIN_DIR overrides build/bin)
       tests/bench/snapshot_bench.py --smoke    (8 MiB: ctest's check that the bench still runs)

Large runs (issue 24), `--size 30GiB`: the sim generates the archive as it streams (`"generated": true` on
/_sim/vault/snapshot-padding: cheap pseudo-random filler in a stored gzip stream, the same bytes on every
download), the job uploads it through the real S3 multipart path to a discarding sink (s3_sink.py) that hashes
what it receives, and only the job's spool file lands on disk. Measured on the same bytes in the same run:
  - the source's limit: `curl -o /dev/null` from the sim;
  - the CPU work's limit: `gzip -dc > /dev/null` and two `sha256sum` passes fed by one curl stream through
    tee (nothing on disk), their CPU times (user + system) summed;
then the job's download (stream, gunzip + tar + SHA256SUMS check, SHA-256 of the archive, spool write and
fsync) against the smaller limit (goal >= 0.8), the whole cycle with the upload, the daemon's peak RSS (VmHWM;
limit 64 MiB, goal 32 MiB), whether the sink's SHA-256 is the archive's, and the admin API's latency while the
job ran (GET /v1/health every 200 ms).
       tests/bench/snapshot_bench.py --size 30GiB   (or 80MiB: ctest's smoke of this path, two parts)

Restore (issue 24), `--size 30GiB --restore`: after the backup run, the same generated archive is fetched once
with curl into a local storage directory (the only copy on disk: the job's spool file and the upload are gone
by then) and restored through `POST /v1/snapshot/{name}/restore` by a job whose `restore_spool_limit` is 0, so
the restore takes two passes with nothing in the spool (a one-pass restore would need a second full-size
copy). Prints the restore's time and MiB/s (the archive's bytes over the wall time of both passes), the
path the daemon reports, its peak RSS (VmHWM) over the restore alone and the admin API's latency meanwhile.
       tests/bench/snapshot_bench.py --size 24MiB --restore   (ctest's smoke of the two-pass restore)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
sys.path.insert(0, HERE)
os.environ.setdefault("VK_BIN_DIR", os.path.join(HERE, "..", "..", "build", "bin"))

import s3_sink  # noqa: E402
import vkproc  # noqa: E402
from proc_stats import cpu_seconds, peak_rss_kib  # noqa: E402
from vkdaemon import ADMIN_TOKEN, Daemon  # noqa: E402

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


def parse_size(text):
    units = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
    for unit, factor in units.items():
        if text.endswith(unit):
            return int(float(text[:-len(unit)]) * factor)
    return int(text) << 20


def start_sim():
    port = vkproc.free_port(3)
    addrs = [f"http://127.0.0.1:{port + i}" for i in range(3)]
    sim = vkproc.Process([vkproc.binary("vault-sim"), "--listen", f"127.0.0.1:{port}", "--nodes", "3",
                          "--dev-root-token", ROOT], ready_url=f"{addrs[0]}/v1/sys/health")
    return sim, addrs


def curl_args(addr):
    return ["curl", "-sS", "--fail", "-H", f"X-Vault-Token: {ROOT}", f"{addr}/v1/sys/storage/raft/snapshot"]


def curl_discard(addr):
    """curl -o /dev/null: (seconds, bytes)."""
    started = time.monotonic()
    out = subprocess.run(curl_args(addr) + ["-o", "/dev/null", "-w", "%{size_download}"], check=True,
                         capture_output=True, text=True).stdout
    return time.monotonic() - started, int(float(out))


TOOLS_SCRIPT = r"""
set -eo pipefail
TIMEFORMAT='%U %S'
"${@}" | tee >( { time gzip -dc > /dev/null; } 2> "$W/gzip.t" ) \
             >( { time sha256sum > "$W/sha1"; } 2> "$W/sha1.t" ) \
       | { time sha256sum > "$W/sha2"; } 2> "$W/sha2.t"
"""


def tools_cpu(addr, work):
    """gzip -dc and two sha256sum passes on one curl stream (tee): (CPU seconds per tool, wall, sha256)."""
    started = time.monotonic()
    subprocess.run(["bash", "-c", TOOLS_SCRIPT, "tools"] + curl_args(addr), check=True,
                   env={**os.environ, "W": work})
    wall = time.monotonic() - started
    names = ["gzip", "sha1", "sha2"]
    # The process substitutions may still be writing their times when the pipeline returns.
    vkproc.wait_until(lambda: all(os.path.getsize(os.path.join(work, n + ".t")) > 0
                                  if os.path.exists(os.path.join(work, n + ".t")) else False for n in names),
                      timeout=60, what="the tools' times")
    cpu = {}
    for n in names:
        with open(os.path.join(work, n + ".t")) as f:
            user, system = f.read().split()[-2:]
        cpu[n] = float(user) + float(system)
    with open(os.path.join(work, "sha2")) as f:
        sha = f.read().split()[0]
    with open(os.path.join(work, "sha1")) as f:
        assert f.read().split()[0] == sha, "the two sha256sum passes disagree"
    return cpu, wall, sha


PART_MIB = 64  # the daemon's part size (object_store_options)


def call_admin(daemon, path, body, timeout):
    """POST to the daemon's admin API with a long timeout (a restore answers when Vault has it all)."""
    req = urllib.request.Request(daemon.url(path), data=json.dumps(body).encode(), method="POST")
    req.add_header("Authorization", f"Bearer {ADMIN_TOKEN}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class AdminProbe:
    """GET /v1/health every 200 ms from a thread while a job runs; the answers' latencies (a 60 s timeout, so
    a stall is measured rather than cut short). The admin API must stay responsive while the biggest job runs:
    everything the job does to disk runs off the io thread."""

    def __init__(self, daemon):
        self.url, self.samples, self.failures = daemon.url("/v1/health"), [], 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(0.2):
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=60) as r:
                    r.read()
                self.samples.append((time.monotonic() - started) * 1000)
            except (urllib.error.URLError, OSError):
                self.failures += 1

    def summary(self):
        self.stop.set()
        self.thread.join()
        s = sorted(self.samples) or [0.0]
        return (f"p50 {s[len(s) // 2]:.1f} ms, p99 {s[min(len(s) - 1, int(len(s) * 0.99))]:.1f} ms, "
                f"max {s[-1]:.1f} ms over {len(self.samples)} calls, {self.failures} failed")


def restore_run(addrs, work, say):
    """The archive stored once in a local directory, restored in two passes; (seconds, answer, RSS KiB)."""
    mib = 2**20
    storage = os.path.join(work, "restore-disk")
    os.makedirs(storage)
    name = "raft-snapshot-restore.snap"
    _, size = curl(addrs[0], os.path.join(storage, name))
    job = {"name": "restore", "kind": "snapshot", "enabled": False, "interval": "24h", "timeout": "3h",
           "vault": "n1", "spool_dir": os.path.join(work, "spool"), "allow_restore": True,
           "restore_spool_limit": 0, "storages": [{"name": "disk", "type": "local", "path": storage}]}
    os.makedirs(os.path.join(work, "restore-daemon"))
    daemon = Daemon({"vaults": {"n1": {"address": addrs[1], "token": ROOT}}, "jobs": [job],
                     "log": {"level": "warn"}}, tmpdir=os.path.join(work, "restore-daemon"))
    try:
        started = time.monotonic()
        probe = AdminProbe(daemon)
        status, answer = call_admin(daemon, "/v1/snapshot/restore/restore", {"storage": "disk", "name": name},
                                    timeout=3 * 3600)
        restore_s = time.monotonic() - started
        admin = probe.summary()
        assert status == 200, (status, answer)
        rss = peak_rss_kib(daemon.proc.pid)
    finally:
        daemon.stop()
        shutil.rmtree(storage, ignore_errors=True)
    say(f"restore ({answer['path']}):    {restore_s:.2f} s  {size / restore_s / mib:.1f} MiB/s  "
        f"({size / mib:.1f} MiB downloaded twice from a local storage, streamed into vault-sim)")
    say(f"restore peak RSS:       {rss / 1024:.1f} MiB  (the daemon that restored; goal < 64 MiB)")
    say(f"admin API meanwhile:    {admin}")
    assert answer["path"] == "two-pass", answer
    return restore_s, answer, rss


def generated_run(size, restore=False):
    """Prints each figure as soon as it is measured: curl, then the job, then the tools (then the restore)."""
    work = tempfile.mkdtemp(prefix="vk-snap-bench-")
    sim, addrs = start_sim()
    sink = s3_sink.Sink().start()
    daemon = None
    mib = 2**20
    say = lambda text: print(text, flush=True)  # noqa: E731
    try:
        post(f"{addrs[0]}/_sim/vault/snapshot-padding", {"bytes": size, "generated": True})
        curl_s, archive_bytes = curl_discard(addrs[0])
        curl_rate = archive_bytes / curl_s / mib
        say(f"archive:                {archive_bytes / mib:.1f} MiB generated by vault-sim")
        say(f"curl -o /dev/null:      {curl_s:.2f} s  {curl_rate:.1f} MiB/s  (the source's limit)")

        storage = {"name": "sink", "type": "s3", "bucket": "bench", "endpoint": sink.url,
                   "force_path_style": True, "access_key_id": "BENCH", "secret_access_key": "BENCH", "retain": 1}
        job = {"name": "bench", "kind": "snapshot", "interval": "24h", "timeout": "3h", "vault": "n1",
               "spool_dir": os.path.join(work, "spool"), "storages": [storage]}
        daemon = Daemon({"vaults": {"n1": {"address": addrs[1], "token": ROOT}}, "jobs": [job],
                         "log": {"level": "warn"}}, tmpdir=work)
        probe = AdminProbe(daemon)
        j = daemon.wait_job("bench", lambda j: j["last_cycle"] and j["last_cycle"]["outcome"] != "running",
                            timeout=3 * 3600, what="the snapshot cycle")
        admin = probe.summary()
        assert j["last_cycle"]["outcome"] == "ok", j
        rss = peak_rss_kib(daemon.proc.pid)
        cpu = cpu_seconds(daemon.proc.pid)
        counters = j["last_cycle"]["counters"]
        job_s = counters["download_ms"] / 1000.0
        job_rate = counters["bytes"] / job_s / mib
        cycle_s = j["last_cycle"]["duration_seconds"]
        daemon.stop()
        daemon = None
        [(key, (sink_size, sink_sha, meta_sha))] = sink.objects.items()
        say(f"job download+verify:    {job_s:.2f} s  {job_rate:.1f} MiB/s  (job bytes {counters['bytes']}; "
            f"{job_rate / curl_rate:.2f} of curl's)")
        say(f"whole cycle:            {cycle_s:.2f} s  {archive_bytes / cycle_s / mib:.1f} MiB/s  (download, "
            f"leader check, S3 upload in {PART_MIB} MiB parts ({sink.part_requests} part requests), retention)")
        say(f"daemon peak RSS:        {rss / 1024:.1f} MiB  (limit 64 MiB, goal 32 MiB)")
        say(f"daemon CPU:             {cpu:.2f} s for the whole run")
        say(f"admin API meanwhile:    {admin}")

        tools, tools_wall, sha = tools_cpu(addrs[0], work)
        tools_s = sum(tools.values())
        tools_rate = archive_bytes / tools_s / mib
        limit = min(curl_rate, tools_rate)
        say(f"gzip -dc + 2x sha256sum: {tools_s:.2f} CPU-s  {tools_rate:.1f} MiB/s  (the CPU work's limit; "
            f"gzip {tools['gzip']:.2f} s, sha256sum {tools['sha1']:.2f} s + {tools['sha2']:.2f} s; "
            f"tee pipeline wall {tools_wall:.2f} s)")
        say(f"throughput ratio:       {job_rate / limit:.2f} of the smaller limit  (goal >= 0.8)")
        same = sink_size == archive_bytes and sink_sha == sha == meta_sha
        say(f"upload sink:            {key}: {sink_size} bytes, sha256 {sink_sha[:16]}... "
            f"{'matches' if same else 'DIFFERS from'} the archive's (sha256sum) and the job's x-amz-meta-sha256")
        assert same, (sink_size, sink_sha, meta_sha, archive_bytes, sha)
        if restore:
            restore_run(addrs, work, say)
    finally:
        if daemon:
            daemon.stop()
        sink.close()
        sim.stop()
        shutil.rmtree(work, ignore_errors=True)


def main():
    if sys.argv[1:2] == ["--size"]:
        return generated_run(parse_size(sys.argv[2]), restore="--restore" in sys.argv[3:])
    mib = 8 if sys.argv[1:] == ["--smoke"] else int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    work = tempfile.mkdtemp(prefix="vk-snap-bench-")
    sim, addrs = start_sim()
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
