"""SQLite files prepared by the real alembic: `alembic_exporter status` reports the state, reason
and pending count alembic itself implies for each; the file is never created or written; a
relative `sqlite:///` of an ini resolves against the ini's directory; a writer holding the lock
is reported as a migration in progress; failures have their own reason."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

from harness.alembic_project import AlembicProject
from harness.engine_check import alembic_pending, exporter_status, probe_status
from harness.exporter import run_exporter

# Holds a write lock on a SQLite file until its stdin closes: "locked" once it has it.
LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
if sys.argv[2] == "wal":
    connection.execute("PRAGMA journal_mode=WAL")
connection.execute("BEGIN " + sys.argv[3])
connection.execute("UPDATE alembic_version SET version_num = version_num")
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest(), os.stat(path).st_mtime_ns


class SqliteReaderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-sqlite-")
        os.chmod(cls.root, 0o755)
        cls.project = AlembicProject(os.path.join(cls.root, "app"), url="sqlite:///app.db")
        cls.first = cls.project.revision("Create users", rev_id="aaa111")
        cls.project.revision("Add sessions", rev_id="bbb222")
        cls.project.revision("Add quotas", rev_id="ccc333")
        cls.scripts = cls.project.script_dir

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def database(self, name, target=None, stamp=None):
        """A database file prepared by the real alembic, and its sqlite:/// URL."""
        path = os.path.join(self.root, name + ".db")
        self.project.set_option("sqlalchemy.url", f"sqlite:///{path}")
        if target:
            self.project.upgrade(target)
        if stamp:
            self.project.stamp(stamp)
        return path, f"sqlite:///{path}"

    def assert_like_alembic(self, path, url, state, reason):
        self.project.set_option("sqlalchemy.url", url)
        current = self.project.current() if os.path.exists(path) else []
        before = digest(path)
        status, result = exporter_status(self.scripts, url)
        self.assertEqual(result.stderr, "")
        self.assertEqual((status["state"], status["reason"]), (state, reason))
        self.assertEqual(status["pending"], alembic_pending(self.scripts, current))
        self.assertEqual(digest(path), before, "the exporter changed the file")
        return status

    def test_up_to_date(self):
        self.assert_like_alembic(*self.database("up", "heads"), "up_to_date", None)

    def test_behind(self):
        status = self.assert_like_alembic(*self.database("behind", self.first), "behind", None)
        self.assertEqual(status["pending"], 2)

    def test_empty_version_table(self):
        self.assert_like_alembic(*self.database("empty", stamp="base"), "no_revision",
                                 "empty_table")

    def test_missing_version_table(self):
        path = os.path.join(self.root, "fresh.db")
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
        self.assert_like_alembic(path, f"sqlite:///{path}", "no_revision", "table_missing")

    def test_unknown_revision(self):
        path, url = self.database("unknown", "heads")
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '0badc0ffee00'")
        status, _ = exporter_status(self.scripts, url)
        self.assertEqual((status["state"], status["pending"]), ("unknown_revision", None))

    def test_diverged(self):
        project = AlembicProject(os.path.join(self.root, "branched"), url="sqlite:///b.db")
        base = project.revision("Base", rev_id="r00t00")
        project.revision("Left", rev_id="1eft00", head=base)
        project.revision("Right", rev_id="r1ght0", head=base, splice=True)
        project.upgrade(base)
        status, _ = exporter_status(project.script_dir,
                                    f"sqlite:///{os.path.join(project.root, 'b.db')}")
        self.assertEqual((status["state"], status["pending"]),
                         ("diverged", alembic_pending(project.script_dir, [base])))

    def test_missing_file_is_database_missing_and_is_not_created(self):
        path = os.path.join(self.root, "nowhere.db")
        status, _ = exporter_status(self.scripts, f"sqlite:///{path}")
        self.assertEqual((status["state"], status["reason"]), ("unreachable", "database_missing"))
        self.assertIn(path, status["detail"])
        self.assertFalse(os.path.exists(path))

    def test_unreadable_file_is_permission_denied(self):
        path, url = self.database("secret", "heads")
        os.chmod(path, 0o600)
        status = probe_status(self.scripts, url, user="nobody")  # root reads everything
        self.assertEqual((status["state"], status["reason"]), ("unreachable", "permission_denied"))

    def test_not_a_database_is_protocol(self):
        path = os.path.join(self.root, "text.db")
        with open(path, "w") as handle:
            handle.write("this is not a database file, but long enough to have a header\n" * 4)
        status, _ = exporter_status(self.scripts, f"sqlite:///{path}")
        self.assertEqual((status["state"], status["reason"]), ("unreachable", "protocol"))

    def hold_lock(self, path, mode, begin):
        holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, path, mode, begin],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(holder.wait)
        self.addCleanup(holder.stdin.close)
        self.assertEqual(holder.stdout.readline().strip(), "locked")
        return holder

    def test_exclusive_lock_is_a_timeout_within_the_budget(self):
        path, url = self.database("exclusive", "heads")
        self.hold_lock(path, "delete", "EXCLUSIVE")
        started = time.monotonic()
        status = probe_status(self.scripts, url, timeout_ms=700)
        self.assertEqual((status["state"], status["reason"]), ("unreachable", "timeout"))
        self.assertLess(time.monotonic() - started, 10)

    def test_writer_holding_the_lock_is_a_migration_in_progress(self):
        for mode in ("delete", "wal"):
            with self.subTest(mode):
                path, url = self.database("migrating-" + mode, self.first)
                idle = probe_status(self.scripts, url)
                self.assertIsNone(idle["migration"])
                holder = self.hold_lock(path, mode, "IMMEDIATE")
                status = probe_status(self.scripts, url)
                # The version table is still read (WAL: beside the writer; rollback journal:
                # a RESERVED lock lets readers in).
                self.assertEqual((status["state"], status["pending"]), ("behind", 2))
                self.assertIsNotNone(status["migration"])
                self.assertEqual(status["migration"]["pid"], holder.pid)
                self.assertEqual(status["migration"]["application_name"], "python3")
                holder.stdin.close()
                holder.wait()
                self.assertIsNone(probe_status(self.scripts, url)["migration"])

    def test_relative_url_of_an_ini_is_relative_to_the_ini_directory(self):
        project = AlembicProject(os.path.join(self.root, "relative"), url="sqlite:///data/app.db")
        project.revision("Only", rev_id="0n1y00")
        os.mkdir(os.path.join(project.root, "data"))
        project.upgrade("heads")  # alembic run from the ini's directory, as its users do
        result = run_exporter("status", "-c", project.ini, "--output", "json", cwd="/")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('"state":"up_to_date"', result.stdout)


if __name__ == "__main__":
    unittest.main()
