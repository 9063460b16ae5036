#include "config/normalized_config.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>

#include "config/duration.hpp"

namespace alembic_exporter::config {
namespace {

void optional_value(YAML::Emitter& out, const std::optional<std::string>& value) {
  if (value) {
    out << *value;
  } else {
    out << YAML::Null;
  }
}

void string_list(YAML::Emitter& out, const std::vector<std::string>& values) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const auto& value : values) out << value;
  out << YAML::EndSeq;
}

void component_locations(YAML::Emitter& out, const ComponentConfig& component) {
  if (component.alembic_ini) {
    out << YAML::Key << "alembic_ini" << YAML::Value << *component.alembic_ini;
    out << YAML::Key << "alembic_section" << YAML::Value << component.alembic_section;
  }
  if (component.pyproject_toml) {
    out << YAML::Key << "pyproject_toml" << YAML::Value << *component.pyproject_toml;
  }
  if (!component.alembic_ini && !component.pyproject_toml) {
    out << YAML::Key << "script_location" << YAML::Value;
    optional_value(out, component.script_location);
    out << YAML::Key << "version_locations" << YAML::Value;
    string_list(out, component.version_locations);
    out << YAML::Key << "recursive_version_locations" << YAML::Value
        << component.recursive_version_locations;
  }
  out << YAML::Key << "source_roots" << YAML::Value;
  string_list(out, component.source_roots);
}

void component_map(YAML::Emitter& out, const ComponentConfig& component) {
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << component.name;
  component_locations(out, component);
  out << YAML::Key << "database" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "url" << YAML::Value;
  optional_value(out, component.database.url
                          ? std::optional<std::string>(component.database.url->redacted)
                          : std::nullopt);
  out << YAML::Key << "password_file" << YAML::Value;
  optional_value(out, component.database.password_file);
  out << YAML::EndMap;
  out << YAML::Key << "version_table" << YAML::Value << component.version_table;
  out << YAML::Key << "version_table_schema" << YAML::Value;
  optional_value(out, component.version_table_schema);
  out << YAML::Key << "expected_heads" << YAML::Value << component.expected_heads;
  out << YAML::Key << "interval" << YAML::Value << format_duration(component.interval);
  out << YAML::Key << "upgrade_command" << YAML::Value << component.upgrade_command;
  out << YAML::Key << "merge_command" << YAML::Value << component.merge_command;
  out << YAML::Key << "keepalive" << YAML::Value << component.keepalive;
  out << YAML::Key << "ready_states" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const State state : component.ready_states) out << std::string(to_string(state));
  out << YAML::EndSeq;
  out << YAML::EndMap;
}

}  // namespace

std::string render_normalized(const ValidatedConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "listen" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& address : config.listen) out << address.to_string();
  out << YAML::EndSeq;
  out << YAML::Key << "interval" << YAML::Value << format_duration(config.interval);
  out << YAML::Key << "timeout" << YAML::Value << format_duration(config.timeout);
  out << YAML::Key << "web_config_file" << YAML::Value;
  optional_value(out, config.web_config_file);
  out << YAML::Key << "log" << YAML::Value << std::string(to_string(config.log));
  out << YAML::Key << "shard" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "index" << YAML::Value << config.shard.index;
  out << YAML::Key << "count" << YAML::Value << config.shard.count;
  out << YAML::EndMap;
  out << YAML::Key << "max_connections" << YAML::Value << config.max_connections;
  out << YAML::Key << "components" << YAML::Value << YAML::BeginSeq;
  for (const auto& component : config.components) component_map(out, component);
  out << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace alembic_exporter::config
