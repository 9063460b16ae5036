#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <optional>

#include "config/path_resolver.hpp"
#include "config/problems.hpp"
#include "config/validated_config.hpp"

namespace alembic_exporter::config {

/// Validates one item of `components` (a mapping), reporting every problem; nullopt when there
/// was any. `default_interval` is the global interval.
std::optional<ComponentConfig> validate_component(const YAML::Node& item,
                                                  std::chrono::milliseconds default_interval,
                                                  PathResolver& paths, Problems& problems);

}  // namespace alembic_exporter::config
