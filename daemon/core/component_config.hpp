#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "collectors/component_source.hpp"
#include "collectors/target_lister.hpp"
#include "config/validated_config.hpp"

namespace alembic_exporter::core {

/// A configured component as the status command needs it.
struct ConfiguredComponent {
  ComponentSource source;
  /// For a discovering component: what to list (its targets are checked instead of it).
  std::optional<DiscoverySpec> discover;
  std::string upgrade_command;
  std::string merge_command;
};

/// Pure: what the collector factory needs from one validated component.
ComponentSource to_component_source(const config::ComponentConfig& component,
                                    std::chrono::milliseconds timeout);

/// Pure: what the target lister needs from a component's `discover:`.
DiscoverySpec discovery_spec(const config::DiscoverConfig& discover);

/// Loads and validates the daemon's YAML; the error is every problem, one `file:line:col:` line
/// each.
std::variant<std::vector<ConfiguredComponent>, std::string> load_component_configs(
    const std::string& config_file);

}  // namespace alembic_exporter::core
