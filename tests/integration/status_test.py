"""`alembic_exporter status` against real databases prepared by the real alembic: the text and
JSON report of every state (golden files), exit codes, --plain/NO_COLOR and --verbose."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from harness.alembic_project import AlembicProject
from harness.exporter import run_exporter
from harness.golden import assert_golden
from harness.pg_cluster import PG_BIN, PostgresCluster
from harness.throwaway_server import free_port


def normalized_json(text, root):
    document = json.loads(text)
    for component in document["components"]:
        component["checked_at"] = "<TIME>"
        component["check_duration_seconds"] = "<DURATION>"
    return json.dumps(document, indent=2, ensure_ascii=False).replace(root, "<ROOT>") + "\n"


class StatusStatesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-status-")
        cls.project = AlembicProject(os.path.join(cls.root, "manager"))
        cls.project.revision("Create users table", rev_id="abc123def456")
        cls.project.revision("Add session status field", rev_id="bcd234efa567")
        cls.project.revision("Add domain fair share", rev_id="def456ghi789")
        cls.databases = {}
        for state in ("up_to_date", "behind", "no_revision", "unknown_revision", "locked"):
            cls.databases[state] = cls.cluster.create_database(state)
        cls._upgrade("up_to_date", "heads")
        cls._upgrade("locked", "heads")
        cls._upgrade("behind", "abc123def456")
        cls._upgrade("unknown_revision", "heads")
        cls.cluster.psql("UPDATE alembic_version SET version_num = '0badc0ffee00'",
                         database="unknown_revision")

        cls.diverged = AlembicProject(os.path.join(cls.root, "appproxy"))
        cls.diverged.revision("Create circuits", rev_id="a1b2c3d4e5f6")
        cls.diverged.revision("Add worker table", rev_id="b2c3d4e5f6a7", head="a1b2c3d4e5f6")
        cls.diverged.revision("Add endpoint table", rev_id="c3d4e5f6a7b8", head="a1b2c3d4e5f6",
                              splice=True)
        cls.cluster.create_database("diverged")
        cls.diverged.set_option("sqlalchemy.url", cls.cluster.sqlalchemy_url("diverged"))
        cls.diverged.upgrade("a1b2c3d4e5f6")

        cls.broken = os.path.join(cls.root, "broken")
        shutil.copytree(cls.project.script_dir, cls.broken)
        with open(os.path.join(cls.broken, "versions", "0f0f_add_x.py"), "w") as handle:
            handle.write('"""Add x"""\nrevision = "0f0f"\ndown_revision = \'def456ghi789\n')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.cluster.remove()

    @classmethod
    def _upgrade(cls, database, target):
        cls.project.set_option("sqlalchemy.url", cls.cluster.sqlalchemy_url(database))
        cls.project.upgrade(target)

    def status(self, *args, **kwargs):
        return run_exporter("status", *args, **kwargs)

    def check_state(self, name, args, expected_code):
        text = self.status(*args)
        self.assertEqual(text.returncode, expected_code, text.stderr)
        self.assertEqual(text.stderr, "")
        assert_golden(self, f"status/{name}.txt",
                      re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text.stdout.replace(self.root, "<ROOT>")))
        as_json = self.status(*args, "--output", "json")
        self.assertEqual(as_json.returncode, expected_code, as_json.stderr)
        normalized = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT",
                            normalized_json(as_json.stdout, self.root))
        assert_golden(self, f"status/{name}.json", normalized)
        return json.loads(as_json.stdout)["components"][0]

    def ini_args(self, database):
        return ["-c", self.project.ini, "--component", "manager",
                "--database", self.cluster.libpq_uri(database)]

    def test_up_to_date(self):
        component = self.check_state("up_to_date", self.ini_args("up_to_date"), 0)
        self.assertEqual(component["pending"], 0)

    def test_behind(self):
        component = self.check_state("behind", self.ini_args("behind"), 1)
        self.assertEqual(component["pending"], 2)
        self.assertEqual([r["revision"] for r in component["pending_revisions"]],
                         ["bcd234efa567", "def456ghi789"])

    def test_no_revision(self):
        component = self.check_state("no_revision", self.ini_args("no_revision"), 1)
        self.assertEqual(component["reason"], "table_missing")

    def test_unknown_revision(self):
        self.check_state("unknown_revision", self.ini_args("unknown_revision"), 2)

    def test_diverged(self):
        component = self.check_state(
            "diverged", ["-c", self.diverged.ini, "--component", "appproxy",
                         "--database", self.cluster.libpq_uri("diverged")], 2)
        self.assertEqual(component["pending"], 2)

    def test_unreachable(self):
        port = free_port()
        component = self.check_state(
            "unreachable", ["-c", self.project.ini, "--component", "manager",
                            "--database", f"postgresql://exporter:s3cret-pw@127.0.0.1:{port}/x"],
            3)
        self.assertEqual(component["reason"], "connection_refused")

    def test_script_error(self):
        component = self.check_state(
            "script_error", ["--script-location", self.broken, "--component", "manager",
                             "--database", self.cluster.libpq_uri("up_to_date")], 2)
        self.assertEqual(component["script"]["errors"][0]["kind"], "parse_error")

    def test_password_never_printed(self):
        port = free_port()
        for output in ("text", "json"):
            result = self.status("-c", self.project.ini, "--output", output, "--database",
                                 f"postgresql://exporter:s3cret-pw@127.0.0.1:{port}/x")
            self.assertNotIn("s3cret-pw", result.stdout + result.stderr)

    def test_plain_and_no_color_drop_the_glyph(self):
        args = self.ini_args("behind")
        self.assertTrue(self.status(*args).stdout.startswith("⚠️ Database Status: Behind\n"))
        self.assertTrue(self.status(*args, "--plain").stdout.startswith("Database Status: Behind\n"))
        self.assertTrue(self.status(*args, env={"NO_COLOR": "1"}).stdout
                        .startswith("Database Status: Behind\n"))

    def test_verbose_lists_pending_in_apply_order(self):
        result = self.status(*self.ini_args("behind"), "--verbose")
        self.assertIn("Status: 2 migrations pending.\nPending Revisions:\n"
                      "  bcd234efa567 (Add session status field)\n"
                      "  def456ghi789 (Add domain fair share)\n", result.stdout)

    def test_current_replaces_the_database(self):
        result = self.status("--script-location", self.project.script_dir,
                             "--current", "abc123def456", "--output", "json")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(json.loads(result.stdout)["components"][0]["pending"], 2)
        fresh = self.status("--script-location", self.project.script_dir, "--current", "none")
        self.assertEqual(fresh.returncode, 1)
        self.assertIn("Current Revision: None\n", fresh.stdout)

    def test_timeout_bounds_a_blocked_check(self):
        locker = subprocess.Popen(
            [os.path.join(PG_BIN, "psql"), "-X", "-q", "-h", self.cluster.socket_dir, "-p",
             str(self.cluster.port), "-U", "postgres", "-d", "locked", "-c",
             "BEGIN; LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20);"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            started = time.monotonic()
            result = self.status(*self.ini_args("locked"), "--timeout", "1s",
                                 "--output", "json")
            elapsed = time.monotonic() - started
        finally:
            locker.kill()
            locker.wait()
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(json.loads(result.stdout)["components"][0]["reason"], "timeout")
        self.assertLess(elapsed, 2.5)

    def test_usage_errors_exit_64(self):
        self.assertEqual(self.status("--timeout", "5x", "-c", self.project.ini).returncode, 64)
        self.assertEqual(self.status("--output", "yaml", "-c", self.project.ini).returncode, 64)
        self.assertEqual(self.status("--bogus").returncode, 64)


if __name__ == "__main__":
    unittest.main()
