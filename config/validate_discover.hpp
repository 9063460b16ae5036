#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>

#include "config/problems.hpp"
#include "config/validated_config.hpp"

namespace alembic_exporter::config {

/// Validates a component's `discover:` mapping: exactly one of `databases:`/`schemas:` (an SQL
/// `LIKE` pattern), `exclude:` (patterns), `refresh:` (a duration) and `max_targets:`. Every
/// problem goes to `problems`; nullopt when there was one.
std::optional<DiscoverConfig> validate_discover(const YAML::Node& node, Problems& problems);

}  // namespace alembic_exporter::config
