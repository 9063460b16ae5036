"""Open descriptors, resident memory and threads of a process, from /proc."""

import os
import time


def usage(pid):
    """{"fds", "rss_kib", "threads"} of `pid` now."""
    with open(f"/proc/{pid}/status") as handle:
        fields = dict(line.split(":", 1) for line in handle if ":" in line)
    return {"fds": len(os.listdir(f"/proc/{pid}/fd")),
            "rss_kib": int(fields["VmRSS"].split()[0]),
            "threads": int(fields["Threads"])}


def steady_usage(pid, attempts=20):
    """`usage` once two readings 100 ms apart agree on descriptors and threads: a connection
    the server is still closing, or a check opening a directory, would count otherwise."""
    previous = usage(pid)
    for _ in range(attempts):
        time.sleep(0.1)
        current = usage(pid)
        if (current["fds"], current["threads"]) == (previous["fds"], previous["threads"]):
            return current
        previous = current
    raise AssertionError(f"descriptors or threads of {pid} kept changing: {previous}")
