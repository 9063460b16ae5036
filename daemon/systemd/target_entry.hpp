#pragma once

#include <string>

#include "daemon/systemd/log_entry.hpp"

namespace alembic_exporter::systemd {

/// Pure: the entry for a discovered target (a database, or a schema of one) that appeared in, or
/// disappeared from, its component's listing.
LogEntry target_entry(const std::string& component, const std::string& database,
                      const std::string& schema, bool appeared);

}  // namespace alembic_exporter::systemd
