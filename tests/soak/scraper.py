"""A background thread that scrapes /metrics over and over, a new connection each time, and
records the status and latency of every request and any body that shows the password. Its
short pause between requests doubles as a probe of the machine: a 10 ms sleep that takes
100 ms or more means this process got no CPU for that long, whatever the daemon did."""

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
        self.slow = []  # (time.time(), seconds to connect, to the headers, in all) of >= 100 ms
        self.stalled_sleeps = 0  # pauses that took >= 100 ms
        self._request_lock = threading.Lock()
        self._stopping = threading.Event()

    def run(self):
        while not self._stopping.is_set():
            with self._request_lock:
                self._scrape()
            started = time.perf_counter()
            time.sleep(self.pause_seconds)
            if time.perf_counter() - started >= 0.1:
                self.stalled_sleeps += 1

    def _scrape(self):
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connected = headers = started
        try:
            connection.connect()
            connected = time.perf_counter()
            connection.request("GET", "/metrics")
            response = connection.getresponse()
            headers = time.perf_counter()
            body = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            body, status = b"", f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        self.latencies.append(seconds)
        if seconds >= 0.1:
            self.slow.append((time.time(), connected - started, headers - started, seconds))
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
                "failures": len(self.failures), "leaks": self.leaks,
                "stalled_sleeps": self.stalled_sleeps}
