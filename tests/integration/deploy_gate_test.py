"""Deploy gates against a real PostgreSQL and the real alembic: a slow `alembic upgrade heads`
(its first pending migration creates a table and sleeps, a later one only sleeps) is seen as a
migration in progress while it runs and not after; reads of the version table (`alembic current`
in a loop, an open read transaction, a second exporter) never are; no check waits on the
migration's locks; `/ready` goes 503 -> 200; `wait` returns 0 after a background upgrade, 75 on
timeout and stops on SIGTERM/SIGINT; `alembic_state_since_timestamp_seconds` survives SIGHUP."""

import datetime
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import psycopg2

from harness.alembic_project import ALEMBIC, AlembicProject
from harness.components import write_daemon_config
from harness.daemon import ExporterDaemon, sample
from harness.exporter import EXPORTER
from harness.pg_cluster import PostgresCluster

SLEEP_SECONDS = 4
CHECK_TIMEOUT = "2s"  # shorter than a migration's sleep: a check that waited would time out


def set_body(project, revision, function, body):
    """Replaces `pass` in `function` of the revision file of `revision` with `body`."""
    (path,) = glob.glob(os.path.join(project.script_dir, "versions", f"{revision}_*.py"))
    with open(path) as handle:
        text = handle.read()
    text, count = re.subn(rf"def {function}\(\)( -> None)?:\n    pass",
                          lambda m: f"def {function}(){m.group(1) or ''}:\n{body}", text)
    assert count == 1, path
    with open(path, "w") as handle:
        handle.write(text)


def marker_body(marker):
    return (f"    import pathlib\n    pathlib.Path({marker!r}).touch()\n"
            f"    op.execute('SELECT pg_sleep({SLEEP_SECONDS})')\n")


class DeployGateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-gate-")
        cls.markers = os.path.join(cls.root, "markers")
        cls.cluster.create_database("manager")
        project = AlembicProject(os.path.join(cls.root, "manager"),
                                 cls.cluster.sqlalchemy_url("manager"))
        cls.base = project.revision("base")
        first = project.revision("create table and sleep")
        set_body(project, first, "upgrade",
                 "    op.create_table('gate_step1', sa.Column('id', sa.Integer))\n" +
                 marker_body(os.path.join(cls.markers, "first")))
        set_body(project, first, "downgrade", "    op.drop_table('gate_step1')\n")
        project.revision("nothing")
        last = project.revision("sleep only")
        set_body(project, last, "upgrade", marker_body(os.path.join(cls.markers, "last")))
        cls.project = project
        cls.heads = project.heads()
        cls.config = os.path.join(cls.root, "config.yaml")
        write_daemon_config(cls.config, cls.root, {"manager": cls.cluster.libpq_uri("manager")},
                            "200ms", CHECK_TIMEOUT)
        cls.daemon = ExporterDaemon(cls.config)
        cls.daemon.start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.cluster.remove()
        shutil.rmtree(cls.root, ignore_errors=True)

    def setUp(self):
        if self.project.current():
            self.project.downgrade(self.base)
        else:
            self.project.upgrade(self.base)
        shutil.rmtree(self.markers, ignore_errors=True)
        os.makedirs(self.markers)
        self.daemon.wait_for(lambda: self.state() == "behind", what="manager behind")

    def state(self):
        metrics = self.daemon.metrics()
        for name in ("up_to_date", "behind", "unreachable", "no_revision"):
            if sample(metrics, "alembic_status", component="manager", state=name) == 1:
                return name
        return None

    def in_progress(self, daemon=None):
        return sample((daemon or self.daemon).metrics(), "alembic_migration_in_progress",
                      component="manager")

    def start_upgrade(self):
        upgrade = subprocess.Popen(ALEMBIC + ["-c", self.project.ini, "upgrade", "heads"],
                                   cwd=self.project.root, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   env=dict(os.environ, PGAPPNAME="deploy-migrate"))
        self.addCleanup(upgrade.stdout.close)
        self.addCleanup(upgrade.wait)
        return upgrade

    def wait_for_marker(self, name, upgrade):
        path = os.path.join(self.markers, name)
        deadline = time.monotonic() + 30
        while not os.path.exists(path):
            self.assertIsNone(upgrade.poll(), upgrade.stdout.read() if upgrade.poll() else "")
            self.assertLess(time.monotonic(), deadline, f"migration never reached {name}")
            time.sleep(0.05)

    def test_a_slow_upgrade_is_a_migration_in_progress_until_it_commits(self):
        status, _, body = self.daemon.get("/ready")
        self.assertEqual(status, 503)
        self.assertEqual(json.loads(body), {"ready": False, "components": [
            {"name": "manager", "state": "behind", "pending": 3, "ready": False}]})
        upgrade_started = time.time()
        upgrade = self.start_upgrade()
        seen = []  # (state, in progress, timeout errors) at every scrape while it runs
        for marker in ("first", "last"):
            self.wait_for_marker(marker, upgrade)
            # The migration sleeps SLEEP_SECONDS after the marker: the daemon checks every 200 ms.
            self.daemon.wait_for(lambda: self.in_progress() == 1, timeout=SLEEP_SECONDS - 0.5,
                                 what=f"migration in progress during the '{marker}' step")
            metrics = self.daemon.metrics()
            started = sample(metrics, "alembic_migration_started_timestamp_seconds",
                             component="manager")
            self.assertIsNotNone(started)
            self.assertLess(abs(started - time.time()), 60)
            document = json.loads(self.daemon.get("/status")[2])["components"][0]
            self.assertIsInstance(document["migration"]["pid"], int)
            # The exporter connects as a superuser here: pg_stat_activity shows everything.
            self.assertEqual(document["migration"]["application_name"], "deploy-migrate")
            self.assertLess(abs(started - upgrade_started), 5)
            self.assertEqual(document["state"], "behind")
            self.assertEqual(self.daemon.get("/ready")[0], 503)
            seen.append((self.state(), sample(metrics, "alembic_check_errors_total",
                                              component="manager", reason="timeout")))
        self.assertEqual(upgrade.wait(timeout=60), 0, upgrade.stdout.read())
        self.daemon.wait_for(lambda: self.in_progress() == 0 and self.state() == "up_to_date",
                             what="migration over and up to date")
        metrics = self.daemon.metrics()
        self.assertIsNone(sample(metrics, "alembic_migration_started_timestamp_seconds",
                                 component="manager"))
        status, _, body = self.daemon.get("/ready")
        self.assertEqual(status, 200)
        self.assertTrue(json.loads(body)["ready"])
        self.assertEqual(self.daemon.get("/ready?component=manager")[0], 200)
        # Never waited on the migration's locks: no check ran into its 2 s budget.
        self.assertEqual(seen, [("behind", 0), ("behind", 0)])
        self.assertEqual(sample(metrics, "alembic_check_errors_total", component="manager",
                                reason="timeout"), 0)
        log = self.daemon.log()
        self.assertRegex(log, r"manager: migration running since \S+Z \(pid \d+, application "
                              r"deploy-migrate\)")
        self.assertRegex(log, r"manager: migration ended, it had run since \S+Z \(pid \d+, "
                              r"application deploy-migrate\)")

    def test_reads_of_the_version_table_are_never_a_migration(self):
        stop = threading.Event()
        currents = []

        def alembic_current():
            while not stop.is_set():
                currents.append(subprocess.run(
                    ALEMBIC + ["-c", self.project.ini, "current"], cwd=self.project.root,
                    capture_output=True).returncode)

        reader = threading.Thread(target=alembic_current)
        # A read transaction that stays open holds AccessShareLock on the table all along.
        connection = psycopg2.connect(host=self.cluster.socket_dir, port=self.cluster.port,
                                      user="postgres", dbname="manager")
        connection.cursor().execute("SELECT version_num FROM alembic_version")
        with ExporterDaemon(self.config) as second:
            reader.start()
            try:
                observed = []
                deadline = time.monotonic() + 4
                while time.monotonic() < deadline:
                    observed.append((self.in_progress(), self.in_progress(second)))
                    time.sleep(0.05)
            finally:
                stop.set()
                reader.join()
                connection.close()
        self.assertGreater(len(currents), 2)
        self.assertEqual(set(currents), {0})
        self.assertEqual({value for pair in observed for value in pair} - {None}, {0})

    def test_a_role_without_pg_read_all_stats_still_sees_the_migration(self):
        self.cluster.psql("DO $$ BEGIN CREATE ROLE watcher LOGIN; EXCEPTION WHEN duplicate_object "
                          "THEN NULL; END $$")
        self.cluster.psql("GRANT SELECT ON alembic_version TO watcher", database="manager")
        upgrade = self.start_upgrade()
        self.wait_for_marker("first", upgrade)
        marker_seen = time.time()  # after the migration's transaction began
        result = subprocess.run(
            [EXPORTER, "status", "-c", self.project.ini, "--component", "manager", "--output",
             "json", "--database", self.cluster.libpq_uri("manager", user="watcher")],
            cwd=self.project.root, capture_output=True, text=True, timeout=30)
        document = json.loads(result.stdout)["components"][0]
        self.assertEqual(document["state"], "behind", result.stderr)
        migration = document["migration"]
        self.assertIsInstance(migration["pid"], int)
        # pg_stat_activity hides another role's xact_start, not its application_name: the start
        # shown is when this check saw the migration, after its transaction really began.
        self.assertEqual(migration["application_name"], "deploy-migrate")
        started = datetime.datetime.fromisoformat(migration["started_at"]).timestamp()
        self.assertGreaterEqual(started, marker_seen)
        self.assertEqual(upgrade.wait(timeout=60), 0)

    def test_unknown_component_is_404(self):
        status, _, body = self.daemon.get("/ready?component=manager,billing")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body), {"error": "unknown component 'billing'"})

    def wait_command(self, *args):
        waiting = subprocess.Popen([EXPORTER, "wait", "-c", self.project.ini, "--component",
                                    "manager", "--interval", "200ms", *args],
                                   cwd=self.project.root, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        self.addCleanup(waiting.kill)
        self.addCleanup(waiting.stdout.close)
        self.addCleanup(waiting.stderr.close)
        return waiting

    def test_wait_returns_once_a_background_upgrade_has_committed(self):
        waiting = self.wait_command("--timeout", "2m")
        upgrade = self.start_upgrade()
        out, err = waiting.communicate(timeout=90)
        self.assertEqual(waiting.returncode, 0, err)
        self.assertEqual(self.project.current(), self.heads)  # not before the commit
        self.assertEqual(upgrade.wait(timeout=60), 0)
        lines = out.splitlines()
        self.assertRegex(lines[0], r"Z manager: behind \(3 pending\)$")
        self.assertRegex(out, r"manager: behind \(3 pending\); migration running since .+ "
                              r"\(pid \d+, application deploy-migrate\)\n")
        self.assertRegex(lines[-1], r"Z manager: behind → up_to_date$")
        self.assertNotIn("\r", out)  # no progress line when stdout is not a terminal

    def test_wait_exits_at_once_when_already_there(self):
        waiting = self.wait_command("--until", "behind,no_revision")
        out, err = waiting.communicate(timeout=30)
        self.assertEqual((waiting.returncode, err), (0, ""))
        self.assertRegex(out, r"^\S+Z manager: behind \(3 pending\)\n$")

    def test_wait_times_out_with_its_own_code_after_the_final_report(self):
        waiting = self.wait_command("--timeout", "1s", "--plain")
        out, err = waiting.communicate(timeout=30)
        self.assertEqual(waiting.returncode, 75)
        self.assertIn("\nDatabase Status: Behind\nComponent: manager\n", out)
        self.assertIn("Status: 3 migrations pending.\n", out)
        self.assertEqual(err, "alembic_exporter wait: timed out after 1s\n")

    def test_wait_stops_promptly_on_sigterm_and_sigint(self):
        for number, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
            waiting = self.wait_command("--timeout", "5m")
            self.assertIn("manager: behind", waiting.stdout.readline())
            sent = time.monotonic()
            waiting.send_signal(number)
            self.assertEqual(waiting.wait(timeout=10), code)
            self.assertLess(time.monotonic() - sent, 2)
            self.assertIn("stopped by SIG", waiting.stderr.read())

    def test_state_since_survives_a_reload(self):
        def since():
            return sample(self.daemon.metrics(), "alembic_state_since_timestamp_seconds",
                          component="manager")
        before = since()
        self.assertLessEqual(before, time.time())
        reloads = self.daemon.log().count("configuration reloaded")
        self.daemon.signal(signal.SIGHUP)
        self.daemon.wait_for(lambda: self.daemon.log().count("configuration reloaded") > reloads,
                             what="reload")
        checks = sample(self.daemon.metrics(), "alembic_last_check_timestamp_seconds",
                        component="manager")
        self.daemon.wait_for(lambda: sample(self.daemon.metrics(),
                                            "alembic_last_check_timestamp_seconds",
                                            component="manager") > checks, what="a new check")
        self.assertEqual(since(), before)


if __name__ == "__main__":
    unittest.main()
