"""Conventions of the alert and recording rules that promtool cannot check.

Every alert names only exported metrics, carries a severity and the annotations an on-call person
needs, and has promtool cases both firing and silent in alerts_test.yml. Needs deploy/ on
PYTHONPATH.
"""

import re
import unittest
from pathlib import Path

import yaml

from metric_catalog import (COMPONENT_METRICS, EXPORTED_METRICS, SCRAPE_METRICS, STATES,
                            referenced_metrics)

HERE = Path(__file__).resolve().parent


def load(name: str) -> dict:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


def rules(name: str) -> list[dict]:
    return [rule for group in load(name)["groups"] for rule in group["rules"]]


class AlertRulesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.alerts = rules("alerts.yml")
        cls.cases = [case for test in load("alerts_test.yml")["tests"]
                     for case in test.get("alert_rule_test", [])]

    def test_alerts_query_only_exported_metrics(self):
        for rule in self.alerts:
            metrics = referenced_metrics(rule["expr"])
            self.assertTrue(metrics, rule["alert"])
            self.assertLessEqual(metrics, EXPORTED_METRICS | SCRAPE_METRICS, rule["alert"])

    def test_state_matchers_name_real_states(self):
        for rule in self.alerts:
            for state in re.findall(r'state\s*=\s*"(\w+)"', rule["expr"]):
                self.assertIn(state, STATES, rule["alert"])

    def test_alerts_have_severity_and_runbook_annotations(self):
        for rule in self.alerts:
            self.assertIn(rule["labels"]["severity"], ("warning", "critical"), rule["alert"])
            self.assertLessEqual({"summary", "description", "runbook"},
                                 set(rule["annotations"]), rule["alert"])
            self.assertIn("alembic_exporter ", rule["annotations"]["runbook"], rule["alert"])

    def test_component_alerts_name_the_component(self):
        for rule in self.alerts:
            if referenced_metrics(rule["expr"]) & COMPONENT_METRICS:
                self.assertIn("$labels.component", rule["annotations"]["summary"], rule["alert"])

    def test_every_alert_has_firing_and_silent_promtool_cases(self):
        for rule in self.alerts:
            cases = [case for case in self.cases if case["alertname"] == rule["alert"]]
            self.assertTrue(any(case.get("exp_alerts") for case in cases),
                            f"{rule['alert']}: no promtool case where it fires")
            self.assertTrue(any(not case.get("exp_alerts") for case in cases),
                            f"{rule['alert']}: no promtool case where it stays silent")


class RecordingRulesTest(unittest.TestCase):
    def test_recording_rules_query_only_exported_metrics(self):
        for rule in rules("recording.yml"):
            self.assertLessEqual(referenced_metrics(rule["expr"]), EXPORTED_METRICS,
                                 rule["record"])

    def test_recording_rules_are_tested(self):
        tested = {case["expr"].split("{")[0]
                  for test in load("recording_test.yml")["tests"]
                  for case in test.get("promql_expr_test", [])}
        for rule in rules("recording.yml"):
            self.assertIn(rule["record"], tested)


if __name__ == "__main__":
    unittest.main()
