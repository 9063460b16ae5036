"""The repo's scrape config, rules and Grafana dashboard against live data: the daemon serves
three components, a real Prometheus scrapes it with deploy/prometheus/scrape.yml and evaluates the
recording and alert rules, and every PromQL expression of the dashboard returns data."""

import os
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

from harness.daemon import ExporterDaemon
from harness.demo import EXPECTED, build_components, write_config
from harness.pg_cluster import PostgresCluster
from harness.prometheus_server import PrometheusServer

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
sys.path[:0] = [str(DEPLOY / "prometheus"), str(DEPLOY / "grafana")]

from check_scrape_configs import complete_config  # noqa: E402
from dashboard_queries import dashboard_queries, load_dashboard  # noqa: E402


class DashboardLiveTest(unittest.TestCase):
    def test_every_dashboard_query_returns_data(self):
        root = tempfile.mkdtemp(prefix="alembic-exporter-dashboard-")
        try:
            with PostgresCluster() as cluster:
                config = write_config(cluster, root, build_components(cluster, root), 0)
                with ExporterDaemon(config) as daemon:
                    prometheus_config = complete_config(DEPLOY / "prometheus" / "scrape.yml",
                                                        targets=[f"127.0.0.1:{daemon.port}"])
                    prometheus_config["global"] = {"scrape_interval": "1s",
                                                   "evaluation_interval": "1s"}
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
                        component_filter = "|".join(EXPECTED)
                        queries = dashboard_queries(load_dashboard(),
                                                    {"component": component_filter})
                        self.assertGreater(len(queries), 5)
                        for query in queries:
                            with self.subTest(query.source):
                                self.assertTrue(prometheus.query(query.expr),
                                                f"{query.source}: no data for {query.expr}")
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
