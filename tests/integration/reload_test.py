"""SIGHUP reloads of `serve` against real databases: a good configuration adds, removes and
changes components while an unchanged one keeps its counters; a bad one (unknown key, YAML syntax
error) is logged once with file:line:col, the old configuration stays in use and
alembic_exporter_config_last_reload_successful drops to 0 until a good reload."""

import os
import shutil
import signal
import tempfile
import time
import unittest

from harness.components import build_projects
from harness.daemon import ExporterDaemon, sample
from harness.pg_cluster import PostgresCluster

HEADER = """listen: ["127.0.0.1:0"]
interval: 300ms
timeout: 2s
log: stderr
components:
"""

COMPONENT = """  - name: {name}
    alembic_ini: {root}/{name}/alembic.ini
    expected_heads: {expected_heads}
    database:
      url: {url}
"""

SUCCESSFUL = "alembic_exporter_config_last_reload_successful"
SUCCESS_TIME = "alembic_exporter_config_last_reload_success_timestamp_seconds"


class ReloadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.manager_cluster = PostgresCluster()  # down when the daemon starts: manager errs
        cls.manager_cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-reload-")
        clusters = {name: cls.manager_cluster if name == "manager" else cls.cluster
                    for name in ("manager", "accountmgr", "appproxy", "storage")}
        build_projects(cls.root, clusters, revisions=2)
        cls.urls = {name: cluster.libpq_uri(name) for name, cluster in clusters.items()}
        cls.config = os.path.join(cls.root, "config.yaml")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.cluster.remove()
        cls.manager_cluster.remove()

    def write_config(self, components, extra=""):
        """components: [(name, expected_heads)]; returns the line number after the header."""
        text = HEADER + "".join(
            COMPONENT.format(name=name, root=self.root, expected_heads=heads, url=self.urls[name])
            for name, heads in components)
        with open(self.config, "w") as handle:
            handle.write(text + extra)
        return text.count("\n") + 1

    def components_in(self, metrics):
        return {dict(labels).get("component") for _, labels in metrics} - {None}

    def backends(self, cluster, database):
        """pids of the exporter's sessions to `database`."""
        return cluster.psql("SELECT pid FROM pg_stat_activity WHERE application_name = "
                            f"'alembic_exporter' AND datname = '{database}'").split()

    def reload(self, daemon, successful):
        before = sample(daemon.metrics(), SUCCESS_TIME)
        daemon.signal(signal.SIGHUP)
        daemon.wait_for(lambda: daemon.log().count("configuration re") > self.reloads,
                        what="reload logged")
        self.reloads += 1
        metrics = daemon.metrics()
        self.assertEqual(sample(metrics, SUCCESSFUL), 1 if successful else 0)
        if successful:
            self.assertGreater(sample(metrics, SUCCESS_TIME), before)
        else:
            self.assertEqual(sample(metrics, SUCCESS_TIME), before)
        self.assertIsNone(daemon.process.poll())

    def test_reloads(self):
        self.reloads = 0
        self.manager_cluster.stop()
        self.write_config([("manager", 1), ("accountmgr", 1), ("appproxy", 1)])
        with ExporterDaemon(self.config) as daemon:
            daemon.wait_for(lambda: (sample(daemon.metrics(), "alembic_check_errors_total",
                                            component="manager",
                                            reason="connection_refused") or 0) >= 2,
                            what="manager refused twice")
            self.manager_cluster.restart()
            daemon.wait_for(lambda: sample(daemon.metrics(), "alembic_up",
                                           component="manager") == 1, timeout=30,
                            what="manager up")
            metrics = daemon.metrics()
            self.assertEqual(sample(metrics, SUCCESSFUL), 1)
            counters = {
                key: sample(metrics, key[0], **dict(key[1]))
                for key in (("alembic_state_changes_total", (("component", "manager"),)),
                            ("alembic_check_errors_total",
                             (("component", "manager"), ("reason", "connection_refused"))))}
            self.assertEqual(list(counters.values())[0], 1)
            self.assertEqual(self.components_in(metrics), {"manager", "accountmgr", "appproxy"})
            manager_backends = self.backends(self.manager_cluster, "manager")
            accountmgr_backends = self.backends(self.cluster, "accountmgr")
            self.assertEqual(len(manager_backends), 1)
            self.assertEqual(len(accountmgr_backends), 1)

            # Good: appproxy removed, storage added, accountmgr changed, manager unchanged.
            self.write_config([("manager", 1), ("accountmgr", 2), ("storage", 1)])
            self.reload(daemon, successful=True)
            daemon.wait_for(lambda: sample(daemon.metrics(), "alembic_up",
                                           component="storage") == 1, what="storage checked")
            metrics = daemon.metrics()
            self.assertEqual(self.components_in(metrics), {"manager", "accountmgr", "storage"})
            self.assertEqual(sample(metrics, "alembic_expected_heads", component="accountmgr"), 2)
            for (name, labels), value in counters.items():
                self.assertEqual(sample(metrics, name, **dict(labels)), value, name)
            good_time = sample(metrics, SUCCESS_TIME)
            # Only the changed component was restarted: the unchanged one kept its session.
            self.assertEqual(self.backends(self.manager_cluster, "manager"), manager_backends)
            daemon.wait_for(lambda: self.backends(self.cluster, "accountmgr") not in (
                [], accountmgr_backends), what="accountmgr's new session")

            # Bad: an unknown key, then a YAML syntax error; the old configuration stays.
            line = self.write_config([("manager", 1), ("storage", 1)], extra="intervall: 1s\n")
            self.reload(daemon, successful=False)
            unknown_key = f"{self.config}:{line}:1: unknown key 'intervall'"
            line = self.write_config([("manager", 1)], extra="listen: [oops\n")
            self.reload(daemon, successful=False)
            time.sleep(1.0)  # several rounds of checks: nothing logged again
            log = daemon.log()
            self.assertEqual(log.count(unknown_key), 1, log)
            self.assertEqual(log.count(f"{self.config}:{line + 1}:1: invalid YAML"), 1, log)
            self.assertEqual(log.count("configuration rejected"), 2, log)
            metrics = daemon.metrics()
            self.assertEqual(self.components_in(metrics), {"manager", "accountmgr", "storage"})
            self.assertEqual(sample(metrics, SUCCESS_TIME), good_time)
            self.assertEqual(sample(metrics, "alembic_expected_heads", component="accountmgr"), 2)
            self.assertEqual(self.backends(self.manager_cluster, "manager"), manager_backends)

            # Fixed: accepted again.
            self.write_config([("manager", 1), ("storage", 1)])
            self.reload(daemon, successful=True)
            metrics = daemon.metrics()
            self.assertEqual(self.components_in(metrics), {"manager", "storage"})
            for (name, labels), value in counters.items():
                self.assertEqual(sample(metrics, name, **dict(labels)), value, name)
            code, seconds = daemon.stop()
        self.assertEqual(code, 0)


if __name__ == "__main__":
    unittest.main()
