"""A background thread that scrapes /metrics over and over, a new connection each time, and
records the status and latency of every request and any body that shows the password.

It scrapes each target in turn: the daemon and a control, `http_server_probe` (the daemon's own
HTTP server serving one fixed snapshot, with no checks, databases or reloads behind it). When
both are slow at the same moments, the machine was starved, not the daemon. Its short pause
between rounds is a probe too: a 10 ms sleep that takes 100 ms or more means this process got
no CPU for that long."""

import http.client
import threading
import time

SLOW_SECONDS = 0.1  # the soak's bound for a scrape


class Target:
    """What the scrapes of one server gave."""

    def __init__(self, name, port):
        self.name = name
        self.port = port
        self.latencies = []
        self.failures = []  # (time.time(), status or exception text, seconds)
        self.slow = []  # (time.time(), seconds to connect, to the headers, in all) if slow
        self.leaks = 0

    def summary(self):
        ordered = sorted(self.latencies)

        def percentile(fraction):
            return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

        return {"scrapes": len(ordered), "p50_ms": 1000 * percentile(0.50),
                "p99_ms": 1000 * percentile(0.99), "max_ms": 1000 * ordered[-1],
                "over_100ms": len(self.slow), "failures": len(self.failures),
                "leaks": self.leaks}


class Scraper(threading.Thread):
    """`pause_seconds` between rounds keeps it from taking a whole core of a shared machine;
    `paused()` holds it between requests (while the daemon's descriptors are counted)."""

    def __init__(self, targets, secret, pause_seconds=0.01):
        super().__init__(name="scraper", daemon=True)
        self.targets = [Target(name, port) for name, port in targets]
        self.secret = secret.encode()
        self.pause_seconds = pause_seconds
        self.stalled_sleeps = 0  # pauses that took >= 100 ms
        self._request_lock = threading.Lock()
        self._stopping = threading.Event()

    def run(self):
        while not self._stopping.is_set():
            for target in self.targets:
                with self._request_lock:
                    self._scrape(target)
            started = time.perf_counter()
            time.sleep(self.pause_seconds)
            if time.perf_counter() - started >= SLOW_SECONDS:
                self.stalled_sleeps += 1

    def _scrape(self, target):
        started = time.perf_counter()
        connected = headers = started
        connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=5)
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
        target.latencies.append(seconds)
        if seconds >= SLOW_SECONDS:
            target.slow.append((time.time(), connected - started, headers - started, seconds))
        if status != 200:
            target.failures.append((time.time(), status, seconds))
        if self.secret in body:
            target.leaks += 1

    def paused(self):
        """A context manager; no request is in flight inside it."""
        return self._request_lock

    def stop(self):
        self._stopping.set()
        self.join()
