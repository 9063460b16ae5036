#include "config/validate_component.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "collectors/database_engine.hpp"
#include "config/alembic_command.hpp"
#include "config/ascii.hpp"
#include "config/database_url_check.hpp"
#include "config/map_reader.hpp"
#include "config/validate_discover.hpp"

namespace alembic_exporter::config {
namespace {

constexpr std::array<std::string_view, 18> component_keys{
    "name",
    "alembic_ini",
    "pyproject_toml",
    "alembic_section",
    "script_location",
    "version_locations",
    "recursive_version_locations",
    "source_roots",
    "database",
    "version_table",
    "version_table_schema",
    "expected_heads",
    "interval",
    "upgrade_command",
    "merge_command",
    "keepalive",
    "ready_states",
    "discover",
};
constexpr std::array<std::string_view, 2> database_keys{"url", "password_file"};

// The name becomes a Prometheus label value and a journald field value.
bool is_valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return is_word_character(c) || c == '.' || c == '-';
  });
}

// Reports `key` when it is given although `needed` is not.
void check_only_with(const MapReader& reader, std::string_view key, std::string_view needed,
                     std::string_view hint, Problems& problems) {
  const auto value = reader.node(key);
  if (value && !reader.node(needed)) {
    problems.add(value->Mark(), "'" + std::string(key) + "' applies only with '" +
                                    std::string(needed) + "'" + std::string(hint));
  }
}

std::optional<std::string> non_empty(std::optional<Located> text, std::string_view key,
                                     Problems& problems) {
  if (text && text->value.empty()) {
    problems.add(text->mark, "'" + std::string(key) + "' must not be empty");
    return std::nullopt;
  }
  if (!text) return std::nullopt;
  return text->value;
}

void read_locations(MapReader& reader, ComponentConfig& component, PathResolver& paths,
                    Problems& problems) {
  if (const auto ini = reader.string("alembic_ini")) {
    component.alembic_ini = paths.file("alembic_ini", *ini);
  }
  if (const auto toml = reader.string("pyproject_toml")) {
    component.pyproject_toml = paths.file("pyproject_toml", *toml);
  }
  if (const auto script = reader.string("script_location")) {
    component.script_location = paths.location("script_location", *script);
  }
  for (const auto& location :
       reader.strings("version_locations").value_or(std::vector<Located>{})) {
    if (auto resolved = paths.location("version_locations", location)) {
      component.version_locations.push_back(std::move(*resolved));
    }
  }
  for (const auto& root : reader.strings("source_roots").value_or(std::vector<Located>{})) {
    if (auto resolved = paths.directory("source_roots", root)) {
      component.source_roots.push_back(std::move(*resolved));
    }
  }
  component.alembic_section =
      non_empty(reader.string("alembic_section"), "alembic_section", problems)
          .value_or(component.alembic_section);
  component.recursive_version_locations =
      reader.boolean("recursive_version_locations").value_or(false);
  check_only_with(reader, "alembic_section", "alembic_ini", "", problems);
  for (std::string_view key : {"version_locations", "recursive_version_locations"}) {
    check_only_with(reader, key, "script_location", " (with alembic_ini, set it in the ini file)",
                    problems);
  }
}

// `needs_url`: without an ini there is no sqlalchemy.url to fall back on.
void read_database(MapReader& reader, ComponentConfig& component, bool needs_url,
                   std::string_view label, PathResolver& paths, Problems& problems) {
  const auto node = reader.mapping("database");
  if (needs_url && !(node && (*node)["url"] && !(*node)["url"].IsNull())) {
    problems.add(node ? node->Mark() : reader.mark(),
                 std::string(label) + " uses '" +
                     (reader.node("script_location") ? "script_location"
                                                     : "pyproject_toml' without 'alembic_ini") +
                     "' and so needs 'database.url'");
  }
  if (node) {
    MapReader database(*node, database_keys, problems);
    if (const auto url = database.string("url")) {
      // The reader's own parser, so that a URL the reader would refuse is refused here, with
      // its position; its messages mask the password.
      auto checked = check_database_url(url->value, paths.base_directory());
      if (auto* configured = std::get_if<ConfiguredUrl>(&checked)) {
        component.database.url = std::move(*configured);
      } else {
        problems.add(url->mark, std::get<std::string>(checked));
      }
    }
    if (const auto file = database.string("password_file")) {
      component.database.password_file = paths.file("password_file", *file);
    }
  }
}

void read_ready_states(MapReader& reader, ComponentConfig& component, Problems& problems) {
  const auto labels = reader.strings("ready_states");
  if (!labels) return;
  if (labels->empty()) {
    problems.add(
        reader.node("ready_states")->Mark(),
        "'ready_states' must name at least one state (expected some of " + state_labels() + ")");
    return;
  }
  component.ready_states.clear();
  for (const auto& label : *labels) {
    const auto state = state_from_string(label.value);
    if (!state) {
      problems.add(label.mark, "unknown state '" + label.value + "' in 'ready_states' (expected " +
                                   state_labels() + ")");
    } else if (std::find(component.ready_states.begin(), component.ready_states.end(), *state) ==
               component.ready_states.end()) {
      component.ready_states.push_back(*state);
    }
  }
}

// Discovery lists pg_database or the schemas of one database: PostgreSQL only. A URL that comes
// from an alembic ini is checked when the daemon starts the component.
void read_discover(MapReader& reader, ComponentConfig& component, Problems& problems) {
  const auto node = reader.mapping("discover");
  if (!node) return;
  component.discover = validate_discover(*node, problems);
  if (component.discover && component.discover->kind == DiscoverConfig::Kind::schemas &&
      component.version_table_schema) {
    problems.add(reader.node("version_table_schema")->Mark(),
                 "'version_table_schema' does not apply with 'discover: schemas' (each discovered "
                 "schema holds its own version table)");
  }
  if (!component.database.url) return;
  const auto engine = database_engine(component.database.url->full);
  const auto* known = std::get_if<DatabaseEngine>(&engine);
  if (known != nullptr && *known != DatabaseEngine::postgresql) {
    problems.add(
        reader.node("discover")->Mark(),
        "'discover' works only with a PostgreSQL database.url (expected postgresql://...)");
  }
}

}  // namespace

std::optional<ComponentConfig> validate_component(const YAML::Node& item,
                                                  std::chrono::milliseconds default_interval,
                                                  PathResolver& paths, Problems& problems) {
  const std::size_t problems_before = problems.count();
  MapReader reader(item, component_keys, problems);
  ComponentConfig component;
  reader.require("name", "component is missing required key 'name'");
  if (const auto name = reader.string("name")) {
    component.name = name->value;
    if (!is_valid_name(name->value)) {
      problems.add(name->mark, "invalid component name '" + name->value +
                                   "' (expected letters, digits, '_', '.' and '-')");
    }
  }
  const std::string label =
      component.name.empty() ? "component" : "component '" + component.name + "'";
  const bool has_ini = reader.node("alembic_ini").has_value();
  const bool has_toml = reader.node("pyproject_toml").has_value();
  const bool has_script = reader.node("script_location").has_value();
  // An ini and a pyproject.toml may go together, as alembic reads both (ini options win).
  for (const auto& [set, key] :
       {std::pair(has_ini, "alembic_ini"), std::pair(has_toml, "pyproject_toml")}) {
    if (set && has_script) {
      problems.add(reader.mark(),
                   label + " sets both '" + key + "' and 'script_location' (expected one of them)");
    }
  }
  if (!has_ini && !has_toml && !has_script) {
    problems.add(reader.mark(),
                 label + " needs 'alembic_ini', 'pyproject_toml' or 'script_location'");
  }
  read_locations(reader, component, paths, problems);
  // Without an ini there is no sqlalchemy.url to fall back on.
  read_database(reader, component, !has_ini && (has_script || has_toml), label, paths, problems);
  component.version_table = non_empty(reader.string("version_table"), "version_table", problems)
                                .value_or(component.version_table);
  component.version_table_schema =
      non_empty(reader.string("version_table_schema"), "version_table_schema", problems);
  if (const auto heads = reader.integer("expected_heads")) {
    if (*heads < 1 || *heads > 1000) {
      problems.add(reader.node("expected_heads")->Mark(),
                   "'expected_heads' must be from 1 to 1000, not " + std::to_string(*heads));
    } else {
      component.expected_heads = static_cast<int>(*heads);
    }
  }
  component.interval = reader.duration("interval").value_or(default_interval);
  // alembic >= 1.16 takes `-c` twice: `alembic -c app.ini -c pyproject.toml upgrade heads`.
  std::string config_files = component.alembic_ini.value_or("");
  if (component.pyproject_toml) {
    config_files += (config_files.empty() ? "" : " -c ") + *component.pyproject_toml;
  }
  component.upgrade_command =
      non_empty(reader.string("upgrade_command"), "upgrade_command", problems)
          .value_or(alembic_command(config_files, "upgrade heads"));
  component.merge_command = non_empty(reader.string("merge_command"), "merge_command", problems)
                                .value_or(alembic_command(config_files, "merge heads"));
  read_discover(reader, component, problems);
  // Hundreds of discovered targets must not hold hundreds of idle connections.
  component.keepalive = reader.boolean("keepalive").value_or(!component.discover.has_value());
  read_ready_states(reader, component, problems);
  if (problems.count() != problems_before) return std::nullopt;
  return component;
}

}  // namespace alembic_exporter::config
