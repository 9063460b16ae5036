"""Open descriptors, resident memory and threads of a process, from /proc."""

import os
import time


def usage(pid):
    """{"fds", "inotify", "rss_kib", "threads"} of `pid` now. `fds` leaves out inotify
    instances, counted apart: each collector makes one lazily and keeps it, and whether it gets
    one depends on the per-user limit (fs.inotify.max_user_instances, 128) that every process
    of the user shares; without one it rescans by stat, as designed."""
    with open(f"/proc/{pid}/status") as handle:
        fields = dict(line.split(":", 1) for line in handle if ":" in line)
    targets = []
    for descriptor in os.listdir(f"/proc/{pid}/fd"):
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{descriptor}"))
        except FileNotFoundError:  # closed meanwhile
            pass
    inotify = targets.count("anon_inode:inotify")
    return {"fds": len(targets) - inotify, "inotify": inotify,
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
