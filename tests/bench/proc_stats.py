"""What /proc says of a process the benches measure: its CPU time, its RSS now and its peak RSS."""
import os


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def rss_mib(pid):
    """The resident set now (VmRSS)."""
    return _status_kib(pid, "VmRSS") / 1024


def peak_rss_kib(pid):
    """The largest resident set so far (VmHWM)."""
    return _status_kib(pid, "VmHWM")
