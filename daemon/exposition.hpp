#pragma once

#include <string>

#include "snapshot.hpp"

namespace alembic_exporter {

/// The snapshot in the Prometheus text exposition format 0.0.4.
std::string exposition_text(const Snapshot& snapshot);

}  // namespace alembic_exporter
