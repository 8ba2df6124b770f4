"""A command for HA tests that shows two replicas running the same job's command at once.

As a program (the emissary job's command): `flockprobe.py LOCKFILE LOGFILE SECONDS TAG` takes an exclusive
flock on LOCKFILE (one per job), logging `collision` when another process already holds it (then waits for
it), then `start`, holds it SECONDS and logs `end`. Lines are `<event> <pid> <tag> <unix time>`, appended to
LOGFILE (shared by every replica) in single writes. A command killed with its process group logs no `end`;
the kernel drops its flock with it.

As a module: `command(...)` builds the argv and `Log` reads the file back."""
import fcntl
import os
import sys
import time

PYTHON = "/usr/bin/python3"


def command(lockfile, logfile, seconds, tag):
    return [PYTHON, os.path.abspath(__file__), lockfile, logfile, str(seconds), tag]


class Log:
    def __init__(self, path):
        self.path = path

    def entries(self):
        """[(event, pid, tag, time)] in the order written."""
        if not os.path.exists(self.path):
            return []
        out = []
        with open(self.path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 4:
                    out.append((parts[0], int(parts[1]), parts[2], float(parts[3])))
        return out

    def events(self, event):
        return [e for e in self.entries() if e[0] == event]

    def collisions(self):
        return self.events("collision")

    def starts(self):
        return self.events("start")


def _log(logfile, event, tag):
    line = f"{event} {os.getpid()} {tag} {time.time():.3f}\n".encode()
    fd = os.open(logfile, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def main(lockfile, logfile, seconds, tag):
    fd = os.open(lockfile, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _log(logfile, "collision", tag)
        fcntl.flock(fd, fcntl.LOCK_EX)
    _log(logfile, "start", tag)
    time.sleep(float(seconds))
    _log(logfile, "end", tag)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
