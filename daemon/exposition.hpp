#pragma once

#include <string>

#include "snapshot.hpp"

namespace alembic_exporter {

/// Pure: every metric family of PRODUCT.md §4 for one snapshot, in the Prometheus text exposition
/// format 0.0.4. A component without a value for a metric (pending unknown, database unread) has
/// no series there rather than a made-up one.
std::string exposition_text(const Snapshot& snapshot);

}  // namespace alembic_exporter
