"""A real Prometheus server (Debian's) in a temporary directory, scraping given targets."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import yaml

from harness.throwaway_server import free_port


class PrometheusServer:
    """Context manager; `config` is a prometheus.yml as a dict."""

    def __init__(self, config):
        self.config = config
        self.directory = None
        self.process = None
        self.port = None

    def __enter__(self):
        self.directory = tempfile.mkdtemp(prefix="alembic-exporter-prometheus-")
        config_path = os.path.join(self.directory, "prometheus.yml")
        with open(config_path, "w") as handle:
            yaml.safe_dump(self.config, handle)
        self.port = free_port()
        self._log = open(os.path.join(self.directory, "prometheus.log"), "w")
        self.process = subprocess.Popen(
            ["prometheus", f"--config.file={config_path}",
             f"--storage.tsdb.path={self.directory}/data",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self._log, stderr=self._log)
        self.wait_for(lambda: self._ready(), 30, "prometheus ready")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2):
                return True
        except OSError:
            return False

    def query(self, expr):
        """The result list of an instant query; raises on a query error."""
        url = (f"http://127.0.0.1:{self.port}/api/v1/query?"
               + urllib.parse.urlencode({"query": expr}))
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = json.load(response)
        if answer["status"] != "success":
            raise AssertionError(f"query {expr!r} failed: {answer}")
        return answer["data"]["result"]

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.25)
        raise AssertionError(f"timed out waiting for {what}")
