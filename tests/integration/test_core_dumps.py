"""Issue 15: the daemon makes itself non-dumpable (no core file full of tokens and copied secrets) unless
--allow-core-dumps is given.

The kernel shows it from outside: a non-dumpable process's /proc/<pid> files belong to root, a dumpable one's to
its own user. So the daemon runs as the unprivileged user `nobody` (setpriv) and the test reads the owner of
/proc/<pid>/environ.
"""
import json
import os
import shutil
import tempfile

import pytest

import vkproc

NOBODY = 65534


def run_as_nobody(extra_args):
    work = tempfile.mkdtemp(prefix=f"vk-dump-{os.getpid()}-")
    os.chmod(work, 0o755)
    port = vkproc.free_port()
    config = os.path.join(work, "vk.json")
    with open(config, "w") as f:
        json.dump({"admin": {"listen": f"127.0.0.1:{port}", "token": "test-admin-token-0123456789"}, "jobs": []}, f)
    os.chmod(config, 0o644)
    argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
            vkproc.binary("vaultkeeper"), "--config", config, *extra_args]
    proc = vkproc.Process(argv, ready_url=f"http://127.0.0.1:{port}/v1/health")
    return proc, work


def owner_of_environ(proc):
    return os.stat(f"/proc/{proc.pid}/environ").st_uid


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
@pytest.mark.parametrize("args,expected_owner", [([], 0), (["--allow-core-dumps"], NOBODY)])
def test_core_dumps_are_off_unless_allowed(args, expected_owner):
    proc, work = run_as_nobody(args)
    try:
        assert owner_of_environ(proc) == expected_owner
    finally:
        proc.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_unknown_flag_after_config_is_a_usage_error(tmp_path):
    import subprocess
    r = subprocess.run([vkproc.binary("vaultkeeper"), "--config", str(tmp_path / "x.json"), "--colour"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "usage:" in r.stderr
