"""`alembic_exporter serve` with one PostgreSQL, one MariaDB and one SQLite component, each
prepared by the real alembic: /status and /metrics show each engine's state; the MariaDB
component follows a real upgrade; passwords (URL and password file) never reach the log,
/status or /metrics. Prints the /status document for the record."""

import json
import os
import shutil
import tempfile
import unittest

from harness.alembic_project import AlembicProject
from harness.daemon import ExporterDaemon, sample
from harness.mariadb_server import MariadbServer
from harness.pg_cluster import PostgresCluster

MARIADB_PASSWORD = "mariadb-Pw_7q"
PG_PASSWORD = "pg-Pw_3z"

CONFIG = """listen: ["127.0.0.1:0"]
interval: 500ms
timeout: 2s
log: stderr
components:
  - name: manager
    alembic_ini: {root}/manager/alembic.ini
    database:
      url: {postgres_url}
  - name: accountmgr
    script_location: {root}/accountmgr/migrations
    database:
      url: {mariadb_url}
      password_file: {root}/mariadb-password
  - name: appproxy
    alembic_ini: {root}/appproxy/alembic.ini
"""


class MixedEnginesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-mixed-")
        os.chmod(cls.root, 0o755)
        cls.postgres = PostgresCluster(auth="md5", password=PG_PASSWORD)
        cls.postgres.start()
        cls.mariadb = MariadbServer()
        cls.mariadb.start()
        projects = {}
        for name in ("manager", "accountmgr", "appproxy"):
            project = AlembicProject(os.path.join(cls.root, name))
            project.revision("First", rev_id=f"{name[:4]}01")
            project.revision("Second", rev_id=f"{name[:4]}02")
            projects[name] = project
        cls.projects = projects
        cls.postgres.create_database("manager")
        projects["manager"].set_option("sqlalchemy.url", cls.postgres.sqlalchemy_url("manager"))
        projects["manager"].upgrade("heads")
        cls.mariadb.create_database("accountmgr")
        projects["accountmgr"].set_option("sqlalchemy.url",
                                          cls.mariadb.socket_url("accountmgr"))
        projects["accountmgr"].upgrade("acco01")
        cls.mariadb.create_user("exporter", MARIADB_PASSWORD, ["SELECT ON `accountmgr`.*"])
        # appproxy: SQLite, the URL in its ini relative to the ini's directory.
        projects["appproxy"].set_option("sqlalchemy.url", "sqlite:///appproxy.db")
        projects["appproxy"].stamp("base")
        with open(os.path.join(cls.root, "mariadb-password"), "w") as handle:
            handle.write(MARIADB_PASSWORD + "\n")
        cls.config = os.path.join(cls.root, "config.yaml")
        with open(cls.config, "w") as handle:
            handle.write(CONFIG.format(
                root=cls.root,
                postgres_url=cls.postgres.libpq_uri("manager", password=PG_PASSWORD),
                mariadb_url=f"mysql+pymysql://exporter:wrong@127.0.0.1:{cls.mariadb.port}/"
                            "accountmgr"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.mariadb.remove()
        cls.postgres.remove()

    def test_one_daemon_three_engines(self):
        with ExporterDaemon(self.config) as daemon:
            daemon.wait_for(lambda: all(sample(daemon.metrics(), "alembic_up", component=name)
                                        == 1 for name in ("manager", "accountmgr", "appproxy")),
                            what="first checks of all three engines")
            status_code, _, body = daemon.get("/status")
            self.assertEqual(status_code, 200)
            document = json.loads(body)
            print(json.dumps(document, indent=1))
            by_name = {component["name"]: component for component in document["components"]}
            expected = {"manager": ("up_to_date", None, 0), "accountmgr": ("behind", None, 1),
                        "appproxy": ("no_revision", "empty_table", 2)}
            for name, (state, reason, pending) in expected.items():
                component = by_name[name]
                self.assertEqual((component["state"], component["reason"], component["pending"]),
                                 (state, reason, pending), name)
            metrics = daemon.metrics()
            self.assertEqual(sample(metrics, "alembic_status", component="accountmgr",
                                    state="behind"), 1)
            self.assertEqual(sample(metrics, "alembic_pending_migrations",
                                    component="appproxy"), 2)

            self.projects["accountmgr"].upgrade("heads")
            daemon.wait_for(lambda: sample(daemon.metrics(), "alembic_pending_migrations",
                                           component="accountmgr") == 0,
                            what="the MariaDB upgrade seen")
            _, _, metrics_body = daemon.get("/metrics")
            _, _, status_body = daemon.get("/status")
            log = daemon.log()
        for secret in (MARIADB_PASSWORD, PG_PASSWORD):
            for text in (log, metrics_body.decode(), status_body.decode(), body.decode()):
                self.assertNotIn(secret, text)
        self.assertIn("accountmgr: behind → up_to_date", log)


if __name__ == "__main__":
    unittest.main()
