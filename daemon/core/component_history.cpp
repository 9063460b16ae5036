#include "daemon/core/component_history.hpp"

namespace alembic_exporter::core {

HistoryStep record_check(const ComponentSnapshot* previous, ComponentStatus status,
                         std::chrono::milliseconds interval) {
  auto next = std::make_shared<ComponentSnapshot>();
  if (previous != nullptr) {
    next->check_errors = previous->check_errors;
    next->state_changes = previous->state_changes;
    next->last_success = previous->last_success;
  }
  next->interval = interval;
  if (status.database_read) next->last_success = status.checked_at;
  if (status.state == State::unreachable || status.state == State::script_error) {
    ++next->check_errors[status.state == State::script_error ? "script_error" : status.reason];
  }
  const bool changed = previous != nullptr && previous->status.state != status.state;
  const bool warnings_changed = previous == nullptr
                                    ? !status.script_warnings.empty()
                                    : previous->status.script_warnings != status.script_warnings;
  if (changed) ++next->state_changes;
  next->status = std::move(status);

  HistoryStep step{next, std::nullopt, warnings_changed};
  if (previous == nullptr) {
    step.transition = Transition{std::nullopt, next};
  } else if (changed) {
    step.transition = Transition{previous->status.state, next};
  }
  return step;
}

}  // namespace alembic_exporter::core
