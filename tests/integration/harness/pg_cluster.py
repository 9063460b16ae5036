"""A throwaway PostgreSQL 15 cluster in a temporary directory.

initdb refuses to run as root, so under root every server command runs as the unprivileged
`postgres` user. The cluster listens on 127.0.0.1 on a free port and on a unix socket inside its
directory; it is stopped and removed when the context ends, at interpreter exit, and on SIGTERM
(which is how meson ends a test that ran out of time).
"""

import atexit
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
SUPERUSER = "postgres"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command):
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--"] + command
    return command


def _exit_on_sigterm(signum, frame):
    sys.exit(128 + signum)


def _children(pid):
    """pids of the processes whose parent is `pid`."""
    children = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # exited meanwhile
            continue
        if fields[1] == str(pid):
            children.append(int(entry))
    return children


def _alive(pid):
    """False once `pid` has exited, even while it waits to be reaped (a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class PostgresCluster:
    """Context manager; `auth` is the pg_hba method for TCP and socket connections, `settings`
    extra server settings (e.g. {"max_connections": "250"}). `in_memory` puts the cluster in
    /dev/shm (tmpfs) where there is one: for hundreds of databases, whose gigabytes on disk the
    kernel would be writing back when the test ends, making their removal wait minutes for it."""

    def __init__(self, auth="trust", password=None, settings=None, in_memory=False):
        self.auth = auth
        self.password = password
        self.settings = dict(settings or {})
        self.parent = "/dev/shm" if in_memory and os.path.isdir("/dev/shm") else None
        self.port = None
        self.directory = None
        self._running = False

    @property
    def socket_dir(self):
        return os.path.join(self.directory, "socket")

    @property
    def data_dir(self):
        return os.path.join(self.directory, "data")

    @property
    def log_file(self):
        return os.path.join(self.directory, "postgres.log")

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.remove()

    def start(self):
        self.directory = tempfile.mkdtemp(prefix="alembic-exporter-pg-", dir=self.parent)
        atexit.register(self.remove)
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        os.chmod(self.directory, 0o755)
        os.mkdir(self.socket_dir)
        if os.geteuid() == 0:
            server_user = pwd.getpwnam(SUPERUSER)
            os.chown(self.directory, server_user.pw_uid, server_user.pw_gid)
            os.chown(self.socket_dir, server_user.pw_uid, server_user.pw_gid)
        initdb = [f"{PG_BIN}/initdb", "-D", self.data_dir, "-U", SUPERUSER, "-E", "UTF8",
                  "--locale=C", "--no-sync", f"--auth={self.auth}"]
        if self.password is not None:
            password_file = os.path.join(self.directory, "superuser-password")
            with open(password_file, "w") as handle:
                handle.write(self.password + "\n")
            if os.geteuid() == 0:
                os.chown(password_file, server_user.pw_uid, server_user.pw_gid)
            initdb.append(f"--pwfile={password_file}")
        subprocess.run(_as_server_user(initdb), check=True, capture_output=True)
        self._start_server()

    def _start_server(self):
        for attempt in range(5):
            self.port = self.port or free_port()
            started = self._pg_ctl_start()
            if started.returncode == 0:
                self._running = True
                return
            self.port = None  # another process took the port between probe and bind
            time.sleep(0.1 * (attempt + 1))
        raise RuntimeError(f"postgres did not start: {started.stderr}\n{self._log_tail()}")

    def _pg_ctl_start(self):
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off -c synchronous_commit=off")
        options += "".join(f" -c {key}={value}" for key, value in self.settings.items())
        return subprocess.run(
            _as_server_user([f"{PG_BIN}/pg_ctl", "-D", self.data_dir, "-l", self.log_file,
                             "-w", "-t", "30", "-o", options, "start"]),
            capture_output=True, text=True)

    def stop(self, mode="fast"):
        if self._running:
            subprocess.run(_as_server_user([f"{PG_BIN}/pg_ctl", "-D", self.data_dir, "-m", mode,
                                            "-w", "stop"]), capture_output=True)
            self._running = False

    def restart(self):
        self.stop()
        self._start_server()

    def crash(self):
        """kill -9 of the postmaster, as a crash would do it; returns once the postmaster and the
        server processes it had started have exited (they notice its death by themselves)."""
        with open(os.path.join(self.data_dir, "postmaster.pid")) as handle:
            postmaster = int(handle.readline())
        processes = [postmaster, *_children(postmaster)]
        os.kill(postmaster, signal.SIGKILL)
        self._running = False
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in processes):
            if time.monotonic() > deadline:
                raise RuntimeError(f"server processes still alive 30 s after kill -9: {processes}")
            time.sleep(0.02)

    def recover(self, timeout=30):
        """Starts the server again after `crash()` on the same port (crash recovery). Retries
        while the new postmaster still finds the old one's lock file or shared memory in use:
        the killed processes are only reaped by init a moment after they exited."""
        deadline = time.monotonic() + timeout
        while True:
            started = self._pg_ctl_start()
            if started.returncode == 0:
                self._running = True
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres did not recover: {started.stderr}\n"
                                   f"{self._log_tail()}")
            time.sleep(0.1)

    def remove(self):
        if self.directory is None:
            return
        self.stop(mode="immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def _log_tail(self):
        try:
            with open(self.log_file) as handle:
                return handle.read()[-2000:]
        except OSError:
            return ""

    # -- connecting -----------------------------------------------------------------------

    def libpq_uri(self, database, user=SUPERUSER, password=None, host="127.0.0.1"):
        credentials = user if password is None else f"{user}:{password}"
        return f"postgresql://{credentials}@{host}:{self.port}/{database}"

    def socket_uri(self, database, user=SUPERUSER):
        return f"postgresql://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def sqlalchemy_url(self, database, user=SUPERUSER):
        """A URL for the real alembic (psycopg2 over the cluster's unix socket), with the
        superuser's password when the cluster has one."""
        if user == SUPERUSER and self.password is not None:
            user = f"{user}:{urllib.parse.quote(self.password, safe='')}"
        return (f"postgresql+psycopg2://{user}@/{database}"
                f"?host={self.socket_dir}&port={self.port}")

    def psql(self, sql, database="postgres", user=SUPERUSER):
        """Runs SQL as the superuser over the unix socket; returns stdout (tuples only)."""
        env = dict(os.environ, PGPASSWORD=self.password or "")
        result = subprocess.run(
            [f"{PG_BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", self.socket_dir, "-p", str(self.port), "-U", user, "-d", database,
             "-c", sql],
            capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return result.stdout

    def lock_table(self, table, database):
        """An open psycopg2 connection whose transaction holds ACCESS EXCLUSIVE on `table`, so
        that every other session reading it blocks; rollback() or close() releases it."""
        import psycopg2  # only the tests that block a check need it
        connection = psycopg2.connect(host=self.socket_dir, port=self.port, user=SUPERUSER,
                                      dbname=database)
        connection.cursor().execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        return connection

    def blocked_sessions(self, application_name):
        """Queries of `application_name` sessions now waiting for a lock."""
        return self.psql("SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                         f"AND application_name = '{application_name}'").splitlines()

    def create_database(self, name):
        self.psql(f'CREATE DATABASE "{name}"')
        return name
