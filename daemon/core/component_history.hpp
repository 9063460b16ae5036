#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "collectors/component_status.hpp"
#include "daemon/core/snapshot.hpp"

namespace alembic_exporter::core {

/// A component's state changed, or was seen for the first time (`previous` empty).
struct Transition {
  std::optional<State> previous;
  /// The status the component changed to.
  std::shared_ptr<const ComponentSnapshot> now;
};

/// Another session started or stopped migrating the component's database (or a different one
/// took over: `ended` for the old session, then `started` for the new one).
struct MigrationChange {
  /// The migration that ended, if one did.
  std::optional<MigrationInProgress> ended;
  /// The migration that started, if one did.
  std::optional<MigrationInProgress> started;
};

struct HistoryStep {
  std::shared_ptr<const ComponentSnapshot> snapshot;
  std::optional<Transition> transition;
  std::optional<MigrationChange> migration;
  /// The script warnings differ from the previous check's (on the first check: there are some).
  bool warnings_changed = false;
};

/// Pure: folds one finished check into a component's history — counters (errors by reason,
/// state changes), the time of the last successful read, since when the state holds, whether
/// the state changed, whether a migration started or ended, and whether the set of script
/// warnings changed. `previous` is null for a component's first check since the process started.
HistoryStep record_check(const ComponentSnapshot* previous, ComponentStatus status,
                         std::chrono::milliseconds interval,
                         std::vector<State> ready_states = {State::up_to_date});

}  // namespace alembic_exporter::core
