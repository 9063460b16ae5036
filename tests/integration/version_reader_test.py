"""VersionTableReader against real PostgreSQL 15 servers, through version_reader_probe.

Every probe output (stdout and stderr) is checked for the test password in plain and
percent-encoded form: it must never appear.
"""

import json
import os
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

from harness.alembic_project import AlembicProject
from harness.pg_cluster import PG_BIN, PostgresCluster
from harness.throwaway_server import free_port

PROBE = os.environ["VERSION_READER_PROBE"]
SECRET = "s3cr:t@/pa%ss w?rd"
ENCODED_SECRET = urllib.parse.quote(SECRET, safe="")
# No password may reach libpq from the test environment or a ~/.pgpass.
PROBE_ENV = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
PROBE_ENV["PGPASSFILE"] = "/nonexistent/pgpass"


class ProbeCase(unittest.TestCase):
    def assert_no_secret(self, text):
        self.assertNotIn(SECRET, text)
        self.assertNotIn(ENCODED_SECRET, text)
        self.assertNotIn(urllib.parse.quote(SECRET), text)

    def probe(self, url, *options, timeout=60):
        """Runs the probe; returns the outcome lines (the redacted-URL line removed)."""
        result = subprocess.run([PROBE, *options, url], capture_output=True, text=True,
                                env=PROBE_ENV, timeout=timeout)
        self.assert_no_secret(result.stdout + result.stderr)
        self.assertIn(result.returncode, (0, 2), result.stderr)
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        return [line for line in lines if "url" not in line]

    def read(self, url, *options):
        outcomes = [line for line in self.probe(url, *options) if "reader" in line]
        self.assertEqual(len(outcomes), 1, outcomes)
        return outcomes[0]

    @staticmethod
    def stop_probe(process):
        process.stdin.close()  # the probe ends at end of input
        process.wait(timeout=10)
        process.stdout.close()

    def next_read(self, process):
        process.stdin.write("read\n")
        process.stdin.flush()
        line = process.stdout.readline()
        self.assert_no_secret(line)
        return json.loads(line)

    def assert_failure(self, outcome, reason):
        self.assertFalse(outcome["ok"], outcome)
        self.assertEqual(outcome["reason"], reason, outcome)


class VersionTableStatesTest(ProbeCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster(settings={"max_connections": "250"})
        cls.cluster.start()
        cls.work = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.remove()
        cls.work.cleanup()

    def database(self, name, *statements):
        self.cluster.create_database(name)
        for statement in statements:
            self.cluster.psql(statement, database=name)
        return self.cluster.libpq_uri(name)

    def test_fresh_database_without_version_table(self):
        outcome = self.read(self.database("fresh"))
        self.assertEqual(outcome, {**outcome, "ok": True, "table_missing": True, "revisions": []})

    def test_empty_version_table(self):
        url = self.database("empty", "CREATE TABLE alembic_version (version_num varchar(32))")
        outcome = self.read(url)
        self.assertEqual(outcome, {**outcome, "ok": True, "table_missing": False, "revisions": []})

    def test_revisions_written_by_real_alembic(self):
        self.cluster.create_database("migrated")
        project = AlembicProject(os.path.join(self.work.name, "migrated"),
                                 self.cluster.sqlalchemy_url("migrated"))
        first = project.revision("create users")
        second = project.revision("add email")
        url = self.cluster.libpq_uri("migrated")

        project.upgrade(first)  # behind: one migration pending
        self.assertEqual(self.read(url)["revisions"], [first])
        project.upgrade("heads")
        self.assertEqual(self.read(url)["revisions"], [second])

    def test_two_rows_in_a_table_without_primary_key(self):
        # Backend.AI's version table has no primary key; after a branch merge it holds 2 rows.
        url = self.database("backendai",
                            "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL)",
                            "INSERT INTO alembic_version VALUES ('ffff0001'), ('0000aaaa')")
        self.assertEqual(self.read(url)["revisions"], ["0000aaaa", "ffff0001"])

    def test_custom_table_and_schema_are_quoted(self):
        url = self.database("custom", 'CREATE SCHEMA "Ops"',
                            'CREATE TABLE "Ops"."schema versions" (version_num varchar(32))',
                            """INSERT INTO "Ops"."schema versions" VALUES ('abc')""",
                            "CREATE TABLE alembic_version (version_num varchar(32))")
        self.assertEqual(self.read(url, "--schema", "Ops", "--table", "schema versions")
                         ["revisions"], ["abc"])
        # Without a schema the session's search_path decides, here set through the URL's options.
        options = urllib.parse.quote('-c search_path="Ops"', safe="")
        self.assertEqual(self.read(f"{url}?options={options}", "--table", "schema versions")
                         ["revisions"], ["abc"])
        outcome = self.read(url, "--table", 'x"; DROP TABLE alembic_version; --')
        self.assertTrue(outcome["table_missing"], outcome)
        self.assertEqual(self.cluster.psql("SELECT count(*) FROM alembic_version",
                                           database="custom").strip(), "0")

    def test_session_is_read_only(self):
        url = self.database(
            "readonly", "CREATE TABLE writes (x int)",
            "CREATE FUNCTION sneaky() RETURNS SETOF varchar LANGUAGE plpgsql AS "
            "$$ BEGIN INSERT INTO writes VALUES (1); RETURN NEXT 'abc'; END $$",
            "CREATE VIEW alembic_version AS SELECT sneaky() AS version_num")
        outcome = self.read(url)
        self.assert_failure(outcome, "query_failed")
        self.assertIn("read-only transaction", outcome["detail"])

    def test_sqlalchemy_urls_and_unix_socket(self):
        self.database("dialects")
        port = self.cluster.port
        for url in (self.cluster.sqlalchemy_url("dialects"),  # postgresql+psycopg2, socket
                    f"postgresql+asyncpg://postgres:{ENCODED_SECRET}@127.0.0.1:{port}/dialects"
                    "?ssl=disable",
                    f"postgres://postgres@localhost:{port}/dialects?sslmode=disable",
                    self.cluster.socket_uri("dialects"),
                    f"host={self.cluster.socket_dir} port={port} dbname=dialects user=postgres"):
            with self.subTest(url=url):
                self.assertTrue(self.read(url)["table_missing"])

    def test_missing_unix_socket_is_refused(self):
        outcome = self.read("postgresql://postgres@/db?host=/nonexistent/socket/dir")
        self.assert_failure(outcome, "connection_refused")

    def test_missing_database(self):
        outcome = self.read(self.cluster.libpq_uri("no_such_db"))
        self.assert_failure(outcome, "database_missing")
        self.assertIn('"no_such_db" does not exist', outcome["detail"])

    def test_role_without_select(self):
        self.database("private", "CREATE TABLE alembic_version (version_num varchar(32))")
        self.cluster.psql("CREATE ROLE outsider LOGIN")
        outcome = self.read(self.cluster.libpq_uri("private", user="outsider"))
        self.assert_failure(outcome, "permission_denied")
        self.assertIn("alembic_version", outcome["detail"])

    def test_nothing_listening(self):
        port = free_port()
        outcome = self.read(f"postgresql://postgres:{ENCODED_SECRET}@127.0.0.1:{port}/db")
        self.assert_failure(outcome, "connection_refused")
        self.assertEqual(outcome["detail"], f"Connection refused to 127.0.0.1:{port}")

    def test_ipv6_literal_with_nothing_listening(self):
        port = free_port()
        outcome = self.read(f"postgresql://postgres@[::1]:{port}/db")
        self.assert_failure(outcome, "connection_refused")
        self.assertEqual(outcome["detail"], f"Connection refused to [::1]:{port}")

    def test_ssl_required_by_client_but_not_offered(self):
        outcome = self.read(self.cluster.libpq_uri("postgres") + "?sslmode=require")
        self.assert_failure(outcome, "ssl")
        self.assertIn("SSL", outcome["detail"])

    def test_silent_server_times_out_while_connecting(self):
        # The kernel completes the TCP handshake; nothing ever answers the startup packet.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            port = silent.getsockname()[1]
            outcome = self.read(f"postgresql://postgres@127.0.0.1:{port}/db", "--timeout-ms", "800")
        self.assert_failure(outcome, "timeout")
        self.assertEqual(outcome["detail"],
                         f"Timed out after 800 ms connecting to 127.0.0.1:{port}")
        self.assertGreaterEqual(outcome["elapsed_ms"], 800)
        self.assertLess(outcome["elapsed_ms"], 800 + 300)

    def test_unresolvable_host(self):
        outcome = self.read(f"postgresql://postgres:{ENCODED_SECRET}@nonexistent.invalid/db")
        self.assert_failure(outcome, "dns")
        self.assertEqual(outcome["detail"], "Cannot resolve host nonexistent.invalid")

    def test_unsupported_url_is_reported_masked(self):
        lines = self.probe(f"mysql://root:{ENCODED_SECRET}@localhost/db")
        self.assertEqual(len(lines), 1)
        self.assertIn("mysql://root:****@localhost/db", lines[0]["url_error"])

    def test_query_blocked_by_lock_times_out_and_is_cancelled(self):
        url = self.database("locked", "CREATE TABLE alembic_version (version_num varchar(32))")
        with self.lock_holder("locked"):
            outcome = self.read(url, "--timeout-ms", "1500")
            self.assert_failure(outcome, "timeout")
            self.assertGreaterEqual(outcome["elapsed_ms"], 1500)
            self.assertLess(outcome["elapsed_ms"], 1500 + 500)
            self.assert_no_reader_session("locked")

    def test_cancel_cancels_the_server_side_statement(self):
        url = self.database("cancelled", "CREATE TABLE alembic_version (version_num varchar(32))")
        with self.lock_holder("cancelled"):
            outcome = self.read(url, "--timeout-ms", "10000", "--cancel-after-ms", "700")
            self.assert_failure(outcome, "timeout")
            self.assertLess(outcome["elapsed_ms"], 2000)
            self.assert_no_reader_session("cancelled")
        # Cancelled by our cancel request, long before the 10 s statement_timeout.
        with open(self.cluster.log_file) as log:
            self.assertIn("canceling statement due to user request", log.read())

    def test_concurrent_reads_on_one_io_context(self):
        url = self.database("busy", "CREATE TABLE alembic_version (version_num varchar(32))",
                            "INSERT INTO alembic_version VALUES ('abc')")
        lines = self.probe(url, "--concurrent", "200", "--timeout-ms", "8000")
        outcomes = [line for line in lines if "reader" in line]
        self.assertEqual(sorted(line["reader"] for line in outcomes), list(range(200)))
        failures = [line for line in outcomes if not line["ok"] or line["revisions"] != ["abc"]]
        self.assertEqual(failures, [])
        self.assertEqual(lines[-1]["all_done"], 200)
        self.assertLess(lines[-1]["elapsed_ms"], 8000)

    # -- helpers ----------------------------------------------------------------------------

    def lock_holder(self, database):
        test = self

        class LockHolder:
            def __enter__(self):
                self.process = subprocess.Popen(
                    [f"{PG_BIN}/psql", "-X", "-q", "-h", test.cluster.socket_dir, "-p",
                     str(test.cluster.port), "-U", "postgres", "-d", database, "-c",
                     "BEGIN; LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE; "
                     "SELECT pg_sleep(60)"],
                    env=dict(os.environ, PGAPPNAME="lock_holder"),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                test.wait_for(lambda: test.cluster.psql(
                    "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' "
                    "AND relation = 'alembic_version'::regclass AND granted",
                    database=database).strip() == "1")
                return self

            def __exit__(self, *exc):
                test.cluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE application_name = 'lock_holder'")
                self.process.wait(timeout=10)

        return LockHolder()

    def assert_no_reader_session(self, database):
        """The reader's statement is gone from the server while the lock is still held."""
        query = ("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                 f"'alembic_exporter' AND datname = '{database}'")
        self.wait_for(lambda: self.cluster.psql(query).strip() == "0", seconds=1.0)

    def wait_for(self, condition, seconds=10.0):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                self.fail("condition not reached in time")
            time.sleep(0.05)


class AuthenticationTest(ProbeCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster(auth="scram-sha-256", password=SECRET)
        cls.cluster.start()
        cls.work = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.remove()
        cls.work.cleanup()

    def password_file(self, content):
        path = os.path.join(self.work.name, "password")
        with open(path, "w") as handle:
            handle.write(content)
        return path

    def url(self, password):
        return self.cluster.libpq_uri("postgres", password=urllib.parse.quote(password, safe=""))

    def test_percent_encoded_password_in_url(self):
        self.assertTrue(self.read(self.url(SECRET))["table_missing"])

    def test_password_in_keyword_string(self):
        escaped = SECRET.replace("\\", "\\\\").replace("'", "\\'")
        url = (f"host=127.0.0.1 port={self.cluster.port} dbname=postgres user=postgres "
               f"password='{escaped}'")
        self.assertTrue(self.read(url)["table_missing"])

    def test_wrong_password(self):
        outcome = self.read(self.url("wrong"))
        self.assert_failure(outcome, "auth_failed")
        self.assertIn("password authentication failed", outcome["detail"])

    def test_no_password(self):
        self.assert_failure(self.read(self.cluster.libpq_uri("postgres")), "auth_failed")

    def test_password_file_overrides_url_password(self):
        path = self.password_file(SECRET + "\n")
        self.assertTrue(self.read(self.url("wrong"), "--password-file", path)["table_missing"])

    def test_unreadable_password_file(self):
        outcome = self.read(self.url(SECRET), "--password-file", "/nonexistent/password")
        self.assert_failure(outcome, "auth_failed")
        self.assertIn("/nonexistent/password", outcome["detail"])


class AppDatabaseCase(ProbeCase):
    """A cluster of its own with a database `app` whose version table holds 'abc'."""

    def setUp(self):
        self.cluster = PostgresCluster()
        self.cluster.start()
        self.addCleanup(self.cluster.remove)
        self.cluster.create_database("app")
        self.cluster.psql("CREATE TABLE alembic_version (version_num varchar(32))",
                          database="app")
        self.cluster.psql("INSERT INTO alembic_version VALUES ('abc')", database="app")

    def start_probe(self, *options, url=None):
        process = subprocess.Popen([PROBE, "--stdin", *options,
                                    url or self.cluster.libpq_uri("app")],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   env=PROBE_ENV)
        self.addCleanup(self.stop_probe, process)
        self.assert_no_secret(process.stdout.readline())  # redacted URL
        return process


class KeptAliveConnectionTest(AppDatabaseCase):
    def reader_sessions(self):
        return int(self.cluster.psql("SELECT count(*) FROM pg_stat_activity "
                                     "WHERE application_name = 'alembic_exporter'"))

    def test_connection_is_kept_between_reads(self):
        process = self.start_probe()
        for _ in range(3):
            self.assertEqual(self.next_read(process)["revisions"], ["abc"])
        self.assertEqual(self.reader_sessions(), 1)

    def sessions_settle_at(self, expected, timeout=3):
        """The session count once it reaches `expected` (a closed session leaves
        pg_stat_activity a moment after the client hung up), or the last count seen."""
        deadline = time.monotonic() + timeout
        while True:
            count = self.reader_sessions()
            if count == expected or time.monotonic() > deadline:
                return count
            time.sleep(0.05)

    def test_no_keepalive_connects_per_read(self):
        process = self.start_probe("--no-keepalive")
        for _ in range(2):
            self.assertEqual(self.next_read(process)["revisions"], ["abc"])
            self.assertEqual(self.sessions_settle_at(0), 0)

    def test_server_stop_is_reported_and_the_reader_recovers(self):
        process = self.start_probe("--backoff-ms", "200", "--timeout-ms", "2000")
        self.assertEqual(self.next_read(process)["revisions"], ["abc"])

        self.cluster.stop()
        outcome = self.next_read(process)
        self.assert_failure(outcome, "connection_refused")
        self.assertEqual(outcome["detail"], f"Connection refused to 127.0.0.1:{self.cluster.port}")

        self.cluster.restart()  # same port
        deadline = time.monotonic() + 10
        while True:
            outcome = self.next_read(process)
            if outcome["ok"] or time.monotonic() > deadline:
                break
            self.assertEqual(outcome["reason"], "connection_refused")  # backing off
            time.sleep(0.1)
        self.assertEqual(outcome["revisions"], ["abc"])

    def test_a_restarted_server_is_reconnected_within_the_same_read(self):
        process = self.start_probe()
        self.assertEqual(self.next_read(process)["revisions"], ["abc"])
        self.cluster.restart()
        self.assertEqual(self.next_read(process)["revisions"], ["abc"])


# How a client connection to PostgreSQL begins (the first 8 bytes: length, then request code).
OPENINGS = {80877103: "tls request", 80877104: "gssapi request", 196608: "startup"}


class OpeningRecorder:
    """A TCP relay in front of a server that records how each client connection begins."""

    def __init__(self, server_port):
        self.server_port = server_port
        self.openings = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            first = client.recv(8, socket.MSG_PEEK | socket.MSG_WAITALL)
            code = struct.unpack("!II", first)[1] if len(first) == 8 else None
            self.openings.append(OPENINGS.get(code, f"code {code}"))
            server = socket.create_connection(("127.0.0.1", self.server_port))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class EncryptionProbesTest(AppDatabaseCase):
    """Under libpq's default sslmode=prefer, a server that declined TLS is not asked again by
    the next connections (collectors/postgres/encryption_probes.hpp), until it requires TLS."""

    def setUp(self):
        super().setUp()
        self.relay = OpeningRecorder(self.cluster.port)
        self.addCleanup(self.relay.close)

    def require_tls(self):
        certificate = os.path.join(self.cluster.directory, "server.crt")
        key = os.path.join(self.cluster.directory, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", certificate],
                       check=True, capture_output=True)
        os.chmod(key, 0o600)
        for path in (certificate, key):
            self.cluster._give_to_server_user(path)
        hba = os.path.join(self.cluster.data_dir, "pg_hba.conf")
        with open(hba) as handle:
            lines = handle.read().splitlines()
        with open(hba, "w") as handle:
            handle.write("\n".join("hostssl" + line[4:] if line.startswith("host ") else line
                                   for line in lines) + "\n")
        for setting in ("ssl = on", f"ssl_cert_file = '{certificate}'",
                        f"ssl_key_file = '{key}'"):
            self.cluster.psql(f"ALTER SYSTEM SET {setting}")
        self.cluster.psql("SELECT pg_reload_conf()")

    def test_a_declined_tls_request_is_not_repeated_until_the_server_requires_tls(self):
        process = self.start_probe(
            "--no-keepalive", url=f"postgresql://postgres@127.0.0.1:{self.relay.port}/app")
        for _ in range(3):
            self.assertEqual(self.next_read(process)["revisions"], ["abc"])
        self.assertEqual(self.relay.openings, ["tls request", "startup", "startup"])

        self.require_tls()
        # The remembered answer is stale: the plain connection is refused, and the same read
        # asks for TLS again and gets it.
        self.assertEqual(self.next_read(process)["revisions"], ["abc"])
        self.assertEqual(self.relay.openings[3:], ["startup", "tls request"])
        # With TLS in use there is nothing to skip.
        self.assertEqual(self.next_read(process)["revisions"], ["abc"])
        self.assertEqual(self.relay.openings[5:], ["tls request"])


if __name__ == "__main__":
    unittest.main()
