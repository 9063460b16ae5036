"""`alembic_exporter serve` against real databases: metric values per state, a state change after
a real `alembic upgrade`, one database going down while the scrape keeps answering, the HTTP
endpoints, and a clean SIGTERM."""

import gzip
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness.components import build_projects
from harness.daemon import ExporterDaemon, sample
from harness.exporter import run_exporter
from harness.pg_cluster import PostgresCluster

CONFIG = """listen: ["127.0.0.1:0"]
interval: 500ms
timeout: 2s
log: stderr
components:
  - name: manager
    alembic_ini: {root}/manager/alembic.ini
    database:
      url: {manager_url}
  - name: accountmgr
    alembic_ini: {root}/accountmgr/alembic.ini
    database:
      url: {accountmgr_url}
    upgrade_command: "./backend.ai mgr schema oneshot"
  - name: appproxy
    script_location: {root}/appproxy/migrations
    database:
      url: {appproxy_url}
"""

STATES = ("up_to_date", "behind", "diverged", "no_revision", "unknown_revision", "unreachable",
          "script_error")


class ServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.second_cluster = PostgresCluster()  # appproxy's server, stopped by one test
        cls.second_cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-serve-")
        cls.projects = build_projects(cls.root, {"manager": cls.cluster, "accountmgr": cls.cluster,
                                                 "appproxy": cls.second_cluster},
                                      behind=("accountmgr",))
        cls.config = os.path.join(cls.root, "config.yaml")
        with open(cls.config, "w") as handle:
            handle.write(CONFIG.format(
                root=cls.root,
                manager_url=cls.cluster.libpq_uri("manager"),
                accountmgr_url=cls.cluster.libpq_uri("accountmgr", password="n0t-a-real-pw"),
                appproxy_url=cls.second_cluster.libpq_uri("appproxy")))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.cluster.remove()
        cls.second_cluster.remove()

    def test_metrics_follow_the_databases(self):
        with ExporterDaemon(self.config) as daemon:
            # Components publish one by one, each after its own first check.
            daemon.wait_for(lambda: all(sample(daemon.metrics(), "alembic_up", component=name) == 1
                                        for name in ("manager", "accountmgr", "appproxy")),
                            what="first checks")
            metrics = daemon.metrics()
            for component, state in (("manager", "up_to_date"), ("accountmgr", "behind"),
                                     ("appproxy", "up_to_date")):
                for candidate in STATES:
                    self.assertEqual(sample(metrics, "alembic_status", component=component,
                                            state=candidate), 1 if candidate == state else 0,
                                     (component, candidate))
            self.assertEqual(sample(metrics, "alembic_pending_migrations", component="accountmgr"), 2)
            self.assertEqual(sample(metrics, "alembic_pending_migrations", component="manager"), 0)
            self.assertEqual(sample(metrics, "alembic_heads_count", component="manager"), 1)
            self.assertEqual(sample(metrics, "alembic_script_revisions", component="manager"), 3)
            accountmgr = self.projects["accountmgr"].revisions
            self.assertEqual(sample(metrics, "alembic_revision_info", component="accountmgr",
                                    current=accountmgr[0], head=accountmgr[2]), 1)

            # A real upgrade turns accountmgr up to date and counts one transition.
            self.projects["accountmgr"].upgrade("heads")
            daemon.wait_for(lambda: sample(daemon.metrics(), "alembic_pending_migrations",
                                           component="accountmgr") == 0, what="upgrade seen")
            metrics = daemon.metrics()
            self.assertEqual(sample(metrics, "alembic_status", component="accountmgr",
                                    state="up_to_date"), 1)
            self.assertEqual(sample(metrics, "alembic_state_changes_total",
                                    component="accountmgr"), 1)

            # appproxy's server goes away: only appproxy turns down, the scrape still answers.
            self.second_cluster.stop()
            daemon.wait_for(lambda: sample(daemon.metrics(), "alembic_up",
                                           component="appproxy") == 0, what="appproxy down")
            metrics = daemon.metrics()
            self.assertEqual(sample(metrics, "alembic_up", component="manager"), 1)
            self.assertEqual(sample(metrics, "alembic_status", component="appproxy",
                                    state="unreachable"), 1)
            self.assertIsNone(sample(metrics, "alembic_pending_migrations", component="appproxy"))
            self.assertGreaterEqual(sample(metrics, "alembic_check_errors_total",
                                           component="appproxy", reason="connection_refused"), 1)

            self.second_cluster.restart()
            daemon.wait_for(lambda: sample(daemon.metrics(), "alembic_up",
                                           component="appproxy") == 1, timeout=40,
                            what="appproxy back")
            log = daemon.log()
            code, seconds = daemon.stop()
        self.assertEqual(code, 0)
        self.assertLess(seconds, 2.0)
        self.assertIn("accountmgr: behind → up_to_date", log)
        self.assertIn("appproxy: up_to_date → unreachable", log)
        self.assertNotIn("n0t-a-real-pw", log)

    def test_http_endpoints(self):
        with ExporterDaemon(self.config) as daemon:
            daemon.wait_for(lambda: len(json.loads(daemon.get("/status")[2])["components"]) == 3,
                            what="three components checked")
            status, headers, body = daemon.get("/metrics")
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
            lint = subprocess.run(
                [os.path.join(os.path.dirname(__file__), "..", "promtool_check_metrics.sh"),
                 "/dev/stdin"], input=body, capture_output=True)
            self.assertEqual(lint.returncode, 0, lint.stderr)
            self.assertNotIn(b"n0t-a-real-pw", body)

            status, headers, compressed = daemon.get("/metrics", {"Accept-Encoding": "gzip"})
            self.assertEqual(headers.get("Content-Encoding"), "gzip")
            self.assertIn(b"alembic_up{", gzip.decompress(compressed))

            status, headers, body = daemon.get("/status")
            document = json.loads(body)
            self.assertEqual([c["name"] for c in document["components"]],
                             ["manager", "accountmgr", "appproxy"])
            self.assertNotIn(b"n0t-a-real-pw", body)

            status, _, body = daemon.get("/")
            self.assertEqual(status, 200)
            for name in (b"manager", b"accountmgr", b"appproxy", b"/metrics"):
                self.assertIn(name, body)
            self.assertEqual(daemon.get("/healthz")[0], 200)
            self.assertEqual(daemon.get("/nope")[0], 404)
            self.assertEqual(daemon.get("/metrics/extra")[0], 404)


    def test_status_reads_the_daemons_config(self):
        # Its own database, stamped behind (what `alembic stamp` writes), so that the other
        # tests' upgrades do not matter.
        database = self.cluster.create_database("status_behind")
        first = self.projects["accountmgr"].revisions[0]
        self.cluster.psql("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL); "
                          f"INSERT INTO alembic_version VALUES ('{first}')", database=database)
        config = os.path.join(self.root, "status-config.yaml")
        with open(config, "w") as handle:
            handle.write(CONFIG.format(
                root=self.root, manager_url=self.cluster.libpq_uri("manager"),
                accountmgr_url=self.cluster.libpq_uri(database),
                appproxy_url=self.cluster.libpq_uri("manager")).replace(
                    "appproxy/migrations", "manager/migrations"))
        result = run_exporter("status", "--config", config, "--component", "all",
                              "--output", "json")
        self.assertEqual(result.returncode, 1, result.stderr)
        components = json.loads(result.stdout)["components"]
        self.assertEqual([(c["name"], c["state"]) for c in components],
                         [("manager", "up_to_date"), ("accountmgr", "behind"),
                          ("appproxy", "up_to_date")])
        text = run_exporter("status", "--config", config, "--component", "accountmgr")
        self.assertIn("Component: accountmgr\n", text.stdout)
        self.assertIn("Status: 2 migrations pending.\n\nRecommended action:\n"
                      "Run ./backend.ai mgr schema oneshot to apply pending migrations.\n",
                      text.stdout)
        first_only = run_exporter("status", "--config", config)
        self.assertEqual(first_only.stdout.count("Component:"), 1)
        self.assertIn("Component: manager\n", first_only.stdout)


if __name__ == "__main__":
    unittest.main()
