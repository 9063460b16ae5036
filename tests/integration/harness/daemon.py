"""`alembic_exporter serve` as a child process: started on a free port, stopped at the end."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from harness.exporter import EXPORTER


class ExporterDaemon:
    """Context manager; `port` is read back from the daemon's "listening on" log line, found in
    its stderr or, when it logs elsewhere, in the text `listening_log()` returns. `prefix` comes
    before the command (e.g. a shell that sets variables and execs it, keeping the pid);
    `stderr` replaces the log file as the daemon's stderr."""

    def __init__(self, config_path, env=None, args=(), prefix=(), listening_log=None,
                 stderr=None):
        self.config_path = config_path
        self.env = env or {}
        self.args = list(args)
        self.prefix = list(prefix)
        self.listening_log = listening_log or self.log
        self.stderr = stderr
        self.process = None
        self.port = None
        self._log = tempfile.NamedTemporaryFile(prefix="alembic-exporter-log-", delete=False)
        self.log_path = self._log.name

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        self._log.close()
        os.unlink(self._log.name)

    def start(self, timeout=20):
        environment = dict(os.environ)
        environment.pop("JOURNAL_STREAM", None)
        environment.pop("NOTIFY_SOCKET", None)
        environment.update(self.env)
        self.process = subprocess.Popen(
            [*self.prefix, EXPORTER, "serve", "--config", self.config_path, *self.args],
            stdout=subprocess.DEVNULL, stderr=self.stderr or self._log, env=environment)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r"listening on [^ ]*:(\d+)", self.listening_log())
            if match:
                self.port = int(match.group(1))
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"daemon exited {self.process.returncode}:\n{self.log()}")
            time.sleep(0.05)
        raise RuntimeError(f"daemon did not listen within {timeout}s:\n{self.log()}")

    def log(self):
        with open(self._log.name, errors="replace") as handle:
            return handle.read()

    def signal(self, number):
        self.process.send_signal(number)

    def stop(self, timeout=5):
        """SIGTERM; returns (exit code, seconds it took)."""
        if self.process is None or self.process.poll() is not None:
            return (self.process.returncode if self.process else None, 0.0)
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        return code, time.monotonic() - started

    def get(self, path, headers=None):
        """(status, headers, body bytes) of GET http://127.0.0.1:port/path."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                         headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def metrics(self):
        """The current exposition parsed into {(name, frozenset(labels)): value}."""
        status, _, body = self.get("/metrics")
        assert status == 200, status
        samples = {}
        for line in body.decode().splitlines():
            if not line or line.startswith("#"):
                continue
            match = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
            labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(3) or ""))
            samples[(match.group(1), labels)] = float(match.group(4))
        return samples

    def wait_for(self, predicate, timeout=15, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; log:\n{self.log()}")


class StandaloneDaemon(ExporterDaemon):
    """A daemon whose one component, `app`, has an empty script directory and a database that
    refuses connections (127.0.0.1:1): for tests of the process and its HTTP side, which need no
    PostgreSQL. Its directory (`root`) is removed by `stop()`."""

    def __init__(self, interval="1s"):
        self.root = tempfile.mkdtemp(prefix="alembic-exporter-standalone-")
        os.makedirs(os.path.join(self.root, "migrations", "versions"))
        config = os.path.join(self.root, "config.yaml")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(f'listen: ["127.0.0.1:0"]\ninterval: {interval}\nlog: stderr\n'
                         f"components:\n  - name: app\n"
                         f"    script_location: {self.root}/migrations\n"
                         f"    database:\n      url: postgresql://x@127.0.0.1:1/x\n")
        super().__init__(config)

    def stop(self, timeout=5):
        result = super().stop(timeout)
        shutil.rmtree(self.root, ignore_errors=True)
        return result


def sample(metrics, name, **labels):
    return metrics.get((name, frozenset(labels.items())))


def discovered_targets(metrics):
    """{(component, database, schema): labels of its alembic_status series at 1} of every target
    found by discovery (issue 18: they carry a `database` label; `schema` is "" for a database)
    in an exposition parsed by ExporterDaemon.metrics()."""
    found = {}
    for (name, labels), value in metrics.items():
        labels = dict(labels)
        if name == "alembic_status" and value == 1 and "database" in labels:
            found[(labels["component"], labels["database"], labels.get("schema", ""))] = labels
    return found
