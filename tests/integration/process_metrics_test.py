"""The process_* families of a running `alembic_exporter serve`, compared with what /proc says
about the same process, in plain and gzip responses (decoded by Python and by curl), and checked
by promtool."""

import gzip
import os
import subprocess
import sys
import tempfile
import time
import unittest

from harness.daemon import StandaloneDaemon, sample

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy"))
from metric_catalog import EXPORTED_METRICS, STANDARD_PROCESS_METRICS  # noqa: E402

PROMTOOL_CHECK_METRICS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                      "promtool_check_metrics.sh")
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGESIZE")


def proc_stat(pid):
    """(cpu seconds, start ticks, virtual bytes, resident bytes) from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 of proc(5): utime 14, stime 15, starttime 22, vsize 23, rss 24.
    return ((int(fields[11]) + int(fields[12])) / TICKS, int(fields[19]), int(fields[20]),
            int(fields[21]) * PAGE)


def soft_open_file_limit(pid):
    with open(f"/proc/{pid}/limits", encoding="ascii") as limits:
        for line in limits:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    raise AssertionError("no 'Max open files' in /proc/<pid>/limits")


class ProcessMetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = StandaloneDaemon(interval="500ms")
        cls.daemon.start()
        cls.pid = cls.daemon.process.pid

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()

    def test_values_match_proc_of_the_daemon(self):
        before = proc_stat(self.pid)
        metrics = self.daemon.metrics()
        after = proc_stat(self.pid)
        fds = len(os.listdir(f"/proc/{self.pid}/fd"))

        cpu = sample(metrics, "process_cpu_seconds_total")
        self.assertLessEqual(before[0], cpu)
        self.assertLessEqual(cpu, after[0])
        # starttime counts clock ticks from boot; the boot's Unix time is REALTIME - BOOTTIME.
        boot = time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_BOOTTIME)
        self.assertAlmostEqual(sample(metrics, "process_start_time_seconds"),
                               boot + before[1] / TICKS, delta=0.05)
        for name, index in (("process_virtual_memory_bytes", 2),
                            ("process_resident_memory_bytes", 3)):
            value = sample(metrics, name)
            self.assertGreater(value, 0, name)
            # Threads and allocations move these between the two reads; a 10% band around them.
            self.assertGreaterEqual(value, 0.9 * min(before[index], after[index]), name)
            self.assertLessEqual(value, 1.1 * max(before[index], after[index]), name)
        # The scrape's own connection may still be open or already closed.
        self.assertLessEqual(abs(sample(metrics, "process_open_fds") - fds), 2)
        self.assertEqual(sample(metrics, "process_max_fds"), soft_open_file_limit(self.pid))

    def test_every_scrape_reads_the_process_anew(self):
        first = sample(self.daemon.metrics(), "process_cpu_seconds_total")
        # Burn CPU in the daemon: each scrape renders the families and reads /proc.
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            self.daemon.get("/metrics")
        self.assertGreater(sample(self.daemon.metrics(), "process_cpu_seconds_total"), first)

    def test_gzip_body_is_the_plain_body_for_python_and_curl(self):
        status, headers, compressed = self.daemon.get("/metrics", {"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("Content-Encoding"), "gzip")
        text = gzip.decompress(compressed).decode()
        self.assertIn("# TYPE process_open_fds gauge\nprocess_open_fds ", text)
        self.assertIn("alembic_up{component=\"app\"} 0\n", text)
        self.assertTrue(text.endswith("\n"))
        curl = subprocess.run(["curl", "-sS", "--fail", "--compressed", "--max-time", "10",
                               f"http://127.0.0.1:{self.daemon.port}/metrics"],
                              capture_output=True, text=True, check=True)
        self.assertIn("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ",
                      curl.stdout)
        self.assertIn("alembic_up{component=\"app\"} 0\n", curl.stdout)

    def test_promtool_accepts_the_whole_exposition(self):
        _, _, body = self.daemon.get("/metrics")
        with tempfile.NamedTemporaryFile(suffix=".prom") as exposition:
            exposition.write(body)
            exposition.flush()
            # The lint suite's wrapper: promtool, accepting only the two _count gauges of docs/CONTRACT.md.
            checked = subprocess.run([PROMTOOL_CHECK_METRICS, exposition.name],
                                     capture_output=True, check=False)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        families = [line.split()[2] for line in body.decode().splitlines()
                    if line.startswith("# TYPE ")]
        self.assertEqual(len(families), len(set(families)))
        # deploy/metric_catalog.py, which the rules and dashboard tests trust, knows them all.
        self.assertLessEqual(STANDARD_PROCESS_METRICS, set(families))
        self.assertLessEqual(set(families), EXPORTED_METRICS)


if __name__ == "__main__":
    unittest.main()
