#pragma once

#include <span>
#include <string>

#include "collectors/component_status.hpp"

namespace alembic_exporter::render {

/// The `status --output json` / `/status` document (keys documented in README.md), one line.
std::string render_status_json(std::span<const ComponentStatus> statuses);

}  // namespace alembic_exporter::render
