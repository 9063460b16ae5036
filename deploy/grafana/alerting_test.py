"""The Grafana-managed alert rules say what deploy/prometheus/alerts.yml says, in Grafana's terms.

Independent of how deploy/generate.py builds them: same alerts, expressions, durations, labels and
annotation keys; uids Grafana accepts; conditions that name a query of the rule.
"""

import re
import unittest
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1]
# Grafana's util.ValidateUID.
GRAFANA_UID = re.compile(r"^[a-zA-Z0-9_-]{1,40}$")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class GrafanaAlertingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prometheus = load(DEPLOY / "prometheus" / "alerts.yml")["groups"]
        cls.grafana = load(DEPLOY / "grafana" / "provisioning" / "alerting" /
                           "alembic-exporter.yml")
        cls.grafana_rules = {rule["title"]: rule
                             for group in cls.grafana["groups"] for rule in group["rules"]}

    def test_provisioning_file_version(self):
        self.assertEqual(self.grafana["apiVersion"], 1)

    def test_same_groups_and_intervals(self):
        self.assertEqual([(group["name"], group["interval"]) for group in self.grafana["groups"]],
                         [(group["name"], group["interval"]) for group in self.prometheus])

    def test_every_prometheus_alert_has_an_equivalent_grafana_rule(self):
        alerts = [rule for group in self.prometheus for rule in group["rules"]]
        self.assertEqual(sorted(self.grafana_rules), sorted(rule["alert"] for rule in alerts))
        for alert in alerts:
            rule = self.grafana_rules[alert["alert"]]
            queries = [query for query in rule["data"] if query["datasourceUid"] != "__expr__"]
            self.assertEqual(len(queries), 1, alert["alert"])
            self.assertEqual(queries[0]["model"]["expr"], alert["expr"], alert["alert"])
            self.assertTrue(queries[0]["model"]["instant"], alert["alert"])
            self.assertEqual(rule["for"], alert["for"], alert["alert"])
            self.assertEqual(rule["labels"], alert["labels"], alert["alert"])
            self.assertEqual(set(rule["annotations"]), set(alert["annotations"]), alert["alert"])
            self.assertEqual(rule["noDataState"], "OK", alert["alert"])

    def test_uids_and_conditions_are_valid(self):
        uids = [rule["uid"] for rule in self.grafana_rules.values()]
        self.assertEqual(len(uids), len(set(uids)))
        for title, rule in self.grafana_rules.items():
            self.assertRegex(rule["uid"], GRAFANA_UID, title)
            self.assertIn(rule["condition"], [query["refId"] for query in rule["data"]], title)

    def test_templates_use_grafana_variables(self):
        for title, rule in self.grafana_rules.items():
            for key, text in rule["annotations"].items():
                # Prometheus's $value is a text listing every expression in Grafana.
                self.assertNotRegex(text, r"\$value\b", f"{title} {key}")
                # Grafana would replace ${...} with an environment variable.
                self.assertNotIn("${", text, f"{title} {key}")

    def test_datasource_comes_from_the_environment(self):
        for title, rule in self.grafana_rules.items():
            for query in rule["data"]:
                self.assertIn(query["datasourceUid"], ("__expr__", "${PROMETHEUS_DATASOURCE_UID}"),
                              title)


if __name__ == "__main__":
    unittest.main()
