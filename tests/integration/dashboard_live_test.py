"""The repo's scrape config, rules and Grafana dashboard against live data: the daemon serves
three components, a real Prometheus scrapes it with deploy/prometheus/scrape.yml and evaluates the
recording and alert rules, and every PromQL expression of the dashboard returns data."""

import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import yaml

from harness.alembic_project import ALEMBIC
from harness.daemon import ExporterDaemon
from harness.demo import EXPECTED, build_components, write_config
from harness.pg_cluster import PostgresCluster
from harness.prometheus_server import PrometheusServer

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
sys.path[:0] = [str(DEPLOY / "prometheus"), str(DEPLOY / "grafana")]

from check_scrape_configs import complete_config  # noqa: E402
from dashboard_queries import dashboard_queries, load_dashboard  # noqa: E402


def fast_rules(rule_files, directory):
    """Copies of the rule files evaluated every second instead of every minute."""
    copies = []
    for path in rule_files:
        rules = yaml.safe_load(Path(path).read_text())
        for group in rules["groups"]:
            group["interval"] = "1s"
        copy = Path(directory) / Path(path).name
        copy.write_text(yaml.safe_dump(rules))
        copies.append(str(copy))
    return copies


def eventually(query, timeout=30):
    """The first non-empty result of `query()` within `timeout` seconds, else []."""
    deadline = time.monotonic() + timeout
    while True:
        result = query()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


class DashboardLiveTest(unittest.TestCase):
    def test_every_dashboard_query_returns_data(self):
        root = tempfile.mkdtemp(prefix="alembic-exporter-dashboard-")
        try:
            with PostgresCluster() as cluster:
                inis = build_components(cluster, root)
                config = write_config(cluster, root, inis, 0)
                with ExporterDaemon(config) as daemon:
                    prometheus_config = complete_config(DEPLOY / "prometheus" / "scrape.yml",
                                                        targets=[f"127.0.0.1:{daemon.port}"])
                    prometheus_config["global"] = {"scrape_interval": "1s",
                                                   "evaluation_interval": "1s"}
                    prometheus_config["rule_files"] = fast_rules(prometheus_config["rule_files"],
                                                                 root)
                    for job in prometheus_config["scrape_configs"]:
                        job["scrape_interval"] = "1s"
                        job["scrape_timeout"] = "1s"
                    with PrometheusServer(prometheus_config) as prometheus:
                        prometheus.wait_for(
                            lambda: len(prometheus.query(
                                'count_over_time(up{job="alembic_exporter"}[1m]) >= 5')) == 1,
                            60, "five scrapes")
                        self.assertEqual(
                            prometheus.query('up{job="alembic_exporter"}')[0]["value"][1], "1")
                        pending = prometheus.query(
                            'alembic_pending_migrations{component="accountmgr"}')
                        self.assertEqual(pending[0]["value"][1], "3")
                        # A real upgrade, so that the transition panels have something to show.
                        subprocess.run(ALEMBIC + ["-c", inis["accountmgr"], "upgrade", "heads"],
                                       cwd=Path(inis["accountmgr"]).parent, check=True,
                                       capture_output=True)
                        component_filter = "|".join(EXPECTED)
                        queries = dashboard_queries(load_dashboard(),
                                                    {"component": component_filter})
                        self.assertGreater(len(queries), 5)
                        for query in queries:
                            with self.subTest(query.source):
                                self.assertTrue(eventually(lambda: prometheus.query(query.expr)),
                                                f"{query.source}: no data for {query.expr}")
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
