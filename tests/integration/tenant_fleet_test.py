"""A discovered tenant fleet (issue 18) against a real PostgreSQL, the real alembic as the oracle
and a real journald (harness/private_journal.py): 200 tenant databases and 500 tenant schemas of
one database, at a mix of revision levels (harness/tenant_fleet.py). Every discovered target's
state, pending count and revisions equal alembic's; a tenant added and one dropped between
refreshes appear and disappear from the exposition, with a journald entry each; two replicas
`--shard 0/2` and `--shard 1/2` check every target exactly once, split as Prometheus' hashmod
splits the target keys."""

import hashlib
import os
import shutil
import sys
import tempfile
import time
import unittest

from harness.private_journal import PrivateJournal, enter_private_mount_namespace

enter_private_mount_namespace()

from harness.daemon import ExporterDaemon, discovered_targets  # noqa: E402
from harness.message_ids import message_id  # noqa: E402
from harness.pg_cluster import PostgresCluster  # noqa: E402
from harness.tenant_fleet import SCHEMA_DATABASE, TenantFleet  # noqa: E402

TENANT_DATABASES = 200
TENANT_SCHEMAS = 500
COMPONENTS = ("tenants", "tenant_schemas")

CONFIG = """listen: ["127.0.0.1:0"]
interval: 2s
timeout: 10s
log: {log}
components:
  - name: tenants
    script_location: {script_location}
    database: {{url: "{server_url}"}}
    discover:
      databases: "tenant_%"
      exclude: ["tenant_test%"]
      refresh: 1s
      max_targets: 2000
  - name: tenant_schemas
    script_location: {script_location}
    database: {{url: "{schema_url}"}}
    discover:
      schemas: "tenant_%"
      refresh: 1s
"""


def hashmod(key, modulus):
    """Prometheus' `hashmod` relabelling: the MD5's last 8 bytes, big-endian, mod `modulus`."""
    return int.from_bytes(hashlib.md5(key.encode()).digest()[8:], "big") % modulus


def target_key(target):
    """What the daemon hashes to pick a target's shard: component/database[/schema]."""
    return "/".join(part for part in target if part)


class TenantFleetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.journal = PrivateJournal()
        cls.journal.start()
        cls.cluster = PostgresCluster(in_memory=True)  # 200 databases: 1.6 GB
        cls.cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-fleet-")
        started = time.monotonic()
        cls.fleet = TenantFleet(cls.cluster, cls.root)
        cls.fleet.add_databases(TENANT_DATABASES)
        cls.fleet.add_tenant_schemas(TENANT_SCHEMAS)
        # Matched by `tenant_%` but never a target: excluded by name, a template, closed.
        cls.fleet.add_database("tenant_test_001", cls.fleet.level("head"))
        cls.cluster.psql('CREATE DATABASE "tenant_template" IS_TEMPLATE true')
        cls.cluster.psql('CREATE DATABASE "tenant_closed" ALLOW_CONNECTIONS false')
        print(f"fleet of {TENANT_DATABASES} databases and {TENANT_SCHEMAS} schemas built in "
              f"{time.monotonic() - started:.1f} s", file=sys.stderr)
        cls.configs = {log: cls.write_config(log) for log in ("journald", "stderr")}

    @classmethod
    def tearDownClass(cls):
        cls.fleet.close()
        cls.cluster.remove()
        cls.journal.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    @classmethod
    def write_config(cls, log):
        path = os.path.join(cls.root, f"{log}.yaml")
        with open(path, "w") as handle:
            handle.write(CONFIG.format(log=log, script_location=cls.fleet.script_location,
                                       server_url=cls.cluster.libpq_uri("postgres"),
                                       schema_url=cls.cluster.libpq_uri(SCHEMA_DATABASE)))
        return path

    def expected_targets(self):
        """{(component, database, schema): Level} of the fleet as it is now."""
        expected = {("tenants", name, ""): level for name, level in self.fleet.databases.items()
                    if not name.startswith("tenant_test")}
        expected.update({("tenant_schemas", SCHEMA_DATABASE, name): level
                         for name, level in self.fleet.schemas.items()})
        return expected

    def wait_for_fleet(self, daemons, timeout=60):
        """Waits until the daemons' targets together are the fleet's; returns each daemon's."""
        expected = set(self.expected_targets())
        found = []

        def complete():
            found[:] = [discovered_targets(daemon.metrics()) for daemon in daemons]
            return set().union(*found) == expected
        daemons[0].wait_for(complete, timeout=timeout, what="every tenant discovered")
        return found

    def test_every_target_matches_alembic(self):
        with ExporterDaemon(self.configs["stderr"]) as daemon:
            self.wait_for_fleet([daemon])
            metrics = daemon.metrics()
        pending = {}
        revisions = {}
        for (name, labels), value in metrics.items():
            labels = dict(labels)
            target = (labels.get("component"), labels.get("database"), labels.get("schema", ""))
            if name == "alembic_pending_migrations":
                pending[target] = value
            elif name == "alembic_revision_info":
                revisions.setdefault(target, set()).add((labels["current"], labels["head"]))
        found = discovered_targets(metrics)
        for target, level in self.expected_targets().items():
            with self.subTest(target=target, level=level.name):
                state = ("no_revision" if not level.current else
                         "up_to_date" if level.pending == 0 else "behind")
                self.assertEqual(found[target]["state"], state)
                self.assertEqual(pending[target], level.pending)
                self.assertEqual(revisions[target],
                                 {(current, head) for current in level.current or ("none",)
                                  for head in level.heads})
        self.assertEqual({target[0] for target in found}, set(COMPONENTS))

    def test_tenants_come_and_go(self):
        added, dropped = "tenant_500", "tenant_013"
        added_schema, dropped_schema = "tenant_900", "tenant_042"
        with ExporterDaemon(self.configs["journald"], listening_log=self.journal_messages) \
                as daemon:
            self.wait_for_fleet([daemon])
            self.fleet.add_database(added, self.fleet.level("left"))
            self.fleet.drop_database(dropped)
            self.fleet.add_schemas({added_schema: self.fleet.level("merge")})
            self.fleet.drop_schema(dropped_schema)
            found = self.wait_for_fleet([daemon], timeout=30)[0]
            self.assertEqual(found[("tenants", added, "")]["state"], "behind")
            self.assertEqual(found[("tenant_schemas", SCHEMA_DATABASE, added_schema)]["state"],
                             "behind")
            series = daemon.metrics()
            pid = daemon.process.pid
        for (name, labels), _ in series.items():
            labels = dict(labels)
            self.assertNotEqual(labels.get("database"), dropped, name)
            self.assertNotEqual(labels.get("schema"), dropped_schema, name)

        for message, target in ((message_id("target_appeared"), added),
                                (message_id("target_appeared"), added_schema),
                                (message_id("target_disappeared"), dropped),
                                (message_id("target_disappeared"), dropped_schema)):
            entries = [entry for entry in self.journal.entries(f"_PID={pid}",
                                                               f"MESSAGE_ID={message}")
                       if target in entry["MESSAGE"]]
            self.assertEqual(len(entries), 1, (message, target))

    def test_two_shards_cover_every_target_once(self):
        with ExporterDaemon(self.configs["stderr"], args=["--shard", "0/2"]) as first, \
                ExporterDaemon(self.configs["stderr"], args=["--shard", "1/2"]) as second:
            shards = self.wait_for_fleet([first, second])
        self.assertEqual(set(shards[0]) & set(shards[1]), set())
        self.assertEqual(set(shards[0]) | set(shards[1]), set(self.expected_targets()))
        for index, shard in enumerate(shards):
            self.assertGreater(len(shard), len(self.expected_targets()) // 3)
            self.assertEqual({target for target in self.expected_targets()
                              if hashmod(target_key(target), 2) == index}, set(shard))

    def journal_messages(self):
        return "\n".join(entry["MESSAGE"] for entry in self.journal.entries(
            "SYSLOG_IDENTIFIER=alembic_exporter"))


if __name__ == "__main__":
    unittest.main()
