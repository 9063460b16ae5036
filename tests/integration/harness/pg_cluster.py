"""A throwaway PostgreSQL 15 cluster in a temporary directory (harness.throwaway_server).

initdb refuses to run as root, so under root every server command runs as the unprivileged
`postgres` user through runuser. The cluster also listens on a unix socket inside its directory.
"""

import os
import signal
import subprocess
import time
import urllib.parse

from harness.throwaway_server import ThrowawayServer

PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
SUPERUSER = "postgres"


def _as_server_user(command):
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--"] + command
    return command


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


class PostgresCluster(ThrowawayServer):
    """Context manager; `auth` is the pg_hba method for TCP and socket connections, `settings`
    extra server settings (e.g. {"max_connections": "250"}). `in_memory` puts the cluster in
    /dev/shm (tmpfs) where there is one: for hundreds of databases, whose gigabytes on disk the
    kernel would be writing back when the test ends, making their removal wait minutes for it."""

    NAME = "postgres"
    SERVER_USER = SUPERUSER
    DIRECTORY_PREFIX = "alembic-exporter-pg-"
    LOG_NAME = "postgres.log"

    def __init__(self, auth="trust", password=None, settings=None, in_memory=False):
        super().__init__()
        if in_memory and os.path.isdir("/dev/shm"):
            self.parent = "/dev/shm"
        self.auth = auth
        self.password = password
        self.settings = dict(settings or {})
        self._running = False

    @property
    def socket_dir(self):
        return os.path.join(self.directory, "socket")

    def _initialize(self):
        os.mkdir(self.socket_dir)
        self._give_to_server_user(self.socket_dir)
        initdb = [f"{PG_BIN}/initdb", "-D", self.data_dir, "-U", SUPERUSER, "-E", "UTF8",
                  "--locale=C", "--no-sync", f"--auth={self.auth}"]
        if self.password is not None:
            password_file = os.path.join(self.directory, "superuser-password")
            with open(password_file, "w") as handle:
                handle.write(self.password + "\n")
            self._give_to_server_user(password_file)
            initdb.append(f"--pwfile={password_file}")
        subprocess.run(_as_server_user(initdb), check=True, capture_output=True)

    def _launch(self):
        started = self._pg_ctl_start()
        self._running = started.returncode == 0
        return None if self._running else started.stderr

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

    def _stop_for_removal(self):
        self.stop(mode="immediate")

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
