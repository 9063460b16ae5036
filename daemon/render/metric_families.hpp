#pragma once

#include <prometheus/metric_family.h>

#include <vector>

#include "daemon/core/snapshot.hpp"

namespace alembic_exporter::render {

/// Pure: every metric family of docs/CONTRACT.md "Metrics" for one snapshot. A component without a
/// value for a metric (pending unknown, database unread) has no series there rather than a made-up
/// one.
std::vector<prometheus::MetricFamily> metric_families(const core::Snapshot& snapshot);

}  // namespace alembic_exporter::render
