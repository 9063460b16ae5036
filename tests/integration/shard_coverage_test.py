"""Two `serve --shard` replicas over 40 configured components: their component sets are disjoint,
together they are every component, and each is what Prometheus' hashmod (the last 8 bytes of the
MD5 of the name, big-endian, modulo 2) computed here with hashlib gives; `check-config --shard`
names the same split; a reload keeps the command-line shard over the file's. The components'
database refuses connections (127.0.0.1:1): a check that fails still has its series."""

import hashlib
import os
import shutil
import signal
import tempfile
import time
import unittest

from harness.daemon import ExporterDaemon, sample
from harness.exporter import run_exporter

NAMES = [f"tenant-{i:03}" for i in range(40)]


def hashmod(key, modulus):
    return int.from_bytes(hashlib.md5(key.encode()).digest()[8:], "big") % modulus


def write_config(path, script_dir, shard_block=""):
    components = "".join(f"  - name: {name}\n    script_location: {script_dir}\n"
                         f"    database:\n      url: postgresql://x@127.0.0.1:1/x\n"
                         for name in NAMES)
    with open(path, "w") as handle:
        handle.write(f'listen: ["127.0.0.1:0"]\ninterval: 1h\ntimeout: 2s\nlog: stderr\n'
                     f"{shard_block}components:\n{components}")


def checked_components(daemon):
    return {dict(labels)["component"] for (name, labels) in daemon.metrics()
            if name == "alembic_up"}


class ShardCoverageTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="alembic-exporter-shard-")
        os.makedirs(os.path.join(self.root, "migrations", "versions"))
        self.config = os.path.join(self.root, "config.yaml")
        write_config(self.config, os.path.join(self.root, "migrations"))
        self.expected = [{name for name in NAMES if hashmod(name, 2) == index} for index in (0, 1)]
        # Both shards get a fair part: a split this test cannot tell from "all" or "none".
        self.assertTrue(all(len(part) >= 10 for part in self.expected), self.expected)

    def tearDown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def test_two_replicas_split_the_components_like_hashmod(self):
        with ExporterDaemon(self.config, args=["--shard", "0/2"]) as first, \
                ExporterDaemon(self.config, args=["--shard", "1/2"]) as second:
            first.wait_for(lambda: checked_components(first) | checked_components(second)
                           == set(NAMES), what="every component checked by one replica")
            time.sleep(0.3)  # a replica checking too much would have finished by now
            parts = [checked_components(first), checked_components(second)]
            self.assertEqual(parts[0] & parts[1], set())
            self.assertEqual(parts[0] | parts[1], set(NAMES))
            self.assertEqual(parts, self.expected)
            for index, daemon in enumerate((first, second)):
                self.assertEqual(sample(daemon.metrics(), "alembic_exporter_shards",
                                        index=str(index)), 2)

    def test_check_config_names_what_the_shard_checks(self):
        for index in (0, 1):
            result = run_exporter("check-config", "--config", self.config, "--shard",
                                  f"{index}/2")
            self.assertEqual(result.returncode, 0, result.stderr)
            lines = dict(line[2:].split(": ", 1) for line in result.stdout.splitlines()
                         if line.startswith("# "))
            self.assertEqual(set(lines[f"shard {index}/2 checks"].split(", ")),
                             self.expected[index])
            self.assertEqual(set(lines["left to the other shards"].split(", ")),
                             self.expected[1 - index])
            self.assertIn(f"shard: {{index: {index}, count: 2}}", result.stdout)

    def test_a_reload_keeps_the_command_line_shard(self):
        with ExporterDaemon(self.config, args=["--shard", "1/2"]) as daemon:
            daemon.wait_for(lambda: checked_components(daemon) == self.expected[1],
                            what="shard 1's components")
            write_config(self.config, os.path.join(self.root, "migrations"),
                         "shard: {index: 0, count: 2}\n")
            daemon.signal(signal.SIGHUP)
            daemon.wait_for(lambda: "configuration reloaded" in daemon.log(), what="the reload")
            time.sleep(0.3)
            self.assertEqual(checked_components(daemon), self.expected[1])
            self.assertEqual(sample(daemon.metrics(), "alembic_exporter_shards", index="1"),
                             2)

    def test_the_file_shard_applies_without_the_option(self):
        write_config(self.config, os.path.join(self.root, "migrations"),
                     "shard: {index: 0, count: 2}\n")
        with ExporterDaemon(self.config) as daemon:
            daemon.wait_for(lambda: checked_components(daemon) == self.expected[0],
                            what="shard 0's components")

    def test_a_bad_shard_option_is_a_usage_error(self):
        result = run_exporter("serve", "--config", self.config, "--shard", "2/2")
        self.assertEqual(result.returncode, 64)
        self.assertEqual(result.stderr.splitlines()[0],
                         "alembic_exporter serve: --shard: shard index 2 is not one of the 2 "
                         "shards (expected 0 to 1)")


if __name__ == "__main__":
    unittest.main()
