#include "daemon/core/component_config.hpp"

#include "config/load_config.hpp"

namespace alembic_exporter::core {

ComponentSource to_component_source(const config::ComponentConfig& component,
                                    std::chrono::milliseconds timeout) {
  ComponentSource source;
  source.name = component.name;
  source.alembic_ini = component.alembic_ini.value_or("");
  source.pyproject_toml = component.pyproject_toml.value_or("");
  source.alembic_section = component.alembic_section;
  source.source_roots = component.source_roots;
  source.script_location = component.script_location.value_or("");
  source.version_locations = component.version_locations;
  if (component.script_location) {
    source.recursive_version_locations = component.recursive_version_locations;
  }
  if (component.database.url) source.database_url = component.database.url->full;
  source.password_file = component.database.password_file;
  source.version_table = component.version_table;
  source.version_table_schema = component.version_table_schema;
  source.expected_heads = static_cast<std::size_t>(component.expected_heads);
  source.timeout = timeout;
  source.keepalive = component.keepalive;
  return source;
}

ComponentStatus unusable_status(const config::ComponentConfig& component,
                                const std::string& error) {
  ComponentStatus status;
  status.component = component.name;
  status.state = State::script_error;
  status.reason = "script_error";
  status.detail = error;
  status.expected_heads = static_cast<std::size_t>(component.expected_heads);
  status.checked_at = std::chrono::system_clock::now();
  return status;
}

DiscoverySpec discovery_spec(const config::DiscoverConfig& discover) {
  return DiscoverySpec{
      .kind = discover.kind == config::DiscoverConfig::Kind::databases
                  ? DiscoverySpec::Kind::databases
                  : DiscoverySpec::Kind::schemas,
      .pattern = discover.pattern,
      .exclude = discover.exclude,
      .max_targets = discover.max_targets,
  };
}

std::variant<std::vector<ConfiguredComponent>, std::string> load_component_configs(
    const std::string& config_file) {
  auto loaded = config::load_config(config_file, config::process_environment());
  if (const auto* problems = std::get_if<std::vector<config::ConfigProblem>>(&loaded)) {
    std::string message;
    for (const auto& problem : *problems) {
      message += (message.empty() ? "" : "\n") + problem.to_string();
    }
    return message;
  }
  const auto& validated = std::get<config::ValidatedConfig>(loaded);
  std::vector<ConfiguredComponent> components;
  for (const auto& component : validated.components) {
    components.push_back(
        {to_component_source(component, validated.timeout),
         component.discover ? std::optional(discovery_spec(*component.discover)) : std::nullopt,
         component.upgrade_command, component.merge_command});
  }
  return components;
}

}  // namespace alembic_exporter::core
