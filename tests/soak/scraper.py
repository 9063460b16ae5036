"""A background thread that scrapes /metrics over and over, a new connection each time, and
records the status and latency of every request and any body that shows the password."""

import http.client
import threading
import time


class Scraper(threading.Thread):
    """`pause_seconds` between requests keeps it from taking a whole core of a shared machine;
    `paused()` holds it between requests (while the daemon's descriptors are counted)."""

    def __init__(self, port, secret, pause_seconds=0.01):
        super().__init__(name="scraper", daemon=True)
        self.port = port
        self.secret = secret.encode()
        self.pause_seconds = pause_seconds
        self.latencies = []
        self.failures = []  # (time.time(), status or exception text, seconds)
        self.leaks = 0
        self._request_lock = threading.Lock()
        self._stopping = threading.Event()

    def run(self):
        while not self._stopping.is_set():
            with self._request_lock:
                self._scrape()
            time.sleep(self.pause_seconds)

    def _scrape(self):
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/metrics")
            response = connection.getresponse()
            body = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            body, status = b"", f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        self.latencies.append(seconds)
        if status != 200:
            self.failures.append((time.time(), status, seconds))
        if self.secret in body:
            self.leaks += 1

    def paused(self):
        """A context manager; no request is in flight inside it."""
        return self._request_lock

    def stop(self):
        self._stopping.set()
        self.join()

    def summary(self):
        ordered = sorted(self.latencies)

        def percentile(fraction):
            return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

        return {"scrapes": len(ordered), "p50_ms": 1000 * percentile(0.50),
                "p99_ms": 1000 * percentile(0.99), "max_ms": 1000 * ordered[-1],
                "over_100ms": sum(seconds >= 0.1 for seconds in ordered),
                "failures": len(self.failures), "leaks": self.leaks}
