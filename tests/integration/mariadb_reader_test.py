"""A throwaway MariaDB server, databases prepared by the real alembic (PyMySQL): `alembic_exporter
status` reports the state, reason and pending count alembic implies for each, through an exporter
user with SELECT on the version table only; every failure has its own reason; the session is
read-only; a session holding a write lock on the version table is a migration in progress;
passwords from the URL or a password file never reach the output."""

import os
import shutil
import socket
import tempfile
import threading
import time
import unittest

from harness.alembic_project import AlembicProject
from harness.engine_check import alembic_pending, exporter_status, probe_status
from harness.mariadb_server import MariadbServer
from harness.throwaway_server import free_port

PASSWORD = "s3cr3t-Pw_9x"


class MariadbReaderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = MariadbServer()
        cls.server.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-mariadb-")
        cls.project = AlembicProject(os.path.join(cls.root, "app"))
        cls.first = cls.project.revision("Create users", rev_id="aaa111")
        cls.project.revision("Add sessions", rev_id="bbb222")
        cls.project.revision("Add quotas", rev_id="ccc333")
        cls.scripts = cls.project.script_dir
        cls.prepare("up", "heads")
        cls.prepare("behind", cls.first)
        cls.prepare("empty", stamp="base")
        cls.prepare("fresh")
        cls.prepare("unknown", "heads")
        cls.server.sql("UPDATE alembic_version SET version_num = '0badc0ffee00'", "unknown")
        cls.prepare("locked", "heads")
        cls.prepare("migrating", cls.first)
        for name in ("fresh", "up"):
            cls.server.sql("CREATE TABLE users (id INT PRIMARY KEY)", name)
        # What an operator grants (docs/version-table-reader.md): SELECT on the version table
        # of each database, nothing else.
        cls.server.create_user("exporter", PASSWORD, [
            f"SELECT ON `{name}`.* " for name in
            ("up", "behind", "empty", "fresh", "unknown", "locked", "migrating")])
        cls.server.create_user("nobody_much", PASSWORD, ["SELECT ON `up`.`users`"])

    @classmethod
    def prepare(cls, name, target=None, stamp=None):
        cls.server.create_database(name)
        cls.project.set_option("sqlalchemy.url", cls.server.socket_url(name))
        if target:
            cls.project.upgrade(target)
        if stamp:
            cls.project.stamp(stamp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.server.remove()

    def url(self, database, **kwargs):
        return self.server.url(database, user="exporter", password=PASSWORD, **kwargs)

    def assert_like_alembic(self, database, state, reason):
        self.project.set_option("sqlalchemy.url", self.server.socket_url(database))
        current = self.project.current()
        status, result = exporter_status(self.scripts, self.url(database))
        self.assertEqual(result.stderr, "")
        self.assertEqual((status["state"], status["reason"]), (state, reason), status["detail"])
        self.assertEqual(status["pending"], alembic_pending(self.scripts, current))
        self.assertNotIn(PASSWORD, result.stdout)
        return status

    def test_states_like_alembic(self):
        for database, state, reason in [
                ("up", "up_to_date", None), ("behind", "behind", None),
                ("empty", "no_revision", "empty_table"), ("fresh", "no_revision", "table_missing")]:
            with self.subTest(database):
                self.assert_like_alembic(database, state, reason)

    def test_unknown_revision(self):
        status, _ = exporter_status(self.scripts, self.url("unknown"))
        self.assertEqual((status["state"], status["pending"]), ("unknown_revision", None))

    def test_diverged(self):
        project = AlembicProject(os.path.join(self.root, "branched"))
        base = project.revision("Base", rev_id="r00t00")
        project.revision("Left", rev_id="1eft00", head=base)
        project.revision("Right", rev_id="r1ght0", head=base, splice=True)
        self.server.create_database("branched")
        project.set_option("sqlalchemy.url", self.server.socket_url("branched"))
        project.upgrade(base)
        status, _ = exporter_status(project.script_dir, self.server.url("branched"))
        self.assertEqual((status["state"], status["pending"]),
                         ("diverged", alembic_pending(project.script_dir, [base])))

    def test_every_url_form(self):
        for driver in ("pymysql", "mysqldb", "aiomysql", "asyncmy"):
            with self.subTest(driver):
                status, _ = exporter_status(self.scripts, self.url("behind", driver=driver))
                self.assertEqual(status["state"], "behind")
        for scheme in ("mysql", "mariadb", "mariadb+mariadbconnector"):
            with self.subTest(scheme):
                url = f"{scheme}://exporter:{PASSWORD}@127.0.0.1:{self.server.port}/up"
                self.assertEqual(exporter_status(self.scripts, url)[0]["state"], "up_to_date")
        with self.subTest("unix_socket"):
            url = (f"mysql+pymysql://exporter:{PASSWORD}@localhost/up"
                   f"?unix_socket={self.server.socket}")
            status, _ = exporter_status(self.scripts, url)
            self.assertEqual(status["state"], "up_to_date")

    def assert_failure(self, url, reason, *extra, timeout_ms=None):
        if timeout_ms is None:
            status, result = exporter_status(self.scripts, url, *extra)
            self.assertNotIn(PASSWORD, result.stdout + result.stderr)
        else:
            status = probe_status(self.scripts, url, timeout_ms=timeout_ms)
        self.assertEqual((status["state"], status["reason"]), ("unreachable", reason),
                         status["detail"])
        self.assertIsNone(status["pending"])
        self.assertNotIn(PASSWORD, status["detail"])
        return status

    def test_failure_reasons(self):
        port = self.server.port
        self.assert_failure(f"mysql://exporter:{PASSWORD}@127.0.0.1:{free_port()}/up",
                            "connection_refused")
        self.assert_failure(f"mysql://exporter:{PASSWORD}@nonexistent.invalid/up", "dns")
        self.assert_failure(f"mysql://exporter:wrong-{PASSWORD}@127.0.0.1:{port}/up",
                            "auth_failed")
        self.assert_failure(f"mysql://root@127.0.0.1:{port}/no_such_db", "database_missing")
        self.assert_failure(f"mysql://nobody_much:{PASSWORD}@127.0.0.1:{port}/up",
                            "permission_denied")
        self.assert_failure(self.url("up") + "?ssl_mode=REQUIRED", "ssl")

    def test_a_server_speaking_another_protocol_is_protocol(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        self.addCleanup(listener.close)

        def answer_garbage():
            connection, _ = listener.accept()
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            connection.close()
        threading.Thread(target=answer_garbage, daemon=True).start()
        self.assert_failure(f"mysql://exporter:{PASSWORD}@127.0.0.1:"
                            f"{listener.getsockname()[1]}/up", "protocol")

    def test_a_locked_table_is_a_timeout_within_the_budget(self):
        holder = self.server.connect("locked")
        self.addCleanup(holder.close)
        holder.cursor().execute("LOCK TABLES alembic_version WRITE")
        started = time.monotonic()
        self.assert_failure(self.url("locked"), "timeout", timeout_ms=1000)
        self.assertLess(time.monotonic() - started, 5)

    def test_password_file_replaces_the_url_password_and_stays_secret(self):
        password_file = os.path.join(self.root, "exporter-password")
        with open(password_file, "w") as handle:
            handle.write(PASSWORD + "\n")
        url = f"mysql+pymysql://exporter:wrong@127.0.0.1:{self.server.port}/up"
        config = os.path.join(self.root, "password-file.yaml")
        with open(config, "w") as handle:
            handle.write(f"components:\n  - name: app\n    script_location: {self.scripts}\n"
                         f"    database:\n      url: {url}\n"
                         f"      password_file: {password_file}\n")
        from harness.exporter import run_exporter
        result = run_exporter("status", "--config", config, "--component", "all",
                              "--output", "json")
        self.assertIn('"state":"up_to_date"', result.stdout, result.stderr)
        self.assertNotIn(PASSWORD, result.stdout + result.stderr)

    def test_the_session_is_read_only_and_bounded(self):
        """What the exporter's sessions ran, from the server's general query log."""
        self.server.sql("SET GLOBAL log_output = 'TABLE'")
        self.server.sql("SET GLOBAL general_log = 1")
        try:
            status = probe_status(self.scripts, self.url("up"), timeout_ms=2000)
        finally:
            self.server.sql("SET GLOBAL general_log = 0")
        self.assertEqual(status["state"], "up_to_date")
        sessions = self.server.sql(
            "SELECT thread_id FROM mysql.general_log WHERE command_type = 'Connect' AND "
            "argument LIKE 'exporter@%'")
        self.assertEqual(len(sessions), 1)
        statements = [row[0].decode() if isinstance(row[0], bytes) else row[0] for row in
                      self.server.sql("SELECT argument FROM mysql.general_log WHERE thread_id = "
                                      f"{sessions[0][0]} AND command_type = 'Query' "
                                      "ORDER BY event_time")]
        self.assertEqual(statements[0], "SET SESSION TRANSACTION READ ONLY")
        self.assertEqual(statements[1], "SET SESSION lock_wait_timeout = 2 /*M!100108 , SESSION "
                                        "max_statement_time = 2.000 */")
        self.assertTrue(statements[2].startswith("SELECT /*+ MAX_EXECUTION_TIME(2000) */ "
                                                 "version_num FROM `alembic_version`"), statements)
        for statement in statements:
            self.assertFalse(statement.upper().startswith(("INSERT", "UPDATE", "DELETE", "CREATE",
                                                           "DROP", "ALTER")), statement)

    def test_a_session_writing_the_version_table_is_a_migration_in_progress(self):
        url = self.url("migrating")
        self.assertIsNone(probe_status(self.scripts, url)["migration"])
        writer = self.server.connect("migrating")
        self.addCleanup(writer.close)
        with writer.cursor() as cursor:
            cursor.execute("SELECT CONNECTION_ID()")
            (writer_id,) = cursor.fetchone()
            cursor.execute("BEGIN")
            cursor.execute("UPDATE alembic_version SET version_num = version_num")
        # The exporter user needs to see other sessions' locks: performance_schema SELECT.
        self.server.sql("GRANT SELECT ON performance_schema.* TO 'exporter'@'%'")
        status = probe_status(self.scripts, url)
        self.assertEqual((status["state"], status["pending"]), ("behind", 2))
        self.assertIsNotNone(status["migration"], status)
        self.assertEqual(status["migration"]["pid"], writer_id)
        writer.rollback()
        self.assertIsNone(probe_status(self.scripts, url)["migration"])


if __name__ == "__main__":
    unittest.main()
