#pragma once

#include <string>

#include "collectors/component_status.hpp"

namespace alembic_exporter::core {

/// For people: `since 2026-12-03T10:00:00.000Z (pid 4242, application alembic)`; the
/// application is left out when the server hides it.
std::string describe_migration(const MigrationInProgress& migration);

}  // namespace alembic_exporter::core
