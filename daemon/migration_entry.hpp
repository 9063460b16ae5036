#pragma once

#include <vector>

#include "component_history.hpp"
#include "log_entry.hpp"

namespace alembic_exporter {

/// Pure: the journald entries for a migration that ended and/or started on `component`, in that
/// order (MESSAGE_IDs migration_ended and migration_started).
std::vector<LogEntry> migration_entries(const std::string& component,
                                        const MigrationChange& change);

/// For people: `since 2026-12-03T10:00:00.000Z (pid 4242, application alembic)`; the
/// application is left out when the server hides it.
std::string describe_migration(const MigrationInProgress& migration);

}  // namespace alembic_exporter
