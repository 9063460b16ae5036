#pragma once

#include <string>

#include "daemon/core/snapshot.hpp"

namespace alembic_exporter::render {

/// The `/` page: name, version, links, one table row per component (state, pending, last check).
/// Self-contained HTML: no external assets.
std::string render_landing_page(const core::Snapshot& snapshot);

}  // namespace alembic_exporter::render
