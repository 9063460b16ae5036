"""Structure of the Grafana dashboard: variables, panel ids, datasources, queries.

Needs deploy/ and deploy/grafana/ on PYTHONPATH; PROMTOOL names promtool (default: from PATH).
"""

import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

import yaml

from dashboard_queries import (DASHBOARD, DEFAULT_VARIABLES, all_panels, dashboard_queries,
                               load_dashboard, raw_queries, substitute)
from metric_catalog import PROCESS_METRICS, STATES, queryable_metrics, referenced_metrics

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRAFANA_BUILTIN = {"type": "grafana", "uid": "-- Grafana --"}


def datasource_references(node, path="$"):
    """(json path, value) of every `datasource` key anywhere in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "datasource":
                yield f"{path}.{key}", value
            yield from datasource_references(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from datasource_references(value, f"{path}[{index}]")


class DashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dashboard = load_dashboard()
        cls.panels = list(all_panels(cls.dashboard))
        cls.variables = {variable["name"]: variable
                         for variable in cls.dashboard["templating"]["list"]}

    def test_identity_and_schema_version(self):
        self.assertIsInstance(self.dashboard["schemaVersion"], int)
        self.assertGreaterEqual(self.dashboard["schemaVersion"], 36)
        self.assertEqual(self.dashboard["uid"], "alembic-exporter")
        self.assertTrue(self.dashboard["title"])
        self.assertNotIn("id", self.dashboard, "a provisioned dashboard must not carry a db id")

    def test_panel_ids_are_unique_and_panels_fit_the_grid(self):
        ids = [panel["id"] for panel in self.panels]
        self.assertEqual(len(ids), len(set(ids)), f"duplicate panel ids in {ids}")
        for panel in self.panels:
            grid = panel["gridPos"]
            self.assertLessEqual(grid["x"] + grid["w"], 24, panel["title"])
            self.assertGreater(grid["h"], 0, panel["title"])

    def test_has_a_prometheus_datasource_variable(self):
        variable = self.variables.get("datasource")
        self.assertIsNotNone(variable, "no `datasource` variable")
        self.assertEqual(variable["type"], "datasource")
        self.assertEqual(variable["query"], "prometheus")

    def test_has_a_multi_value_component_variable(self):
        variable = self.variables.get("component")
        self.assertIsNotNone(variable, "no `component` variable")
        self.assertEqual(variable["type"], "query")
        self.assertEqual(variable["datasource"], DATASOURCE)
        self.assertTrue(variable["multi"])
        self.assertTrue(variable["includeAll"])

    def test_no_hard_coded_datasource_uid(self):
        self.assertNotIn("__inputs", self.dashboard)
        references = list(datasource_references(self.dashboard))
        self.assertTrue(references)
        for path, value in references:
            self.assertIn(value, (DATASOURCE, GRAFANA_BUILTIN), path)
        self.assertNotRegex(DASHBOARD.read_text(encoding="utf-8"),
                            r"\$\{DS_", "import placeholders pin a datasource")

    def test_every_panel_queries_prometheus(self):
        for panel in self.panels:
            if panel["type"] == "row":
                continue
            self.assertEqual(panel["datasource"], DATASOURCE, panel["title"])
            self.assertTrue(panel["targets"], f"{panel['title']}: no targets")
            for target in panel["targets"]:
                self.assertEqual(target["datasource"], DATASOURCE, panel["title"])
                self.assertTrue(target.get("expr", "").strip(),
                                f"{panel['title']} target {target['refId']}: no expr")

    def test_queries_use_only_exported_metrics_and_recording_rules(self):
        allowed = queryable_metrics()
        for source, expr, _ in raw_queries(self.dashboard):
            metrics = referenced_metrics(expr)
            self.assertTrue(metrics, f"{source}: selects no metric: {expr}")
            self.assertLessEqual(metrics, allowed, f"{source}: unknown metric in {expr}")

    def test_panel_queries_follow_the_component_variable(self):
        for source, expr, _ in raw_queries(self.dashboard):
            # The exporter's own metrics have no component to follow (the shards panel).
            if not source.startswith("variable ") and referenced_metrics(expr) - PROCESS_METRICS:
                self.assertIn('component=~"$component"', expr, source)

    def test_shards_are_counted_across_replicas(self):
        shard_queries = [expr for _, expr, _ in raw_queries(self.dashboard)
                         if "alembic_exporter_shards" in referenced_metrics(expr)]
        self.assertIn("count by (job) (count by (job, index) (alembic_exporter_shards))",
                      shard_queries)
        for expr in shard_queries:
            self.assertNotIn("instance", expr, "a per-instance query does not aggregate")

    def test_table_columns_come_from_its_queries(self):
        for panel in self.panels:
            ref_ids = {target["refId"] for target in panel.get("targets", [])}
            for transformation in panel.get("transformations", []):
                options = transformation.get("options", {})
                for names in (options.get("excludeByName", {}), options.get("renameByName", {}),
                              options.get("indexByName", {})):
                    for name in names:
                        match = re.fullmatch(r"Value #(\w+)", name)
                        if match:
                            self.assertIn(match.group(1), ref_ids, f"{panel['title']}: {name}")

    def test_state_column_colours_every_state(self):
        table = next(panel for panel in self.panels if panel["type"] == "table")
        state_override = next(override for override in table["fieldConfig"]["overrides"]
                              if override["matcher"]["options"] == "State")
        mapping = next(prop["value"][0]["options"] for prop in state_override["properties"]
                       if prop["id"] == "mappings")
        self.assertEqual(set(mapping), set(STATES))

    def test_every_query_is_valid_promql(self):
        queries = dashboard_queries(self.dashboard)
        for query in queries:
            self.assertNotIn("$", query.expr, query.source)
        # promtool parses recording rules: one rule per query, named after its position.
        rules = {"groups": [{"name": "dashboard", "rules": [
            {"record": f"dashboard:query_{index}", "expr": query.expr}
            for index, query in enumerate(queries)]}]}
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "dashboard_queries.yml"
            path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
            result = subprocess.run([os.environ.get("PROMTOOL", "promtool"), "check", "rules",
                                     str(path)], capture_output=True, text=True, check=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


class SubstituteTest(unittest.TestCase):
    def test_every_variable_syntax(self):
        variables = {**DEFAULT_VARIABLES, "component": "manager|appproxy"}
        self.assertEqual(
            substitute('rate(x{component=~"$component"}[$__rate_interval])', variables),
            'rate(x{component=~"manager|appproxy"}[1m])')
        self.assertEqual(substitute('x{c=~"${component:regex}"}[${__range}]', variables),
                         'x{c=~"manager|appproxy"}[1h]')
        self.assertEqual(substitute('x{c=~"[[component]]"}', variables),
                         'x{c=~"manager|appproxy"}')

    def test_unknown_variable_is_an_error(self):
        with self.assertRaisesRegex(KeyError, r"\$instance"):
            substitute('x{instance="$instance"}', DEFAULT_VARIABLES)

    def test_overrides_reach_every_query(self):
        queries = dashboard_queries(load_dashboard(), {"component": "manager"})
        self.assertTrue(any('component=~"manager"' in query.expr for query in queries))
        self.assertFalse(any('component=~".+"' in query.expr for query in queries))


if __name__ == "__main__":
    unittest.main()
