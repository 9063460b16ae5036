#include "collectors/alembic/migration_start.hpp"

#include <algorithm>

namespace alembic_exporter::alembic {

std::optional<MigrationInProgress> migration_with_start(
    const std::optional<MigrationSighting>& seen,
    const std::optional<MigrationInProgress>& previous, std::chrono::system_clock::time_point now) {
  if (!seen) return std::nullopt;
  MigrationInProgress migration{seen->pid, seen->started_at.value_or(now), seen->application_name};
  if (previous && previous->pid == seen->pid) {
    migration.started_at = std::min(migration.started_at, previous->started_at);
  }
  return migration;
}

}  // namespace alembic_exporter::alembic
