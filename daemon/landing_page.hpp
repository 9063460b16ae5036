#pragma once

#include <string>

#include "snapshot.hpp"

namespace alembic_exporter {

/// The `/` page: name, version, links, one table row per component (state, pending, last check).
/// Self-contained HTML: no external assets.
std::string render_landing_page(const Snapshot& snapshot);

}  // namespace alembic_exporter
