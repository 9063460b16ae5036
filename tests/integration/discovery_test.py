"""`serve` with `discover:` against a real PostgreSQL whose tenant databases and schemas the real
alembic migrated to different revisions (issue 18): every tenant is a target with a `database`
(and `schema`) label whose state and pending count are alembic's; a tenant dropped and one created
between refreshes make series disappear and appear, each with a journald entry (a real, private
systemd-journald); more tenants than `max_targets` is the explicit `too_many_targets` error, and
a server that refuses the listing is an unreachable component. The schema targets of one database
are read with one statement per round (counted in the server's statement log)."""

import json
import os
import re
import shutil
import tempfile
import time
import unittest

from harness.private_journal import PrivateJournal, enter_private_mount_namespace

enter_private_mount_namespace()

from harness.alembic_oracle import Oracle, load  # noqa: E402
from harness.alembic_project import AlembicProject  # noqa: E402
from harness.daemon import ExporterDaemon, sample  # noqa: E402
from harness.exporter import run_exporter  # noqa: E402
from harness.message_ids import message_id  # noqa: E402
from harness.pg_cluster import PostgresCluster  # noqa: E402

CONFIG = """listen: ["127.0.0.1:0"]
interval: 500ms
timeout: 2s
log: {log}
components:
  - name: tenants
    script_location: {script_dir}
    database:
      url: {url}
    discover:
      databases: 'tenant\\_%'
      exclude: ['tenant\\_test%']
      refresh: 1s
      max_targets: {max_targets}
"""

SCHEMAS = """  - name: schemas
    script_location: {script_dir}
    database:
      url: {url}
    discover:
      schemas: 'tenant\\_%'
      refresh: 1s
"""

UNREACHABLE = """  - name: elsewhere
    script_location: {script_dir}
    database:
      url: postgresql://postgres@127.0.0.1:1/postgres
    discover:
      databases: 'tenant\\_%'
"""


class DiscoveryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.journal = PrivateJournal()
        cls.journal.start()
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-discovery-")
        cls.cluster.create_database("seed")
        project = AlembicProject(os.path.join(cls.root, "app"), cls.cluster.sqlalchemy_url("seed"))
        cls.revisions = [project.revision(f"step {i}") for i in range(4)]
        cls.oracle = Oracle(load(script_location=project.script_dir))
        cls.script_dir = project.script_dir
        # One database per revision level, migrated by the real alembic; tenants are copies of
        # them (CREATE DATABASE ... TEMPLATE), which keeps the test to a few alembic runs.
        cls.seeds = {"seed_none": None}
        cls.cluster.create_database("seed_none")
        for level in (0, 2, 3):
            name = cls.cluster.create_database(f"seed_{level}")
            project.set_option("sqlalchemy.url", cls.cluster.sqlalchemy_url(name))
            project.upgrade(cls.revisions[level])
            cls.seeds[name] = cls.revisions[level]
        cls.tenants = {}
        seed_names = list(cls.seeds)
        for i in range(10):
            cls.add_tenant(f"tenant_{i:02d}", seed_names[i % len(seed_names)])
        # Not targets: excluded by pattern, by name, a template, one refusing connections.
        cls.cluster.psql('CREATE DATABASE "tenant_test1" TEMPLATE "seed_3"')
        cls.cluster.psql('CREATE DATABASE "tenantx" TEMPLATE "seed_3"')
        cls.cluster.psql('CREATE DATABASE "tenant_tpl" TEMPLATE "seed_3" IS_TEMPLATE true')
        cls.cluster.psql('CREATE DATABASE "tenant_closed" TEMPLATE "seed_3" '
                         "ALLOW_CONNECTIONS false")
        # Schema tenants in one database: alembic writes a seed schema's version table per level
        # (search_path makes it the current schema); each tenant schema gets a copy of one.
        cls.cluster.create_database("schemas")
        cls.schema_seeds = {"seed_none": None}
        for level in (0, 2, 3):
            seed = f"seed_{level}"
            cls.cluster.psql(f'CREATE SCHEMA "{seed}"', database="schemas")
            project.set_option("sqlalchemy.url", cls.cluster.sqlalchemy_url("schemas") +
                               f"&options=-csearch_path%3D{seed}")
            project.upgrade(cls.revisions[level])
            cls.schema_seeds[seed] = cls.revisions[level]
        cls.schema_tenants = {}
        for i in range(10):
            cls.add_schema(f"tenant_{i:02d}", list(cls.schema_seeds)[i % len(cls.schema_seeds)])
        cls.cluster.psql('CREATE SCHEMA "tenant_no_table"', database="schemas")

    @classmethod
    def add_tenant(cls, name, seed):
        cls.cluster.psql(f'CREATE DATABASE "{name}" TEMPLATE "{seed}"')
        cls.tenants[name] = cls.seeds[seed]

    @classmethod
    def add_schema(cls, name, seed):
        sql = f'CREATE SCHEMA "{name}"'
        if cls.schema_seeds[seed] is not None:
            sql += (f'; CREATE TABLE "{name}".alembic_version (LIKE "{seed}".alembic_version '
                    f'INCLUDING ALL); INSERT INTO "{name}".alembic_version '
                    f'SELECT * FROM "{seed}".alembic_version')
        cls.cluster.psql(sql, database="schemas")
        cls.schema_tenants[name] = cls.schema_seeds[seed]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.cluster.remove()
        cls.journal.stop()

    def write_config(self, name, log="journald", max_targets=20, extra=""):
        path = os.path.join(self.root, name)
        with open(path, "w") as handle:
            handle.write(CONFIG.format(log=log, script_dir=self.script_dir,
                                       url=self.cluster.libpq_uri("postgres"),
                                       max_targets=max_targets) + extra)
        return path

    def expected(self, current):
        """(state, pending) as alembic sees a tenant at `current` (None: no version table)."""
        pending = len(self.oracle.pending([] if current is None else [current]))
        if current is None:
            return "no_revision", pending
        return ("up_to_date" if pending == 0 else "behind"), pending

    def states(self, daemon, component="tenants", key="database"):
        """{database (or schema): (state, pending)} of the component's series now."""
        found = {}
        metrics = daemon.metrics()
        for (name, labels), value in metrics.items():
            labels = dict(labels)
            if name == "alembic_status" and value == 1 and labels["component"] == component:
                target = {k: v for k, v in labels.items() if k in ("database", "schema")}
                pending = sample(metrics, "alembic_pending_migrations", component=component,
                                 **target)
                found[labels.get(key)] = (labels["state"],
                                          None if pending is None else int(pending))
        return found

    def test_tenants_come_and_go(self):
        daemon = ExporterDaemon(self.write_config("fleet.yaml"), listening_log=lambda: "\n".join(
            entry["MESSAGE"] for entry in self.journal.entries(f"_PID={daemon.process.pid}")))
        with daemon:
            want = {name: self.expected(current) for name, current in self.tenants.items()}
            daemon.wait_for(lambda: self.states(daemon) == want, what="every tenant checked")
            metrics = daemon.metrics()
            self.assertEqual(sample(metrics, "alembic_discovered_targets", component="tenants"), 10)
            for (name, labels), _ in metrics.items():
                labels = dict(labels)
                if labels.get("component") == "tenants" and name != "alembic_discovered_targets":
                    self.assertIn(labels.get("database"), self.tenants, (name, labels))

            status = json.loads(daemon.get("/status")[2])
            self.assertEqual(sorted(entry["database"] for entry in status["components"]),
                             sorted(self.tenants))
            ready = json.loads(daemon.get("/ready?component=tenants")[2])
            self.assertEqual(len(ready["components"]), 10)
            self.assertFalse(ready["ready"])  # some tenants are behind

            self.cluster.psql('DROP DATABASE "tenant_03" WITH (FORCE)')
            del self.tenants["tenant_03"]
            self.add_tenant("tenant_10", "seed_2")
            want = {name: self.expected(current) for name, current in self.tenants.items()}
            daemon.wait_for(lambda: self.states(daemon) == want, what="tenant_03 gone, 10 new")
            pid = daemon.process.pid
            code, _ = daemon.stop()
        self.assertEqual(code, 0)

        gone = self.journal.entries(f"_PID={pid}", f"MESSAGE_ID={message_id('target_disappeared')}")
        self.assertEqual([(e["ALEMBIC_COMPONENT"], e["ALEMBIC_DATABASE"]) for e in gone],
                         [("tenants", "tenant_03")])
        new = self.journal.entries(f"_PID={pid}", f"MESSAGE_ID={message_id('target_appeared')}")
        self.assertEqual([(e["ALEMBIC_COMPONENT"], e["ALEMBIC_DATABASE"]) for e in new],
                         [("tenants", "tenant_10")])
        first = [e for e in self.journal.entries(f"_PID={pid}", "ALEMBIC_DATABASE=tenant_00")
                 if "ALEMBIC_STATE" in e]
        self.assertEqual(first[0]["MESSAGE"].split(" (")[0],
                         "tenants/tenant_00: first check: no_revision")

    def test_status_lists_every_target(self):
        config = self.write_config("status.yaml", log="stderr",
                                   extra=SCHEMAS.format(script_dir=self.script_dir,
                                                        url=self.cluster.libpq_uri("schemas")))
        for component, key, tenants in (("tenants", "database", self.tenants),
                                        ("schemas", "schema", self.schema_tenants)):
            result = run_exporter("status", "--config", config, "--component", component,
                                  "--output", "json")
            self.assertEqual(result.returncode, 1, result.stderr)  # some tenants are behind
            found = {entry[key]: (entry["state"], entry["pending"])
                     for entry in json.loads(result.stdout)["components"]}
            self.assertEqual(found, {name: self.expected(current)
                                     for name, current in tenants.items()
                                     if key == "database" or current is not None})
        text = run_exporter("status", "--config", config, "--component", "tenants", "--plain")
        self.assertIn("Component: tenants/tenant_01\n", text.stdout)

    def test_schemas_in_one_statement(self):
        config = self.write_config("schemas.yaml", log="stderr",
                                   extra=SCHEMAS.format(script_dir=self.script_dir,
                                                        url=self.cluster.libpq_uri("schemas")))
        self.cluster.psql("ALTER SYSTEM SET log_statement = 'all'")
        self.cluster.psql("SELECT pg_reload_conf()")
        try:
            with ExporterDaemon(config) as daemon:
                want = {name: self.expected(current)
                        for name, current in self.schema_tenants.items()
                        if current is not None}
                daemon.wait_for(lambda: self.states(daemon, "schemas", "schema") == want,
                                what="every schema tenant checked")
                metrics = daemon.metrics()
                for schema in want:
                    self.assertEqual(sample(metrics, "alembic_up", component="schemas",
                                            database="schemas", schema=schema), 1)
                self.assertEqual(sample(metrics, "alembic_discovered_targets",
                                        component="schemas"), len(want))
                time.sleep(1.2)  # two more rounds
        finally:
            self.cluster.psql("ALTER SYSTEM RESET log_statement")
            self.cluster.psql("SELECT pg_reload_conf()")
        with open(self.cluster.log_file, errors="replace") as handle:
            log = handle.read()
        reads = [line for line in log.splitlines() if "query_to_xml" in line]
        self.assertGreaterEqual(len(reads), 2)
        # Every read names every schema target: one statement per round, never one per schema.
        for line in reads:
            self.assertEqual(sorted(re.findall(r"'(tenant_\d+)'", line)), sorted(want), line)

    def test_beyond_max_targets_and_unreachable_listing(self):
        config = self.write_config("limited.yaml", log="stderr", max_targets=5,
                                   extra=UNREACHABLE.format(script_dir=self.script_dir))
        with ExporterDaemon(config) as daemon:
            daemon.wait_for(lambda: sample(daemon.metrics(), "alembic_status", component="tenants",
                                           state="unreachable") == 1
                            and sample(daemon.metrics(), "alembic_status", component="elsewhere",
                                       state="unreachable") == 1, what="both components failed")
            metrics = daemon.metrics()
            self.assertEqual(sample(metrics, "alembic_discovered_targets", component="tenants"),
                             len(self.tenants))
            self.assertIsNone(sample(metrics, "alembic_discovered_targets", component="elsewhere"))
            self.assertFalse([labels for (name, labels), _ in metrics.items()
                              if ("database", "tenant_00") in labels])
            reasons = {entry["name"]: (entry["reason"], entry["detail"])
                       for entry in json.loads(daemon.get("/status")[2])["components"]}
            self.assertEqual(reasons["tenants"][0], "too_many_targets")
            self.assertIn(f"found {len(self.tenants)} targets, more than max_targets 5",
                          reasons["tenants"][1])
            self.assertEqual(reasons["elsewhere"][0], "connection_refused")
            self.assertEqual(daemon.get("/ready?component=tenants")[0], 503)


if __name__ == "__main__":
    unittest.main()
