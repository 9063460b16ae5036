"""The daemon's own HTTP options, without a database: basic auth from `web_config_file`, and a
listen address that is taken (exit 1, the address named)."""

import base64
import os
import re
import socket
import tempfile
import unittest
import urllib.request

from harness.daemon import ExporterDaemon
from harness.exporter import run_exporter

# bcrypt of "correct horse" (cost 4 to keep the test fast), as in tests/unit/daemon.
HASH = "$2b$04$4WmS5TQ9deps..ROtA3oeeR0WOMugrENbD2Q55snCqY6eH3SsGCai"

CONFIG = """listen: [{listen}]
interval: 1s
timeout: 1s
log: stderr
{web}components:
  - name: app
    script_location: {root}/migrations
    database:
      url: postgresql://exporter@127.0.0.1:1/app
"""


def write_config(root, port=0, web="", listen=None):
    os.makedirs(os.path.join(root, "migrations", "versions"), exist_ok=True)
    path = os.path.join(root, "config.yaml")
    listen = listen or [f"127.0.0.1:{port}"]
    with open(path, "w") as handle:
        handle.write(CONFIG.format(listen=", ".join(f'"{a}"' for a in listen), web=web,
                                   root=root))
    return path


def basic(user, password):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class ServeHttpOptionsTest(unittest.TestCase):
    def test_basic_auth_from_the_web_config(self):
        with tempfile.TemporaryDirectory() as root:
            web = os.path.join(root, "web.yml")
            with open(web, "w") as handle:
                handle.write(f"basic_auth_users:\n  prometheus: {HASH}\n")
            with ExporterDaemon(write_config(root, web=f"web_config_file: {web}\n")) as daemon:
                status, headers, _ = daemon.get("/metrics")
                self.assertEqual(status, 401)
                self.assertIn("Basic", headers.get("WWW-Authenticate", ""))
                self.assertEqual(daemon.get("/metrics", basic("prometheus", "wrong"))[0], 401)
                status, _, body = daemon.get("/metrics", basic("prometheus", "correct horse"))
                self.assertEqual(status, 200)
                self.assertIn(b"alembic_exporter_build_info", body)
                log = daemon.log()
        self.assertNotIn("correct horse", log)
        self.assertNotIn(HASH, log)

    def test_a_taken_listen_address_exits_69_naming_it(self):
        with tempfile.TemporaryDirectory() as root, socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = run_exporter("serve", "--config", write_config(root, port=port), timeout=20)
        self.assertEqual(result.returncode, 69, result.stderr)
        self.assertIn(f"cannot listen on 127.0.0.1:{port}", result.stderr)


    def test_several_listen_addresses_all_answer(self):
        with tempfile.TemporaryDirectory() as root:
            config = write_config(root, listen=["127.0.0.1:0", "127.0.0.2:0"])
            with ExporterDaemon(config) as daemon:
                bound = re.search(r"listening on (\S+), (\S+) ", daemon.log()).groups()
                self.assertTrue(bound[0].startswith("127.0.0.1:"), bound)
                self.assertTrue(bound[1].startswith("127.0.0.2:"), bound)
                for address in bound:
                    with urllib.request.urlopen(f"http://{address}/healthz", timeout=5) as reply:
                        self.assertEqual(reply.status, 200)

    def test_ipv6_listen_address_is_refused_with_the_reason(self):
        with tempfile.TemporaryDirectory() as root:
            config = write_config(root, listen=["[::1]:0"])
            result = run_exporter("serve", "--config", config, timeout=20)
        self.assertEqual(result.returncode, 69, result.stderr)
        self.assertIn("cannot listen on [::1]:0: this civetweb build has no IPv6 support",
                      result.stderr)


    def test_open_file_soft_limit_is_raised_to_the_hard_limit(self):
        with tempfile.TemporaryDirectory() as root:
            with ExporterDaemon(write_config(root),
                                prefix=["prlimit", "--nofile=256:2048", "--"]) as daemon:
                with open(f"/proc/{daemon.process.pid}/limits") as handle:
                    limits = next(line for line in handle if line.startswith("Max open files"))
        self.assertEqual(limits.split()[3:5], ["2048", "2048"])


if __name__ == "__main__":
    unittest.main()
