#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "collectors/component_source.hpp"
#include "collectors/component_status.hpp"
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

/// Pure: the status of a component (or target) for which no collector could be made, `error`
/// saying why: a script error, reported rather than dropped silently (a valid configuration can
/// still name an ini edited since).
ComponentStatus unusable_status(const config::ComponentConfig& component, const std::string& error);

/// Pure: what the target lister needs from a component's `discover:`.
DiscoverySpec discovery_spec(const config::DiscoverConfig& discover);

/// Loads and validates the daemon's YAML; the error is every problem, one `file:line:col:` line
/// each.
std::variant<std::vector<ConfiguredComponent>, std::string> load_component_configs(
    const std::string& config_file);

}  // namespace alembic_exporter::core
