"""Every PromQL expression of the Grafana dashboard, with its template variables filled in.

deploy/grafana/dashboard_test.py checks their metric names and syntax; a live test can run each
one against a Prometheus that scrapes a real exporter and expect data:

    for query in dashboard_queries(load_dashboard(), {"component": "manager|appproxy"}):
        ...  # GET /api/v1/query?query=<query.expr>
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parent / "alembic-exporter.json"

# What Grafana substitutes for its built-in variables, for a 1m scrape and evaluation step.
BUILTIN_VARIABLES = {
    "__interval": "1m",
    "__interval_ms": "60000",
    "__rate_interval": "1m",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
}
# `component` is used as a regex matcher value (component=~"$component"): every component.
DEFAULT_VARIABLES = {**BUILTIN_VARIABLES, "component": ".+"}

# $name, ${name}, ${name:format}, [[name]] (Grafana's variable syntaxes).
_VARIABLE = re.compile(r"\$\{(\w+)(?::[\w-]+)?\}|\$(\w+)|\[\[(\w+)(?::[\w-]+)?\]\]")
_LABEL_VALUES = re.compile(r"^\s*label_values\((.+),\s*\w+\s*\)\s*$", re.DOTALL)


@dataclass(frozen=True)
class DashboardQuery:
    """One PromQL expression of the dashboard and where it comes from."""

    source: str  # e.g. "panel 2 (Pending migrations) target A", "variable component"
    expr: str  # variables substituted
    instant: bool


def load_dashboard(path: Path = DASHBOARD) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def substitute(expr: str, variables: Mapping[str, str]) -> str:
    """Replaces every dashboard variable; a variable missing from `variables` raises KeyError."""

    def value(match: re.Match) -> str:
        name = next(group for group in match.groups() if group)
        if name not in variables:
            raise KeyError(f"dashboard variable ${name} has no value (known: "
                           f"{', '.join(sorted(variables))})")
        return variables[name]

    return _VARIABLE.sub(value, expr)


def all_panels(dashboard: dict) -> Iterator[dict]:
    """Panels, including those inside (collapsed) rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def raw_queries(dashboard: dict) -> Iterator[tuple[str, str, bool]]:
    """(source, expr as written, instant) for panel targets, annotations and query variables."""
    for panel in all_panels(dashboard):
        for target in panel.get("targets", []):
            yield (f"panel {panel['id']} ({panel.get('title', '')}) target {target['refId']}",
                   target.get("expr", ""), bool(target.get("instant", False)))
    for annotation in dashboard.get("annotations", {}).get("list", []):
        if "expr" in annotation:
            yield f"annotation {annotation['name']}", annotation["expr"], False
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else query
        # label_values(SELECTOR, label) asks for the series of SELECTOR.
        match = _LABEL_VALUES.match(query)
        yield f"variable {variable['name']}", match.group(1) if match else query, True


def dashboard_queries(dashboard: dict,
                      variables: Mapping[str, str] | None = None) -> list[DashboardQuery]:
    """Every expression of the dashboard, with `variables` overriding DEFAULT_VARIABLES."""
    values = {**DEFAULT_VARIABLES, **(variables or {})}
    return [DashboardQuery(source, substitute(expr, values), instant)
            for source, expr, instant in raw_queries(dashboard)]
