"""A real systemd-journald for one test, without systemd as PID 1.

libsystemd's clients (sd_journal_sendv) always write to /run/systemd/journal/socket, so the test
re-executes itself in a private mount namespace (`unshare --mount`, needs root) and bind-mounts
temporary directories over /run/systemd, /run/log and /var/log/journal there: the journald it
starts and the daemons it runs see only those, and the host's journal is never touched. Without a
`flush` request journald keeps its files in /run/log/journal (volatile storage), where `entries()`
reads them with `journalctl --directory`.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

JOURNALD = "/lib/systemd/systemd-journald"
_IN_NAMESPACE = "ALEMBIC_EXPORTER_PRIVATE_MOUNTS"
_MOUNTED = ("/run/systemd", "/run/log", "/var/log/journal")
SKIPPED = 77  # meson's exit status for a skipped test


def enter_private_mount_namespace():
    """Re-executes the running script in a private mount namespace, once; exits as skipped when
    this machine cannot (not root, no journald, no mount namespaces)."""
    if os.environ.get(_IN_NAMESPACE) == "1":
        return
    usable = (os.geteuid() == 0 and os.access(JOURNALD, os.X_OK) and
              subprocess.run(["unshare", "--mount", "true"]).returncode == 0)
    if not usable:
        print(f"skipped: needs root, {JOURNALD} and `unshare --mount`", file=sys.stderr)
        sys.exit(SKIPPED)
    os.environ[_IN_NAMESPACE] = "1"
    os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", sys.executable,
                          *sys.argv])


class PrivateJournal:
    """Context manager: a systemd-journald writing to a temporary directory."""

    def __init__(self):
        self.root = None
        self.process = None
        self._mounted = []

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=10):
        if os.environ.get(_IN_NAMESPACE) != "1":
            raise RuntimeError("call enter_private_mount_namespace() first")
        self.root = tempfile.mkdtemp(prefix="alembic-exporter-journal-")
        for target in _MOUNTED:
            if target == "/var/log/journal" and not os.path.isdir(target):
                continue
            os.makedirs(target, exist_ok=True)
            source = os.path.join(self.root, target.strip("/").replace("/", "-"))
            os.mkdir(source)
            subprocess.run(["mount", "--bind", source, target], check=True)
            self._mounted.append(target)
        self.process = subprocess.Popen([JOURNALD], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not os.path.exists("/run/systemd/journal/io.systemd.journal"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{JOURNALD} did not start ({self.process.poll()})")
            time.sleep(0.02)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        for target in reversed(self._mounted):
            subprocess.run(["umount", target], check=False)
        self._mounted = []
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)

    def files(self):
        """The journal files: in journal/<machine id>/, or in journal/ without a machine id."""
        return glob.glob(os.path.join(self.root, "run-log", "journal", "**", "*.journal"),
                         recursive=True)

    def entries(self, *matches):
        """Every entry stored so far (after `journalctl --sync`) matching the journalctl
        MATCHES (`FIELD=value`), as dicts; values journalctl shows as byte arrays are decoded."""
        subprocess.run(["journalctl", "--sync"], check=True, timeout=10)
        directories = sorted({os.path.dirname(path) for path in self.files()})
        if not directories:
            return []
        output = subprocess.run(
            ["journalctl", "--directory", directories[0], "--output", "json", "--no-pager",
             "--all", *matches],
            check=True, capture_output=True, text=True, timeout=10).stdout
        entries = []
        for line in output.splitlines():
            entry = json.loads(line)
            entries.append({key: bytes(value).decode(errors="replace")
                            if isinstance(value, list) else value
                            for key, value in entry.items()})
        return entries
