"""The sd_notify(3) protocol of `serve`, seen from a NOTIFY_SOCKET the test owns: READY=1 only
after listening and the first round of checks (held back by a locked version table, and not sent
early by a SIGHUP meanwhile), STATUS= summaries as states change, WATCHDOG=1 at half of WATCHDOG_USEC, RELOADING=1 + MONOTONIC_USEC and
READY=1 around a SIGHUP, STOPPING=1 on SIGTERM and exit 0 within 2 s."""

import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import unittest

from harness.components import build_projects, write_daemon_config
from harness.daemon import ExporterDaemon
from harness.pg_cluster import PostgresCluster

WATCHDOG_USEC = 1_000_000
# sd_notify only pings the watchdog when WATCHDOG_PID is the daemon's own pid: a shell sets it
# to its pid, then execs the daemon under that pid.
WITH_WATCHDOG_PID = ["sh", "-c", 'WATCHDOG_PID=$$ exec "$@"', "sh"]


class NotifySocket:
    """An AF_UNIX datagram socket collecting (monotonic time, message) in a thread."""

    def __init__(self, path):
        self.path = path
        self.messages = []
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(path)
        self._socket.settimeout(0.1)
        self._stop = False
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self):
        while not self._stop:
            try:
                data = self._socket.recv(4096)
            except socket.timeout:
                continue
            self.messages.append((time.monotonic(), data.decode()))

    def close(self):
        self._stop = True
        self._thread.join()
        self._socket.close()

    def states(self):
        """Messages other than WATCHDOG=1, in order."""
        return [message for _, message in self.messages if message != "WATCHDOG=1"]

    def watchdog_times(self):
        return [at for at, message in self.messages if message == "WATCHDOG=1"]


class NotifyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-notify-")
        cls.projects = build_projects(
            cls.root, dict.fromkeys(("manager", "accountmgr", "appproxy"), cls.cluster),
            behind=("accountmgr",))
        cls.config = os.path.join(cls.root, "config.yaml")
        write_daemon_config(cls.config, cls.root,
                            {name: cls.cluster.libpq_uri(name) for name in cls.projects},
                            interval="300ms", timeout="10s")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.cluster.remove()

    def test_notify_sequence(self):
        notify = NotifySocket(os.path.join(self.root, "notify"))
        self.addCleanup(notify.close)
        lock = self.cluster.lock_table("alembic_version", "accountmgr")
        self.addCleanup(lock.close)
        daemon = ExporterDaemon(self.config, prefix=WITH_WATCHDOG_PID, env={
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": str(WATCHDOG_USEC)})
        with daemon:
            # accountmgr's first check waits for the lock: listening is not ready.
            daemon.wait_for(lambda: self.cluster.blocked_sessions("alembic_exporter"),
                            what="accountmgr's check blocked")
            time.sleep(0.5)
            self.assertEqual(notify.states(), [])
            # A reload before READY=1 is no reload cycle for systemd, and no early READY=1.
            daemon.signal(signal.SIGHUP)
            daemon.wait_for(lambda: "configuration reloaded" in daemon.log(), what="reload")
            time.sleep(0.3)
            self.assertEqual(notify.states(), [])
            lock.rollback()
            daemon.wait_for(lambda: notify.states(), what="READY=1")
            self.assertEqual(notify.states(),
                             ["READY=1\nSTATUS=3 components: 2 up-to-date, 1 behind"])

            # STATUS follows the states.
            self.projects["accountmgr"].upgrade("heads")
            daemon.wait_for(lambda: "STATUS=3 components: 3 up-to-date" in notify.states(),
                            what="STATUS after the upgrade")
            time.sleep(1.0)  # more rounds of checks, same states: no more STATUS=
            self.assertEqual(notify.states()[1:], ["STATUS=3 components: 3 up-to-date"])

            before_reload = len(notify.states())
            sent = time.monotonic()
            daemon.signal(signal.SIGHUP)  # same configuration
            daemon.wait_for(lambda: any(message.startswith("READY=1")
                                        for message in notify.states()[before_reload:]),
                            what="READY=1 after the reload")
            reload = [message for message in notify.states()[before_reload:]
                      if not message.startswith("STATUS=")]
            self.assertEqual(len(reload), 2, reload)
            reloading, ready = reload
            self.assertRegex(reloading, r"^RELOADING=1\nMONOTONIC_USEC=\d+$")
            monotonic = int(reloading.rsplit("=", 1)[1]) / 1e6
            self.assertGreaterEqual(monotonic, sent)
            self.assertLess(monotonic, sent + 1.0)
            self.assertEqual(ready, "READY=1\nSTATUS=3 components: 3 up-to-date")

            time.sleep(1.0)  # a few more watchdog pings
            code, seconds = daemon.stop()
        self.assertEqual(code, 0)
        self.assertLess(seconds, 2.0)
        time.sleep(0.2)
        self.assertEqual(notify.states()[-1], "STOPPING=1")
        self.assertEqual(notify.states().count("STOPPING=1"), 1)

        pings = notify.watchdog_times()
        self.assertGreaterEqual(len(pings), 5, pings)
        gaps = [later - earlier for earlier, later in zip(pings, pings[1:])]
        half = WATCHDOG_USEC / 2e6
        for gap in gaps:
            self.assertGreater(gap, half * 0.7, gaps)
            self.assertLess(gap, half * 1.5, gaps)

    def test_no_watchdog_for_another_pid(self):
        notify = NotifySocket(os.path.join(self.root, "notify-other"))
        self.addCleanup(notify.close)
        daemon = ExporterDaemon(self.config, env={
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": str(WATCHDOG_USEC),
            "WATCHDOG_PID": str(os.getpid())})
        with daemon:
            daemon.wait_for(lambda: notify.states(), what="READY=1")
            time.sleep(1.2)
            self.assertEqual(daemon.stop()[0], 0)
        self.assertEqual(notify.watchdog_times(), [])
        self.assertTrue(notify.states()[0].startswith("READY=1\n"))


if __name__ == "__main__":
    unittest.main()
