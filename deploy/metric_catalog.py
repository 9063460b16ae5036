"""The metric names alembic_exporter exports (PRODUCT.md §4) and a PromQL name scanner.

Dashboards and rules may only query these, Prometheus's own `up`, and the recording rules of
deploy/prometheus/recording.yml; the deploy tests use this module to enforce that.
"""

import re

EXPORTED_METRICS = frozenset({
    "alembic_up",
    "alembic_pending_migrations",
    "alembic_heads_count",
    "alembic_current_revisions_count",
    "alembic_expected_heads",
    "alembic_status",
    "alembic_revision_info",
    "alembic_script_revisions",
    "alembic_script_errors",
    "alembic_last_check_timestamp_seconds",
    "alembic_last_success_timestamp_seconds",
    "alembic_check_duration_seconds",
    "alembic_check_interval_seconds",
    "alembic_check_errors_total",
    "alembic_state_changes_total",
    "alembic_exporter_build_info",
    "alembic_exporter_config_last_reload_successful",
    "alembic_exporter_config_last_reload_success_timestamp_seconds",
})

# Series Prometheus itself attaches to every scrape target.
SCRAPE_METRICS = frozenset({"up"})

STATES = ("up_to_date", "behind", "diverged", "no_revision", "unknown_revision", "unreachable",
          "script_error")

_KEYWORDS = frozenset({"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
                       "group_right", "bool", "offset", "atan2", "inf", "nan"})
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_BRACES = re.compile(r"\{[^{}]*\}")
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_LABEL_LIST = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", re.IGNORECASE)
_IDENTIFIER = re.compile(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")


def referenced_metrics(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (function names, keywords, label names excluded)."""
    text = _STRING.sub('""', expr)
    text = _BRACES.sub("{}", text)
    text = _BRACKETS.sub("[]", text)
    text = _LABEL_LIST.sub(" ", text)
    names = set()
    for match in _IDENTIFIER.finditer(text):
        name, call = match.groups()
        if call is None and name.lower() not in _KEYWORDS:
            names.add(name)
    return names
