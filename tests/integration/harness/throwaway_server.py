"""What every throwaway database server of the tests shares.

A server lives in a temporary directory owned by its unprivileged user (when running as root:
PostgreSQL's initdb refuses root, mariadbd is not to run as it), listens on 127.0.0.1 at a free
port, and is stopped and its directory removed when the context ends, at interpreter exit, and on
SIGTERM (which is how meson ends a test that ran out of time). Subclasses say how their engine
makes a data directory, starts, and stops.
"""

import atexit
import os
import pwd
import shutil
import signal
import socket
import sys
import tempfile
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _exit_on_sigterm(signum, frame):
    sys.exit(128 + signum)


class ThrowawayServer:
    """Context manager. Subclasses set NAME, SERVER_USER, DIRECTORY_PREFIX and LOG_NAME and
    implement _initialize(), _launch() and _stop_for_removal()."""

    NAME = None
    SERVER_USER = None
    DIRECTORY_PREFIX = None
    LOG_NAME = None
    START_ATTEMPTS = 5

    def __init__(self):
        self.parent = None  # of the temporary directory; None: the default one
        self.directory = None
        self.port = None

    @property
    def data_dir(self):
        return os.path.join(self.directory, "data")

    @property
    def log_file(self):
        return os.path.join(self.directory, self.LOG_NAME)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.remove()

    def start(self):
        self.directory = tempfile.mkdtemp(prefix=self.DIRECTORY_PREFIX, dir=self.parent)
        atexit.register(self.remove)
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        os.chmod(self.directory, 0o755)
        self._give_to_server_user(self.directory)
        self._initialize()
        self._start_server()

    def _start_server(self):
        """Starts the server on its port (a restart keeps it), or on a free one when it has none
        or another process took it."""
        for attempt in range(self.START_ATTEMPTS):
            self.port = self.port or free_port()
            failure = self._launch()
            if failure is None:
                return
            self.port = None  # another process took the port between probe and bind
            time.sleep(0.1 * (attempt + 1))
        raise RuntimeError(f"{self.NAME} did not start: {failure}\n{self._log_tail()}")

    def remove(self):
        if self.directory is None:
            return
        self._stop_for_removal()
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def _give_to_server_user(self, path):
        if os.geteuid() == 0:
            server_user = pwd.getpwnam(self.SERVER_USER)
            os.chown(path, server_user.pw_uid, server_user.pw_gid)

    def _log_tail(self):
        try:
            with open(self.log_file) as handle:
                return handle.read()[-2000:]
        except OSError:
            return ""

    # -- what each engine does --------------------------------------------------------------

    def _initialize(self):
        """Makes the data directory."""
        raise NotImplementedError

    def _launch(self):
        """Starts the server on self.port and waits until it accepts connections: None once it
        does, otherwise why not (the port may have been taken meanwhile: it is tried again)."""
        raise NotImplementedError

    def _stop_for_removal(self):
        """Stops the server, if running, quickly: its data is about to be removed."""
        raise NotImplementedError
