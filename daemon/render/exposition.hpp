#pragma once

#include <string>

#include "daemon/core/snapshot.hpp"

namespace alembic_exporter::render {

/// The snapshot in the Prometheus text exposition format 0.0.4.
std::string exposition_text(const core::Snapshot& snapshot);

}  // namespace alembic_exporter::render
