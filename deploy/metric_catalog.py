"""The metric names alembic_exporter exports (docs/CONTRACT.md "Metrics") and a PromQL name scanner.

Dashboards and rules may only query these, Prometheus's own `up`, and the recording rules of
deploy/prometheus/recording.yml; the deploy tests use this module to enforce that.
"""

import re
from pathlib import Path

import yaml

RECORDING_RULES = Path(__file__).resolve().parent / "prometheus" / "recording.yml"

# Labelled with `component` (one series, or one per extra label value, per component).
COMPONENT_METRICS = frozenset({
    "alembic_up",
    "alembic_pending_migrations",
    "alembic_heads_count",
    "alembic_current_revisions_count",
    "alembic_expected_heads",
    "alembic_status",
    "alembic_revision_info",
    "alembic_script_revisions",
    "alembic_script_errors",
    "alembic_script_warnings",
    "alembic_last_check_timestamp_seconds",
    "alembic_last_success_timestamp_seconds",
    "alembic_check_duration_seconds",
    "alembic_check_interval_seconds",
    "alembic_check_errors_total",
    "alembic_state_changes_total",
    "alembic_state_since_timestamp_seconds",
    "alembic_migration_in_progress",
    "alembic_migration_started_timestamp_seconds",
})

# About the exporter process itself: no `component` label.
PROCESS_METRICS = frozenset({
    "alembic_exporter_build_info",
    "alembic_exporter_shards",
    "alembic_exporter_config_last_reload_successful",
    "alembic_exporter_config_last_reload_success_timestamp_seconds",
})

# The standard process collector's families (client_golang's names, HELP and TYPE), read from
# /proc/self on every scrape (daemon/http/process_metrics.cpp).
STANDARD_PROCESS_METRICS = frozenset({
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_virtual_memory_bytes",
    "process_open_fds",
    "process_max_fds",
    "process_start_time_seconds",
})

EXPORTED_METRICS = COMPONENT_METRICS | PROCESS_METRICS | STANDARD_PROCESS_METRICS

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


def recorded_metrics(path: Path = RECORDING_RULES) -> set[str]:
    """Names of the recording rules in deploy/prometheus/recording.yml."""
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    return {rule["record"] for group in groups for rule in group["rules"] if "record" in rule}


def queryable_metrics() -> set[str]:
    """What a dashboard may query: exported metrics, `up`, and the recording rules."""
    return set(EXPORTED_METRICS | SCRAPE_METRICS) | recorded_metrics()
