#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "collectors/component_status.hpp"
#include "daemon/core/snapshot.hpp"

namespace alembic_exporter::core {

/// A component's state changed, or was seen for the first time (`previous` empty).
struct Transition {
  std::optional<State> previous;
  /// The status the component changed to.
  std::shared_ptr<const ComponentSnapshot> now;
};

struct HistoryStep {
  std::shared_ptr<const ComponentSnapshot> snapshot;
  std::optional<Transition> transition;
  /// The script warnings differ from the previous check's (on the first check: there are some).
  bool warnings_changed = false;
};

/// Pure: folds one finished check into a component's history — counters (errors by reason,
/// state changes), the time of the last successful read, and whether the state or the set of
/// script warnings changed.
/// `previous` is null for a component's first check since the process started.
HistoryStep record_check(const ComponentSnapshot* previous, ComponentStatus status,
                         std::chrono::milliseconds interval);

}  // namespace alembic_exporter::core
