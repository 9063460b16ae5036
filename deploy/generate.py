#!/usr/bin/python3
"""Derives every other alert definition from deploy/prometheus/alerts.yml (and recording.yml).

Writes the Grafana-managed alert rules (grafana/provisioning/alerting/alembic-exporter.yml) and
the prometheus-operator PrometheusRule (k8s/prometheusrule.yaml), so that Prometheus, Grafana and
Kubernetes alert on exactly the same expressions, durations, labels and texts.

    deploy/generate.py           rewrite the generated files
    deploy/generate.py --check   rewrite nothing; exit 1 if a generated file is out of date
"""

import argparse
import re
import sys
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
RECORDING = DEPLOY / "prometheus" / "recording.yml"
GRAFANA_ALERTING = DEPLOY / "grafana" / "provisioning" / "alerting" / "alembic-exporter.yml"
PROMETHEUS_RULE = DEPLOY / "k8s" / "prometheusrule.yaml"

GRAFANA_FOLDER = "Alembic exporter"
# Grafana interpolates ${VAR} in datasourceUid from its own environment at provisioning time.
GRAFANA_DATASOURCE_UID = "${PROMETHEUS_DATASOURCE_UID}"
QUERY_REF = "A"

# In Prometheus templates $value is the sample value; Grafana's $value is a text listing every
# expression, and the sample of the query is $values.<refId>.Value.
_PROMETHEUS_VALUE = re.compile(r"\$value\b")


def load_groups(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]


def grafana_template(text: str) -> str:
    if "${" in text:
        # Grafana would replace it with an environment variable (annotations: braced only).
        raise ValueError(f"{ALERTS}: '${{' in a template is interpolated by Grafana: {text!r}")
    return _PROMETHEUS_VALUE.sub(f"$values.{QUERY_REF}.Value", text)


def rule_uid(alert: str) -> str:
    """AlembicMigrationsPending -> alembic-migrations-pending (stable across regenerations)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", alert).lower()


def grafana_rule(rule: dict) -> dict:
    """A Prometheus alerting rule as a Grafana-managed rule with Prometheus semantics.

    Mirrors Grafana's own Prometheus-rule import: the instant query fires for every series it
    returns (math node), a query without series is OK, not "no data", and a missing series
    resolves at the next evaluation.
    """
    for key, value in rule.get("labels", {}).items():
        if "$" in value:
            raise ValueError(f"{ALERTS}: {rule['alert']}: label {key} has '$', which Grafana "
                             "interpolates from its environment")
    return {
        "uid": rule_uid(rule["alert"]),
        "title": rule["alert"],
        "condition": "C",
        "data": [
            {
                "refId": QUERY_REF,
                "relativeTimeRange": {"from": 600, "to": 0},
                "datasourceUid": GRAFANA_DATASOURCE_UID,
                "model": {"refId": QUERY_REF, "expr": rule["expr"], "instant": True,
                          "range": False},
            },
            {
                "refId": "B",
                "datasourceUid": "__expr__",
                "model": {"refId": "B", "type": "math",
                          "expression": f"is_number(${QUERY_REF}) || is_nan(${QUERY_REF}) || "
                                        f"is_inf(${QUERY_REF})",
                          "datasource": {"type": "__expr__", "uid": "__expr__"}},
            },
            {
                "refId": "C",
                "datasourceUid": "__expr__",
                "model": {"refId": "C", "type": "threshold", "expression": "B",
                          "conditions": [{"evaluator": {"type": "gt", "params": [0]}}],
                          "datasource": {"type": "__expr__", "uid": "__expr__"}},
            },
        ],
        "noDataState": "OK",
        "execErrState": "Error",
        "for": rule.get("for", "0s"),
        "missing_series_evals_to_resolve": 1,
        "labels": dict(rule.get("labels", {})),
        "annotations": {key: grafana_template(text)
                        for key, text in rule.get("annotations", {}).items()},
        "isPaused": False,
    }


def grafana_provisioning(alert_groups: list[dict]) -> dict:
    return {
        "apiVersion": 1,
        "groups": [
            {
                "orgId": 1,
                "name": group["name"],
                "folder": GRAFANA_FOLDER,
                "interval": group["interval"],
                "rules": [grafana_rule(rule) for rule in group["rules"]],
            }
            for group in alert_groups
        ],
    }


def prometheus_rule(alert_groups: list[dict], recording_groups: list[dict]) -> dict:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "alembic-exporter",
            "labels": {"app.kubernetes.io/name": "alembic-exporter",
                       "app.kubernetes.io/component": "rules"},
        },
        "spec": {"groups": recording_groups + alert_groups},
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _represent_str(dumper: yaml.SafeDumper, text: str):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def render(document: dict) -> str:
    header = (f"# Generated by deploy/generate.py from deploy/prometheus/{ALERTS.name} and "
              f"{RECORDING.name}: do not edit.\n")
    return header + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                              width=1 << 16)


def generated_files() -> dict[Path, str]:
    alert_groups = load_groups(ALERTS)
    recording_groups = load_groups(RECORDING)
    return {
        GRAFANA_ALERTING: render(grafana_provisioning(alert_groups)),
        PROMETHEUS_RULE: render(prometheus_rule(alert_groups, recording_groups)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare instead of writing; exit 1 when a file is out of date")
    args = parser.parse_args()
    stale = []
    for path, text in generated_files().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(DEPLOY.parent)}")
    for path in stale:
        print(f"{path.relative_to(DEPLOY.parent)}: out of date (expected the output of "
              "deploy/generate.py; run it and commit the result)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
