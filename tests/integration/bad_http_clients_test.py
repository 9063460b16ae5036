"""The real daemon against misbehaving HTTP clients: huge headers and URLs, unknown methods, and
slow clients that stall half-way through their request line. Each is answered (or dropped) and
/metrics keeps answering. The one component reads an unreachable database, so no PostgreSQL is
needed."""

import socket
import time
import unittest

from harness.daemon import StandaloneDaemon


def status_of(response):
    """The status code of a raw HTTP response, or None when the server sent nothing."""
    if not response:
        return None
    return int(response.split(b" ", 2)[1])


class BadHttpClientsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = StandaloneDaemon()
        cls.daemon.start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5)

    def exchange(self, request):
        """Sends raw bytes; the response up to the server's close, or b"" if it just closed."""
        with self.connect() as connection:
            try:
                connection.sendall(request)
                connection.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server answered and closed before the request ended
            response = b""
            try:
                while chunk := connection.recv(65536):
                    response += chunk
            except ConnectionResetError:
                pass
            return response

    def assert_metrics_answer_within(self, seconds):
        started = time.monotonic()
        status, _, body = self.daemon.get("/metrics")
        elapsed = time.monotonic() - started
        self.assertEqual(status, 200)
        self.assertIn(b"alembic_exporter_", body)
        self.assertLess(elapsed, seconds)
        return elapsed

    def test_oversized_request_headers_are_refused(self):
        header = b"X-Filler: " + b"a" * 65536 + b"\r\n"
        response = self.exchange(b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n")
        status = status_of(response)
        self.assertTrue(status is None or 400 <= status < 500, response[:200])
        self.assert_metrics_answer_within(0.1)

    def test_a_20_kib_url_is_refused(self):
        response = self.exchange(b"GET /metrics?" + b"a" * 20480 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        status = status_of(response)
        self.assertTrue(status is None or 400 <= status < 500, response[:200])
        self.assert_metrics_answer_within(0.1)

    def test_write_methods_are_not_allowed(self):
        for method in (b"POST", b"PUT", b"DELETE", b"PATCH"):
            with self.subTest(method=method):
                response = self.exchange(method + b" /metrics HTTP/1.1\r\nHost: x\r\n"
                                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                self.assertEqual(status_of(response), 405, response[:200])
                self.assertIn(b"\r\nAllow: GET, HEAD\r\n", response)

    def test_unknown_methods_are_client_errors(self):
        for method in (b"POST", b"PUT", b"DELETE", b"FOO"):
            with self.subTest(method=method):
                response = self.exchange(method + b" /metrics HTTP/1.1\r\nHost: x\r\n"
                                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                status = status_of(response)
                self.assertIsNotNone(status)
                self.assertTrue(400 <= status < 500, response[:200])
                self.assertNotIn(b"alembic_exporter_", response)
                self.assert_metrics_answer_within(0.1)

    def test_stalled_clients_do_not_starve_scrapes(self):
        stalled = []
        try:
            for _ in range(20):
                connection = self.connect()
                connection.sendall(b"GET /metr")
                stalled.append(connection)
            time.sleep(0.2)  # let the server hand them to its workers
            slowest = 0.0
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                slowest = max(slowest, self.assert_metrics_answer_within(1.0))
                time.sleep(0.1)
        finally:
            for connection in stalled:
                connection.close()
        print(f"slowest scrape with 20 stalled clients: {slowest * 1000:.0f} ms")


if __name__ == "__main__":
    unittest.main()
