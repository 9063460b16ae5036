#include "daemon/core/component_history.hpp"

namespace alembic_exporter::core {
namespace {

std::optional<MigrationChange> migration_change(const std::optional<MigrationInProgress>& before,
                                                const std::optional<MigrationInProgress>& now) {
  const auto pid = [](const std::optional<MigrationInProgress>& m) {
    return m ? std::optional(m->pid) : std::nullopt;
  };
  if (pid(before) == pid(now)) return std::nullopt;
  return MigrationChange{before, now};
}

}  // namespace

HistoryStep record_check(const ComponentSnapshot* previous, ComponentStatus status,
                         std::chrono::milliseconds interval, std::vector<State> ready_states) {
  auto next = std::make_shared<ComponentSnapshot>();
  if (previous != nullptr) {
    next->check_errors = previous->check_errors;
    next->state_changes = previous->state_changes;
    next->last_success = previous->last_success;
  }
  next->interval = interval;
  next->ready_states = std::move(ready_states);
  if (status.database_read) next->last_success = status.checked_at;
  if (status.state == State::unreachable || status.state == State::script_error) {
    ++next->check_errors[status.state == State::script_error ? "script_error" : status.reason];
  }
  const bool changed = previous != nullptr && previous->status.state != status.state;
  const bool warnings_changed = previous == nullptr
                                    ? !status.script_warnings.empty()
                                    : previous->status.script_warnings != status.script_warnings;
  if (changed) ++next->state_changes;
  next->state_since = previous != nullptr && !changed ? previous->state_since : status.checked_at;
  next->status = std::move(status);

  HistoryStep step{next, std::nullopt,
                   migration_change(previous ? previous->status.migration : std::nullopt,
                                    next->status.migration),
                   warnings_changed};
  if (previous == nullptr) {
    step.transition = Transition{std::nullopt, next};
  } else if (changed) {
    step.transition = Transition{previous->status.state, next};
  }
  return step;
}

}  // namespace alembic_exporter::core
