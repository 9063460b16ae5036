#include "exposition.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include "build_info.hpp"
#include "exposition_writer.hpp"

namespace alembic_exporter {
namespace {

constexpr std::string_view age_hint =
    " Set by the exporter's background check, not at scrape time; "
    "alembic_last_check_timestamp_seconds tells how old it is.";

/// Bytes a component takes in the exposition (about 2 KB), to allocate the text once.
constexpr std::size_t bytes_per_component = 2304;

double seconds_since_epoch(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

/// check_error_reasons in byte order: the order of the counts' map, so both merge in one pass.
constexpr auto sorted_reasons = [] {
  auto reasons = check_error_reasons;
  std::sort(reasons.begin(), reasons.end());
  return reasons;
}();

class SnapshotExposition {
 public:
  SnapshotExposition(const Snapshot& snapshot, std::string& out)
      : snapshot_(snapshot), writer_(out) {}

  void write() {
    component_gauge("alembic_up", "1 if the last check read the version table, else 0.",
                    [](const ComponentSnapshot& c) { return c.status.database_read ? 1.0 : 0.0; });
    component_gauge("alembic_pending_migrations",
                    "Migrations `alembic upgrade heads` would apply; absent when unknown.",
                    [](const ComponentSnapshot& c) -> std::optional<double> {
                      if (!c.status.pending) return std::nullopt;
                      return static_cast<double>(*c.status.pending);
                    });
    component_gauge("alembic_heads_count", "Heads in the migration script directory.",
                    [](const ComponentSnapshot& c) { return count(c.status.heads.size()); });
    component_gauge("alembic_current_revisions_count", "Rows in the version table.",
                    [](const ComponentSnapshot& c) -> std::optional<double> {
                      if (!c.status.database_read) return std::nullopt;
                      return count(c.status.current.size());
                    });
    component_gauge("alembic_expected_heads", "Configured number of expected script heads.",
                    [](const ComponentSnapshot& c) { return count(c.status.expected_heads); });
    status();
    revision_info();
    component_gauge("alembic_script_revisions", "Revision files parsed in the script directory.",
                    [](const ComponentSnapshot& c) { return count(c.status.script_revisions); });
    component_gauge(
        "alembic_script_errors",
        "Problems in the migration scripts (parse failures, cycles, duplicates, dangling parents).",
        [](const ComponentSnapshot& c) { return count(c.status.script_problems.size()); });
    component_gauge(
        "alembic_last_check_timestamp_seconds", "Unix time the last check ended.",
        [](const ComponentSnapshot& c) { return seconds_since_epoch(c.status.checked_at); });
    component_gauge("alembic_last_success_timestamp_seconds",
                    "Unix time the last check that read the version table ended.",
                    [](const ComponentSnapshot& c) -> std::optional<double> {
                      if (!c.last_success) return std::nullopt;
                      return seconds_since_epoch(*c.last_success);
                    });
    component_gauge("alembic_check_duration_seconds", "Duration of the last check.",
                    [](const ComponentSnapshot& c) { return c.status.check_duration.count(); });
    component_gauge("alembic_check_interval_seconds", "Configured interval between checks.",
                    [](const ComponentSnapshot& c) {
                      return std::chrono::duration<double>(c.interval).count();
                    });
    check_errors();
    state_changes();
    writer_.family("alembic_exporter_build_info", "gauge",
                   "Always 1; the exporter's version and build revision.");
    writer_.sample("alembic_exporter_build_info",
                   {{"revision", build::revision}, {"version", build::version}}, 1);
    writer_.family("alembic_exporter_config_last_reload_successful", "gauge",
                   "1 if the last load or reload of the configuration succeeded, else 0.");
    writer_.sample("alembic_exporter_config_last_reload_successful", {},
                   snapshot_.config_reload_successful ? 1 : 0);
    writer_.family("alembic_exporter_config_last_reload_success_timestamp_seconds", "gauge",
                   "Unix time of the last successful load or reload of the configuration.");
    writer_.sample("alembic_exporter_config_last_reload_success_timestamp_seconds", {},
                   seconds_since_epoch(snapshot_.config_reload_success_time));
  }

 private:
  static double count(std::size_t n) { return static_cast<double>(n); }

  /// A per-component gauge: `value` returns nothing where the component has no value.
  template <typename Value>
  void component_gauge(std::string_view name, std::string_view help, Value value) {
    writer_.family(name, "gauge", help, age_hint);
    for (const auto& component : snapshot_.components) {
      if (const std::optional<double> number = value(*component)) {
        writer_.sample(name, {{"component", component->status.component}}, *number);
      }
    }
  }

  void status() {
    constexpr std::string_view name = "alembic_status";
    writer_.family(name, "gauge", "Component state: 1 for the current state, 0 for the others.",
                   age_hint);
    for (const auto& component : snapshot_.components) {
      for (const State state : all_states) {
        writer_.sample(name,
                       {{"component", component->status.component}, {"state", to_string(state)}},
                       component->status.state == state ? 1 : 0);
      }
    }
  }

  void revision_info() {
    constexpr std::string_view name = "alembic_revision_info";
    writer_.family(name, "gauge",
                   "Always 1; one series per (database revision, script head) pair, \"none\" "
                   "where there is none.",
                   age_hint);
    const std::vector<RevisionRef> none{{"none", ""}};
    for (const auto& component : snapshot_.components) {
      const ComponentStatus& status = component->status;
      if (!status.database_read) continue;
      const auto& current = status.current.empty() ? none : status.current;
      const auto& heads = status.heads.empty() ? none : status.heads;
      for (const auto& database_revision : current) {
        for (const auto& head : heads) {
          writer_.sample(name,
                         {{"component", status.component},
                          {"current", database_revision.revision},
                          {"head", head.revision}},
                         1);
        }
      }
    }
  }

  /// Every known reason, 0 where there was no such failure, merged with the counted ones (which
  /// may hold reasons beyond the known list) in byte order.
  void check_errors() {
    constexpr std::string_view name = "alembic_check_errors_total";
    writer_.family(name, "counter", "Failed checks by reason since the exporter started.");
    for (const auto& component : snapshot_.components) {
      const std::string_view component_name = component->status.component;
      auto counted = component->check_errors.begin();
      const auto counted_end = component->check_errors.end();
      auto known = sorted_reasons.begin();
      while (counted != counted_end || known != sorted_reasons.end()) {
        std::string_view reason;
        std::uint64_t errors = 0;
        if (known == sorted_reasons.end() ||
            (counted != counted_end && std::string_view(counted->first) <= *known)) {
          if (known != sorted_reasons.end() && counted->first == *known) ++known;
          reason = counted->first;
          errors = counted->second;
          ++counted;
        } else {
          reason = *known++;
        }
        writer_.sample(name, {{"component", component_name}, {"reason", reason}},
                       static_cast<double>(errors));
      }
    }
  }

  void state_changes() {
    constexpr std::string_view name = "alembic_state_changes_total";
    writer_.family(name, "counter",
                   "State transitions of the component since the exporter started.");
    for (const auto& component : snapshot_.components) {
      writer_.sample(name, {{"component", component->status.component}},
                     static_cast<double>(component->state_changes));
    }
  }

  const Snapshot& snapshot_;
  ExpositionWriter writer_;
};

}  // namespace

std::string exposition_text(const Snapshot& snapshot) {
  std::string text;
  text.reserve(bytes_per_component * (snapshot.components.size() + 1));
  SnapshotExposition(snapshot, text).write();
  return text;
}

}  // namespace alembic_exporter
