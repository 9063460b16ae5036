"""The HTTP server: routes, gzip, TLS, client certificates and basic auth, checked with curl.

Runs tests/integration/http_server_probe.cpp (HttpServer with one fixed snapshot) against
certificates made here with the openssl CLI.
"""

import gzip
import json
import os
import socket
import subprocess
import tempfile
import unittest

PROBE = os.environ["HTTP_SERVER_PROBE"]
# bcrypt of "correct horse" (Python's crypt module, cost 4 to keep the test fast).
ALICE_HASH = "$2b$04$4WmS5TQ9deps..ROtA3oeeR0WOMugrENbD2Q55snCqY6eH3SsGCai"
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(directory, name):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.crt", "-days", "2",
            "-subj", f"/CN={name}", cwd=directory)


def make_cert(directory, name, ca, extensions):
    with open(os.path.join(directory, f"{name}.ext"), "w") as ext:
        ext.write(extensions + "\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}",
            cwd=directory)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.crt",
            cwd=directory)


class Probe:
    """http_server_probe running until the context exits; `port` once it listens."""

    def __init__(self, web_config=None):
        self.args = [PROBE] + ([web_config] if web_config else [])

    def __enter__(self):
        self.process = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=10)
            raise AssertionError(f"probe did not start: {self.process.stderr.read()}")
        self.port = int(line)
        return self

    def __exit__(self, *exc):
        self.process.stdin.close()
        returncode = self.process.wait(timeout=10)
        errors = self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
        # A crash in a civetweb thread, or a sanitizer report, shows up here.
        if returncode != 0:
            raise AssertionError(f"probe exited with {returncode}: {errors}")


class Response:
    def __init__(self, returncode, status, headers, body):
        self.returncode, self.status, self.headers, self.body = returncode, status, headers, body


def curl(url, *args):
    """curl's exit code, the status, the last response's headers (lower-case names), the body."""
    with tempfile.TemporaryDirectory() as work:
        head, body = os.path.join(work, "head"), os.path.join(work, "body")
        done = subprocess.run(["curl", "-sS", "--max-time", "10", "-D", head, "-o", body,
                               "-w", "%{http_code}", *args, url],
                              capture_output=True, text=True)
        headers = {}
        if os.path.exists(head):
            with open(head, encoding="latin-1") as lines:
                for line in lines:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
        content = b""
        if os.path.exists(body):
            with open(body, "rb") as data:
                content = data.read()
        return Response(done.returncode, int(done.stdout or 0), headers, content)


class PlainHttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.probe = Probe().__enter__()
        cls.base = f"http://127.0.0.1:{cls.probe.port}"

    @classmethod
    def tearDownClass(cls):
        cls.probe.__exit__(None, None, None)

    def test_metrics_are_text_exposition_0_0_4(self):
        response = curl(self.base + "/metrics")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.headers["content-type"], METRICS_TYPE)
        self.assertIn(b'alembic_pending_migrations{component="manager"} 2', response.body)

    def test_metrics_are_gzipped_when_asked(self):
        compressed = curl(self.base + "/metrics", "-H", "Accept-Encoding: gzip")
        self.assertEqual(compressed.headers.get("content-encoding"), "gzip")
        self.assertIn(b"alembic_up", gzip.decompress(compressed.body))
        decoded = curl(self.base + "/metrics", "--compressed")
        self.assertEqual(decoded.status, 200)
        self.assertIn(b"alembic_up", decoded.body)
        plain = curl(self.base + "/metrics")
        self.assertNotIn("content-encoding", plain.headers)

    def test_status_is_the_json_document(self):
        response = curl(self.base + "/status")
        self.assertEqual(response.status, 200)
        document = json.loads(response.body)
        self.assertEqual(document["components"][0]["name"], "manager")
        self.assertEqual(document["components"][0]["state"], "behind")

    def test_healthz_and_landing_page(self):
        self.assertEqual(curl(self.base + "/healthz").status, 200)
        landing = curl(self.base + "/")
        self.assertEqual(landing.status, 200)
        self.assertIn(b"<td>manager</td>", landing.body)

    def test_unknown_path_is_404(self):
        self.assertEqual(curl(self.base + "/metrics/extra").status, 404)
        self.assertEqual(curl(self.base + "/nope").status, 404)

    def test_oversized_header_is_refused_and_the_server_keeps_answering(self):
        request = (b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 20000 +
                   b"\r\n\r\n")
        with socket.create_connection(("127.0.0.1", self.probe.port), timeout=10) as connection:
            try:
                connection.sendall(request)
                reply = connection.recv(4096)
            except (ConnectionResetError, BrokenPipeError):
                reply = b""
        if reply:
            self.assertRegex(reply.split(b"\r\n")[0], rb"^HTTP/1\.[01] 4\d\d ")
        self.assertEqual(curl(self.base + "/healthz").status, 200)


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.dir = cls.work.name
        make_ca(cls.dir, "ca")
        make_ca(cls.dir, "other-ca")
        make_cert(cls.dir, "server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        make_cert(cls.dir, "client", "ca", "extendedKeyUsage=clientAuth")
        make_cert(cls.dir, "stranger", "other-ca", "extendedKeyUsage=clientAuth")

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def web_config(self, text):
        path = os.path.join(self.dir, "web.yml")
        with open(path, "w") as config:
            config.write(text)
        return path

    def tls_probe(self, extra=""):
        # Relative paths: resolved against the web config's directory, not the working directory.
        return Probe(self.web_config(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + extra))

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_tls_serves_the_routes(self):
        with self.tls_probe() as probe:
            base = f"https://127.0.0.1:{probe.port}"
            metrics = curl(base + "/metrics", "--cacert", self.path("ca.crt"))
            self.assertEqual(metrics.returncode, 0)
            self.assertEqual(metrics.status, 200)
            self.assertEqual(metrics.headers["content-type"], METRICS_TYPE)
            self.assertEqual(curl(base + "/healthz", "--cacert", self.path("ca.crt")).status, 200)
            # An unknown CA is not trusted by curl: proves the server really presents server.crt.
            self.assertNotEqual(curl(base + "/healthz").returncode, 0)

    def test_plain_http_to_the_tls_port_fails(self):
        with self.tls_probe() as probe:
            response = curl(f"http://127.0.0.1:{probe.port}/metrics")
            self.assertTrue(response.returncode != 0 or response.status >= 400,
                            (response.returncode, response.status))
            self.assertNotIn(b"alembic_up", response.body)

    def test_min_version_is_enforced(self):
        ca = self.path("ca.crt")
        with self.tls_probe() as probe:  # default min_version TLS12
            url = f"https://127.0.0.1:{probe.port}/healthz"
            self.assertNotEqual(curl(url, "--cacert", ca, "--tls-max", "1.1").returncode, 0)
            self.assertEqual(curl(url, "--cacert", ca, "--tls-max", "1.2").status, 200)
        with self.tls_probe("  min_version: TLS13\n") as probe:
            url = f"https://127.0.0.1:{probe.port}/healthz"
            self.assertNotEqual(curl(url, "--cacert", ca, "--tls-max", "1.2").returncode, 0)
            self.assertEqual(curl(url, "--cacert", ca, "--tlsv1.3").status, 200)

    def test_max_version_is_enforced(self):
        ca = self.path("ca.crt")
        with self.tls_probe("  max_version: TLS12\n") as probe:
            url = f"https://127.0.0.1:{probe.port}/healthz"
            self.assertNotEqual(curl(url, "--cacert", ca, "--tlsv1.3").returncode, 0)
            self.assertEqual(curl(url, "--cacert", ca, "--tlsv1.2").status, 200)

    def test_client_certificate_required_and_verified(self):
        ca = self.path("ca.crt")
        with self.tls_probe("  client_ca_file: ca.crt\n"
                            "  client_auth_type: RequireAndVerifyClientCert\n") as probe:
            url = f"https://127.0.0.1:{probe.port}/metrics"
            self.assertNotEqual(curl(url, "--cacert", ca).status, 200)
            accepted = curl(url, "--cacert", ca, "--cert", self.path("client.crt"),
                            "--key", self.path("client.key"))
            self.assertEqual(accepted.status, 200)
            stranger = curl(url, "--cacert", ca, "--cert", self.path("stranger.crt"),
                            "--key", self.path("stranger.key"))
            self.assertNotEqual(stranger.status, 200)
            self.assertEqual(curl(url.replace("/metrics", "/healthz"), "--cacert", ca,
                                  "--cert", self.path("client.crt"),
                                  "--key", self.path("client.key")).status, 200)

    def test_client_certificate_requested_but_optional(self):
        ca = self.path("ca.crt")
        with self.tls_probe("  client_ca_file: ca.crt\n"
                            "  client_auth_type: VerifyClientCertIfGiven\n") as probe:
            url = f"https://127.0.0.1:{probe.port}/healthz"
            self.assertEqual(curl(url, "--cacert", ca).status, 200)
            self.assertNotEqual(curl(url, "--cacert", ca, "--cert", self.path("stranger.crt"),
                                     "--key", self.path("stranger.key")).status, 200)

    def test_mismatched_key_stops_the_start_naming_the_file(self):
        config = self.web_config("tls_server_config:\n  cert_file: server.crt\n"
                                 "  key_file: client.key\n")
        done = subprocess.run([PROBE, config], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=30)
        self.assertEqual(done.returncode, 1)
        self.assertIn("cannot load key_file " + self.path("client.key") + ": ", done.stderr)
        self.assertIn("key values mismatch", done.stderr)
        self.assertNotIn("PRIVATE KEY", done.stderr)

    def test_bad_web_config_is_reported_with_its_position(self):
        config = self.web_config("tls_server_config:\n  cert_file: server.crt\n"
                                 "  key_file: server.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n")
        done = subprocess.run([PROBE, config], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=30)
        self.assertEqual(done.returncode, 78)
        self.assertIn(config + ":4:3: 'cipher_suites' is not supported", done.stderr)


class BasicAuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        config = os.path.join(cls.work.name, "web.yml")
        with open(config, "w") as out:
            out.write(f"basic_auth_users:\n  alice: {ALICE_HASH}\n")
        cls.probe = Probe(config).__enter__()
        cls.base = f"http://127.0.0.1:{cls.probe.port}"

    @classmethod
    def tearDownClass(cls):
        cls.probe.__exit__(None, None, None)
        cls.work.cleanup()

    def test_right_password_is_let_in(self):
        response = curl(self.base + "/metrics", "-u", "alice:correct horse")
        self.assertEqual(response.status, 200)
        self.assertIn(b"alembic_up", response.body)
        self.assertEqual(curl(self.base + "/nope", "-u", "alice:correct horse").status, 404)

    def test_wrong_or_missing_credentials_get_401(self):
        for args in ([], ["-u", "alice:wrong"], ["-u", "mallory:correct horse"],
                     ["-H", "Authorization: Basic !!!"]):
            with self.subTest(args=args):
                response = curl(self.base + "/metrics", *args)
                self.assertEqual(response.status, 401)
                self.assertIn("Basic", response.headers.get("www-authenticate", ""))
                self.assertNotIn(b"alembic_up", response.body)


if __name__ == "__main__":
    unittest.main()
