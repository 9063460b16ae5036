#pragma once

#include <chrono>
#include <optional>

#include "collectors/component_status.hpp"
#include "collectors/version_reader.hpp"

namespace alembic_exporter::alembic {

/// Pure: the migration one check saw, with the start the exporter reports for it. The start is
/// the one the engine shows, else `now` (the time of this sighting); and for the session seen by
/// the previous check (`previous`, the same pid) never later than the start reported then. So a
/// session whose start the engine hides keeps the time it was first seen, and MySQL's
/// statement-age estimate keeps its earliest value instead of moving with each statement.
std::optional<MigrationInProgress> migration_with_start(
    const std::optional<MigrationSighting>& seen,
    const std::optional<MigrationInProgress>& previous, std::chrono::system_clock::time_point now);

}  // namespace alembic_exporter::alembic
