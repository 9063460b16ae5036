#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collectors/component_status.hpp"
#include "config/validated_config.hpp"

namespace alembic_exporter::core {

/// What the exporter knows about one component after its last finished check.
struct ComponentSnapshot {
  ComponentStatus status;
  std::chrono::milliseconds interval{0};
  /// End of the last check that read the version table.
  std::optional<std::chrono::system_clock::time_point> last_success;
  /// Failed checks by reason since the process started (survives reloads).
  std::map<std::string, std::uint64_t> check_errors;
  std::uint64_t state_changes = 0;
  /// When the current state began: the end of the first check that found it (survives reloads).
  std::chrono::system_clock::time_point state_since;
  /// States in which `/ready` accepts the component (its `ready_states`).
  std::vector<State> ready_states;
};

/// Everything a scrape, `/status` or the landing page shows; immutable once published.
struct Snapshot {
  /// Components that finished at least one check, in configuration order.
  std::vector<std::shared_ptr<const ComponentSnapshot>> components;
  /// Every configured component, in configuration order, checked or not yet.
  std::vector<std::string> configured;
  bool config_reload_successful = true;
  std::chrono::system_clock::time_point config_reload_success_time;
  /// This replica's part of the fleet.
  config::Shard shard;
};

/// The current snapshot, swapped atomically by the event loop and read by HTTP threads: readers
/// never block the loop and always see one consistent snapshot.
class SnapshotStore {
 public:
  SnapshotStore() : current_(std::make_shared<const Snapshot>()) {}
  SnapshotStore(const SnapshotStore&) = delete;
  SnapshotStore& operator=(const SnapshotStore&) = delete;

  std::shared_ptr<const Snapshot> load() const { return current_.load(); }
  void publish(std::shared_ptr<const Snapshot> snapshot) { current_.store(std::move(snapshot)); }

 private:
  std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace alembic_exporter::core
