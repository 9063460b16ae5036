#include "daemon/render/metric_families.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>

#include "daemon/core/build_info.hpp"

namespace alembic_exporter::render {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr const char* age_hint =
    " Set by the exporter's background check, not at scrape time; "
    "alembic_last_check_timestamp_seconds tells how old it is.";

double seconds_since_epoch(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

ClientMetric sample(std::vector<ClientMetric::Label> labels, double value, MetricType type) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return metric;
}

/// A per-component gauge: `value` returns nothing where the component has no value.
MetricFamily component_gauge(
    const core::Snapshot& snapshot, const std::string& name, const std::string& help,
    const std::function<std::optional<double>(const core::ComponentSnapshot&)>& value) {
  MetricFamily family{name, help + age_hint, MetricType::Gauge, {}};
  for (const auto& component : snapshot.components) {
    if (const auto number = value(*component)) {
      family.metric.push_back(
          sample({{"component", component->status.component}}, *number, MetricType::Gauge));
    }
  }
  return family;
}

MetricFamily status_family(const core::Snapshot& snapshot) {
  MetricFamily family{
      "alembic_status",
      std::string("Component state: 1 for the current state, 0 for the others.") + age_hint,
      MetricType::Gauge,
      {}};
  for (const auto& component : snapshot.components) {
    for (const State state : all_states) {
      family.metric.push_back(sample(
          {{"component", component->status.component}, {"state", std::string(to_string(state))}},
          component->status.state == state ? 1 : 0, MetricType::Gauge));
    }
  }
  return family;
}

MetricFamily script_warnings_family(const core::Snapshot& snapshot) {
  MetricFamily family{
      "alembic_script_warnings",
      std::string("Details of the migration scripts only known when alembic imports them, by "
                  "kind; they never change alembic_status.") +
          age_hint,
      MetricType::Gauge,
      {}};
  for (const auto& component : snapshot.components) {
    const auto& warnings = component->status.script_warnings;
    for (const auto kind : script_warning_kinds) {
      const auto count = std::count_if(warnings.begin(), warnings.end(),
                                       [kind](const ScriptProblem& w) { return w.kind == kind; });
      family.metric.push_back(
          sample({{"component", component->status.component}, {"kind", std::string(kind)}},
                 static_cast<double>(count), MetricType::Gauge));
    }
  }
  return family;
}

MetricFamily revision_info_family(const core::Snapshot& snapshot) {
  MetricFamily family{
      "alembic_revision_info",
      std::string("Always 1; one series per (database revision, script head) pair, \"none\" "
                  "where there is none.") +
          age_hint,
      MetricType::Gauge,
      {}};
  const std::vector<RevisionRef> none{{"none", ""}};
  for (const auto& component : snapshot.components) {
    const ComponentStatus& status = component->status;
    if (!status.database_read) continue;
    const auto& current = status.current.empty() ? none : status.current;
    const auto& heads = status.heads.empty() ? none : status.heads;
    for (const auto& database_revision : current) {
      for (const auto& head : heads) {
        family.metric.push_back(sample({{"component", status.component},
                                        {"current", database_revision.revision},
                                        {"head", head.revision}},
                                       1, MetricType::Gauge));
      }
    }
  }
  return family;
}

MetricFamily check_errors_family(const core::Snapshot& snapshot) {
  MetricFamily family{"alembic_check_errors_total",
                      "Failed checks by reason since the exporter started.",
                      MetricType::Counter,
                      {}};
  for (const auto& component : snapshot.components) {
    auto counts = component->check_errors;
    for (const auto reason : check_error_reasons) counts.try_emplace(std::string(reason), 0);
    for (const auto& [reason, count] : counts) {
      family.metric.push_back(
          sample({{"component", component->status.component}, {"reason", reason}},
                 static_cast<double>(count), MetricType::Counter));
    }
  }
  return family;
}

MetricFamily state_changes_family(const core::Snapshot& snapshot) {
  MetricFamily family{"alembic_state_changes_total",
                      "State transitions of the component since the exporter started.",
                      MetricType::Counter,
                      {}};
  for (const auto& component : snapshot.components) {
    family.metric.push_back(sample({{"component", component->status.component}},
                                   static_cast<double>(component->state_changes),
                                   MetricType::Counter));
  }
  return family;
}

MetricFamily exporter_gauge(const std::string& name, const std::string& help,
                            std::vector<ClientMetric::Label> labels, double value) {
  return {name, help, MetricType::Gauge, {sample(std::move(labels), value, MetricType::Gauge)}};
}

std::optional<double> count(std::size_t n) { return static_cast<double>(n); }

}  // namespace

std::vector<MetricFamily> metric_families(const core::Snapshot& snapshot) {
  std::vector<MetricFamily> families;
  families.push_back(component_gauge(
      snapshot, "alembic_up", "1 if the last check read the version table, else 0.",
      [](const core::ComponentSnapshot& c) { return c.status.database_read ? 1.0 : 0.0; }));
  families.push_back(
      component_gauge(snapshot, "alembic_pending_migrations",
                      "Migrations `alembic upgrade heads` would apply; absent when unknown.",
                      [](const core::ComponentSnapshot& c) -> std::optional<double> {
                        if (!c.status.pending) return std::nullopt;
                        return static_cast<double>(*c.status.pending);
                      }));
  families.push_back(component_gauge(
      snapshot, "alembic_heads_count", "Heads in the migration script directory.",
      [](const core::ComponentSnapshot& c) { return count(c.status.heads.size()); }));
  families.push_back(component_gauge(snapshot, "alembic_current_revisions_count",
                                     "Rows in the version table.",
                                     [](const core::ComponentSnapshot& c) -> std::optional<double> {
                                       if (!c.status.database_read) return std::nullopt;
                                       return static_cast<double>(c.status.current.size());
                                     }));
  families.push_back(component_gauge(
      snapshot, "alembic_expected_heads", "Configured number of expected script heads.",
      [](const core::ComponentSnapshot& c) { return count(c.status.expected_heads); }));
  families.push_back(status_family(snapshot));
  families.push_back(revision_info_family(snapshot));
  families.push_back(component_gauge(
      snapshot, "alembic_script_revisions", "Revision files parsed in the script directory.",
      [](const core::ComponentSnapshot& c) { return count(c.status.script_revisions); }));
  families.push_back(component_gauge(
      snapshot, "alembic_script_errors",
      "Problems in the migration scripts (parse failures, cycles, duplicates, dangling parents).",
      [](const core::ComponentSnapshot& c) { return count(c.status.script_problems.size()); }));
  families.push_back(script_warnings_family(snapshot));
  families.push_back(component_gauge(
      snapshot, "alembic_last_check_timestamp_seconds", "Unix time the last check ended.",
      [](const core::ComponentSnapshot& c) { return seconds_since_epoch(c.status.checked_at); }));
  families.push_back(component_gauge(snapshot, "alembic_last_success_timestamp_seconds",
                                     "Unix time the last check that read the version table ended.",
                                     [](const core::ComponentSnapshot& c) -> std::optional<double> {
                                       if (!c.last_success) return std::nullopt;
                                       return seconds_since_epoch(*c.last_success);
                                     }));
  families.push_back(component_gauge(
      snapshot, "alembic_check_duration_seconds", "Duration of the last check.",
      [](const core::ComponentSnapshot& c) { return c.status.check_duration.count(); }));
  families.push_back(component_gauge(snapshot, "alembic_check_interval_seconds",
                                     "Configured interval between checks.",
                                     [](const core::ComponentSnapshot& c) {
                                       return std::chrono::duration<double>(c.interval).count();
                                     }));
  families.push_back(component_gauge(
      snapshot, "alembic_state_since_timestamp_seconds",
      "Unix time the current state began (the end of the first check that found it).",
      [](const core::ComponentSnapshot& c) { return seconds_since_epoch(c.state_since); }));
  families.push_back(component_gauge(
      snapshot, "alembic_migration_in_progress",
      "1 while another session migrates the database (holds the version table and has written), "
      "else 0; absent when the last check could not read the database.",
      [](const core::ComponentSnapshot& c) -> std::optional<double> {
        if (!c.status.database_read) return std::nullopt;
        return c.status.migration ? 1.0 : 0.0;
      }));
  families.push_back(component_gauge(
      snapshot, "alembic_migration_started_timestamp_seconds",
      "Unix time the running migration's transaction began; present only while one runs.",
      [](const core::ComponentSnapshot& c) -> std::optional<double> {
        if (!c.status.migration) return std::nullopt;
        return seconds_since_epoch(c.status.migration->started_at);
      }));
  families.push_back(check_errors_family(snapshot));
  families.push_back(state_changes_family(snapshot));
  families.push_back(exporter_gauge(
      "alembic_exporter_build_info", "Always 1; the exporter's version and build revision.",
      {{"revision", core::build::revision}, {"version", core::build::version}}, 1));
  // The count is the value, not a label, so that an alert can compare it with the number of
  // replicas reporting (PromQL cannot turn a label into a number).
  families.push_back(exporter_gauge(
      "alembic_exporter_shards",
      "Replicas the fleet is split across; label index: this replica's shard, which checks the "
      "targets whose key hashes (Prometheus' hashmod) to it.",
      {{"index", std::to_string(snapshot.shard.index)}}, snapshot.shard.count));
  families.push_back(
      exporter_gauge("alembic_exporter_config_last_reload_successful",
                     "1 if the last load or reload of the configuration succeeded, else 0.", {},
                     snapshot.config_reload_successful ? 1 : 0));
  families.push_back(
      exporter_gauge("alembic_exporter_config_last_reload_success_timestamp_seconds",
                     "Unix time of the last successful load or reload of the configuration.", {},
                     seconds_since_epoch(snapshot.config_reload_success_time)));
  return families;
}

}  // namespace alembic_exporter::render
