"""A throwaway MariaDB server in a temporary directory.

mariadb-install-db makes the data directory; mariadbd runs as the unprivileged `mysql` user (when
started as root) on 127.0.0.1 at a free port and on a unix socket inside the directory, with
performance_schema's metadata-lock instrument on. root has no password. The server is stopped and
the directory removed when the context ends, at interpreter exit, and on SIGTERM (how meson ends a
test that ran out of time).
"""

import atexit
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

from harness.pg_cluster import _exit_on_sigterm, free_port

SERVER_USER = "mysql"


class MariadbServer:
    def __init__(self):
        self.directory = None
        self.port = None
        self._process = None

    @property
    def socket(self):
        return os.path.join(self.directory, "mysqld.sock")

    @property
    def data_dir(self):
        return os.path.join(self.directory, "data")

    @property
    def log_file(self):
        return os.path.join(self.directory, "mariadbd.log")

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.remove()

    def _as_server_user(self, command):
        if os.geteuid() == 0:
            return command + [f"--user={SERVER_USER}"]
        return command

    def start(self):
        self.directory = tempfile.mkdtemp(prefix="alembic-exporter-mariadb-")
        atexit.register(self.remove)
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        os.chmod(self.directory, 0o755)
        if os.geteuid() == 0:
            server_user = pwd.getpwnam(SERVER_USER)
            os.chown(self.directory, server_user.pw_uid, server_user.pw_gid)
        subprocess.run(self._as_server_user(
            ["mariadb-install-db", "--no-defaults", f"--datadir={self.data_dir}",
             "--auth-root-authentication-method=normal", "--skip-test-db"]),
            check=True, capture_output=True)
        for attempt in range(5):
            self.port = free_port()
            if self._start_server():
                return
            time.sleep(0.1 * (attempt + 1))
        raise RuntimeError(f"mariadbd did not start:\n{self._log_tail()}")

    def _start_server(self):
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
                return False  # the port was taken between probe and bind, or worse
            try:
                self.sql("SELECT 1")
                return True
            except Exception:  # not accepting connections yet
                time.sleep(0.1)
        return False

    def stop(self):
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def remove(self):
        if self.directory is None:
            return
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def _log_tail(self):
        try:
            with open(self.log_file) as handle:
                return handle.read()[-2000:]
        except OSError:
            return ""

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
