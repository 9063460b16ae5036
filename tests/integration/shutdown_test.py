"""SIGTERM and SIGINT stop `serve` with exit 0 within 2 s even while a check is blocked on a
locked version table, and the blocked statement does not outlive the daemon on the server."""

import os
import shutil
import signal
import tempfile
import time
import unittest

from harness.components import build_projects, write_daemon_config
from harness.daemon import ExporterDaemon
from harness.pg_cluster import PostgresCluster


class ShutdownTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-shutdown-")
        build_projects(cls.root, dict.fromkeys(("manager", "accountmgr"), cls.cluster),
                       revisions=1)
        cls.config = os.path.join(cls.root, "config.yaml")
        # statement_timeout (from `timeout`) would end the blocked statement only after 30 s.
        write_daemon_config(cls.config, cls.root, {
            name: cls.cluster.libpq_uri(name) for name in ("manager", "accountmgr")},
            interval="300ms", timeout="30s")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.cluster.remove()

    def exporter_sessions(self):
        return self.cluster.psql("SELECT pid, state, wait_event_type, query FROM "
                                 "pg_stat_activity WHERE application_name = 'alembic_exporter'")

    def stop_while_blocked(self, number):
        lock = self.cluster.lock_table("alembic_version", "accountmgr")
        self.addCleanup(lock.close)
        with ExporterDaemon(self.config) as daemon:
            daemon.wait_for(lambda: self.cluster.blocked_sessions("alembic_exporter"),
                            what="accountmgr's check blocked")
            time.sleep(0.3)  # manager keeps being checked meanwhile
            started = time.monotonic()
            daemon.signal(number)
            code = daemon.process.wait(timeout=10)
            seconds = time.monotonic() - started
            log = daemon.log()
        self.assertEqual(code, 0, log)
        self.assertLess(seconds, 2.0)
        self.assertIn("stopping", log)
        # The server ends the cancelled statement and the closed sessions at once, long before
        # statement_timeout, while the lock is still held.
        deadline = time.monotonic() + 1.0
        while self.exporter_sessions() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.exporter_sessions(), "")
        lock.rollback()

    def test_sigterm(self):
        self.stop_while_blocked(signal.SIGTERM)

    def test_sigint(self):
        self.stop_while_blocked(signal.SIGINT)


if __name__ == "__main__":
    unittest.main()
