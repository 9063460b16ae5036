"""A throwaway MariaDB server in a temporary directory (harness.throwaway_server).

mariadb-install-db makes the data directory; mariadbd runs as the unprivileged `mysql` user (its
`--user`, when started as root), also on a unix socket inside the directory, with
performance_schema's metadata-lock instrument on. root has no password.
"""

import os
import subprocess
import time

from harness.throwaway_server import ThrowawayServer


class MariadbServer(ThrowawayServer):
    NAME = "mariadbd"
    SERVER_USER = "mysql"
    DIRECTORY_PREFIX = "alembic-exporter-mariadb-"
    LOG_NAME = "mariadbd.log"

    def __init__(self):
        super().__init__()
        self._process = None

    @property
    def socket(self):
        return os.path.join(self.directory, "mysqld.sock")

    def _as_server_user(self, command):
        if os.geteuid() == 0:
            return command + [f"--user={self.SERVER_USER}"]
        return command

    def _initialize(self):
        subprocess.run(self._as_server_user(
            ["mariadb-install-db", "--no-defaults", f"--datadir={self.data_dir}",
             "--auth-root-authentication-method=normal", "--skip-test-db"]),
            check=True, capture_output=True)

    def _launch(self):
        self._process = subprocess.Popen(
            self._as_server_user(
                ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={self.data_dir}",
                 f"--socket={self.socket}", f"--port={self.port}", "--bind-address=127.0.0.1",
                 f"--pid-file={self.directory}/mariadbd.pid", f"--log-error={self.log_file}",
                 "--skip-log-bin", "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M",
                 "--performance-schema=ON",
                 "--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON",
                 "--skip-name-resolve", "--innodb-flush-log-at-trx-commit=0"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return "mariadbd exited"  # the port was taken between probe and bind, or worse
            try:
                self.sql("SELECT 1")
                return None
            except Exception:  # not accepting connections yet
                time.sleep(0.1)
        return "no connection within 60 s"

    def stop(self):
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def _stop_for_removal(self):
        self.stop()

    # -- connecting -----------------------------------------------------------------------

    def connect(self, database=None, user="root", password=""):
        import pymysql  # only MariaDB tests need it
        return pymysql.connect(unix_socket=self.socket, user=user, password=password,
                               database=database, autocommit=True)

    def sql(self, statement, database=None):
        """Runs one statement as root over the unix socket; returns the rows."""
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall()
        finally:
            connection.close()

    def create_database(self, name):
        self.sql(f"CREATE DATABASE `{name}`")
        return name

    def create_user(self, user, password, grants):
        """`grants`: GRANT clauses such as "SELECT ON app.alembic_version"."""
        self.sql(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'")
        self.sql(f"CREATE USER '{user}'@'localhost' IDENTIFIED BY '{password}'")
        for grant in grants:
            self.sql(f"GRANT {grant} TO '{user}'@'%', '{user}'@'localhost'")

    def url(self, database, user="root", password=None, driver="pymysql"):
        """A SQLAlchemy URL over TCP."""
        credentials = user if password is None else f"{user}:{password}"
        return f"mysql+{driver}://{credentials}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database, user="root", driver="pymysql"):
        return f"mysql+{driver}://{user}@localhost/{database}?unix_socket={self.socket}"
