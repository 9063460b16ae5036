"""`max_connections` against a real PostgreSQL whose role may hold only 3 connections: 30
components on that server without keep-alive all read their version table in the first round
when the daemon opens at most 2 connections at once; allowing 10 at once makes the server refuse
some (`too many connections for role`), which shows the cap is what makes the first case pass.
The role's third connection is headroom for a backend that is still exiting after the exporter
closed its connection: the server counts it until it is gone, which on a loaded machine can take
longer than the reader's one retry."""

import json
import os
import shutil
import tempfile
import unittest

from harness.alembic_project import AlembicProject
from harness.daemon import ExporterDaemon, sample
from harness.pg_cluster import PostgresCluster

COMPONENTS = 30


def write_config(path, script_dir, url, max_connections):
    components = "".join(
        f"  - name: tenant{i:02}\n    script_location: {script_dir}\n"
        f"    database:\n      url: {url}\n    keepalive: false\n" for i in range(COMPONENTS))
    with open(path, "w") as handle:
        handle.write(f'listen: ["127.0.0.1:0"]\ninterval: 1h\ntimeout: 10s\nlog: stderr\n'
                     f"max_connections: {max_connections}\ncomponents:\n{components}")


class ConnectionCapTest(unittest.TestCase):
    maxDiff = None
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-cap-")
        os.chmod(cls.root, 0o755)
        cls.postgres = PostgresCluster()
        cls.postgres.start()
        cls.postgres.create_database("app")
        project = AlembicProject(os.path.join(cls.root, "app"), cls.postgres.sqlalchemy_url("app"))
        project.revision("first")
        project.upgrade("heads")
        cls.script_dir = project.script_dir
        cls.postgres.psql("CREATE ROLE capped LOGIN CONNECTION LIMIT 3")
        cls.postgres.psql("GRANT SELECT ON alembic_version TO capped", database="app")
        cls.url = cls.postgres.libpq_uri("app", user="capped")

    @classmethod
    def tearDownClass(cls):
        cls.postgres.remove()
        shutil.rmtree(cls.root, ignore_errors=True)

    def first_round(self, max_connections):
        """{component: (state, detail)} once every component finished its first check."""
        config = os.path.join(self.root, f"config-{max_connections}.yaml")
        write_config(config, self.script_dir, self.url, max_connections)
        with ExporterDaemon(config) as daemon:
            daemon.wait_for(lambda: all(
                sample(daemon.metrics(), "alembic_up", component=f"tenant{i:02}") is not None
                for i in range(COMPONENTS)), timeout=60, what="the first round of checks")
            _, _, body = daemon.get("/status")
        return {entry["name"]: (entry["state"], entry["detail"] or "")
                for entry in json.loads(body)["components"]}

    def test_two_at_once_fit_a_role_limited_to_three_connections(self):
        results = self.first_round(2)
        self.assertEqual(len(results), COMPONENTS)
        not_up = {name: result for name, result in results.items() if result[0] != "up_to_date"}
        self.assertEqual(not_up, {})

    def test_ten_at_once_are_refused_by_the_server(self):
        results = self.first_round(10)
        refused = [name for name, (state, detail) in results.items()
                   if state == "unreachable" and "too many connections for role" in detail]
        self.assertGreater(len(refused), 0, results)


if __name__ == "__main__":
    unittest.main()
