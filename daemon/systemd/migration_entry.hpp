#pragma once

#include <string>
#include <vector>

#include "daemon/core/component_history.hpp"
#include "daemon/systemd/log_entry.hpp"

namespace alembic_exporter::systemd {

/// Pure: the journald entries for a migration that ended and/or started on `component`, in that
/// order (MESSAGE_IDs migration_ended and migration_started).
std::vector<LogEntry> migration_entries(const std::string& component,
                                        const core::MigrationChange& change);

}  // namespace alembic_exporter::systemd
