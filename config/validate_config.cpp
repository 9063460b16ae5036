#include "config/validate_config.hpp"

#include <array>
#include <filesystem>
#include <map>
#include <string>

#include "config/map_reader.hpp"
#include "config/path_resolver.hpp"
#include "config/shard_setting.hpp"
#include "config/validate_component.hpp"

namespace alembic_exporter::config {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 8> top_level_keys{"listen",          "interval",  "timeout",
                                                         "web_config_file", "log",       "shard",
                                                         "max_connections", "components"};
constexpr std::array<std::string_view, 2> shard_keys{"index", "count"};

std::vector<ListenAddress> read_listen(MapReader& reader, Problems& problems) {
  const auto node = reader.node("listen");
  if (!node) return {ListenAddress{"127.0.0.1", 9747}};
  if (node->IsScalar()) {
    problems.add(node->Mark(),
                 "'listen' must be a list of addresses, not a string (write listen: "
                 "[\"" +
                     node->Scalar() + "\"])");
    return {};
  }
  const auto items = reader.strings("listen");
  if (!items) return {};
  if (items->empty()) problems.add(node->Mark(), "'listen' must list at least one address");
  std::vector<ListenAddress> addresses;
  for (const auto& item : *items) {
    const auto parsed = parse_listen_address(item.value);
    if (const auto* error = std::get_if<ParseError>(&parsed)) {
      problems.add(item.mark, "invalid listen address '" + item.value + "': " + error->message);
    } else if (const auto& address = std::get<ListenAddress>(parsed);
               std::find(addresses.begin(), addresses.end(), address) != addresses.end()) {
      problems.add(item.mark, "duplicate listen address '" + item.value + "'");
    } else {
      addresses.push_back(address);
    }
  }
  return addresses;
}

LogTarget read_log(MapReader& reader, Problems& problems) {
  const auto text = reader.string("log");
  if (!text) return LogTarget::automatic;
  for (const auto& [target, name] : log_target_names) {
    if (text->value == name) return target;
  }
  problems.add(text->mark,
               "invalid log target '" + text->value + "' (expected auto, journald or stderr)");
  return LogTarget::automatic;
}

Shard read_shard(MapReader& reader, Problems& problems) {
  if (const auto written = reader.node("shard"); written && written->IsScalar()) {
    problems.add(written->Mark(),
                 "'shard' must be a mapping, not a string (write shard: {index: "
                 "I, count: N}; on the command line --shard I/N)");
    return {};
  }
  const auto node = reader.mapping("shard");
  if (!node) return {};
  MapReader shard(*node, shard_keys, problems);
  for (const std::string_view key : shard_keys) {
    shard.require(key, "missing required key '" + std::string(key) +
                           "' of 'shard' (expected {index: I, count: N})");
  }
  const auto index = shard.integer("index");
  const auto count = shard.integer("count");
  if (!index || !count) return {};
  if (auto problem = shard_problem(*index, *count)) {
    problems.add(*count < 1 ? shard.node("count")->Mark() : shard.node("index")->Mark(),
                 std::move(*problem));
    return {};
  }
  return Shard{static_cast<std::uint32_t>(*index), static_cast<std::uint32_t>(*count)};
}

std::size_t read_max_connections(MapReader& reader, Problems& problems) {
  const auto value = reader.integer("max_connections");
  if (!value) return default_max_connections;
  if (*value < 1 || *value > 10000) {
    problems.add(reader.node("max_connections")->Mark(),
                 "'max_connections' must be from 1 to 10000, not " + std::to_string(*value));
    return default_max_connections;
  }
  return static_cast<std::size_t>(*value);
}

std::vector<ComponentConfig> read_components(MapReader& reader, std::chrono::milliseconds interval,
                                             PathResolver& paths, Problems& problems) {
  if (!reader.require("components",
                      "missing required key 'components' (expected a list of "
                      "components)")) {
    return {};
  }
  const auto node = *reader.node("components");
  if (!node.IsSequence()) {
    problems.add(node.Mark(),
                 "'components' must be a list of components, not " + std::string(describe(node)));
    return {};
  }
  if (node.size() == 0) problems.add(node.Mark(), "'components' must list at least one component");
  std::vector<ComponentConfig> components;
  std::map<std::string, int> first_line_of_name;
  for (const auto& item : node) {
    if (!item.IsMap()) {
      problems.add(item.Mark(),
                   "each component must be a mapping, not " + std::string(describe(item)));
      continue;
    }
    if (const auto name = item["name"]; name && name.IsScalar()) {
      const auto [first, inserted] = first_line_of_name.emplace(name.Scalar(), name.Mark().line);
      if (!inserted) {
        problems.add(name.Mark(), "duplicate component name '" + name.Scalar() +
                                      "' (first defined on line " +
                                      std::to_string(first->second + 1) + ")");
      }
    }
    if (auto component = validate_component(item, interval, paths, problems)) {
      components.push_back(std::move(*component));
    }
  }
  return components;
}

}  // namespace

ConfigResult validate_config(const YAML::Node& root, std::string_view file_name,
                             const Environment& environment) {
  Problems problems{std::string(file_name)};
  if (root.IsNull()) {
    problems.add(root.Mark(), "the configuration is empty (expected at least 'components')");
    return problems.take_sorted();
  }
  if (!root.IsMap()) {
    problems.add(root.Mark(), "the configuration must be a mapping of settings, not " +
                                  std::string(describe(root)));
    return problems.take_sorted();
  }
  std::error_code error;  // on failure relative paths stay relative to the working directory
  const auto base = std::filesystem::absolute(file_name, error).parent_path();
  PathResolver paths(environment, base, problems);
  MapReader reader(root, top_level_keys, problems);
  ValidatedConfig config;
  config.file = file_name;
  config.listen = read_listen(reader, problems);
  config.interval = reader.duration("interval").value_or(30s);
  config.timeout = reader.duration("timeout").value_or(5s);
  if (const auto web_config = reader.string("web_config_file")) {
    config.web_config_file = paths.file("web_config_file", *web_config);
  }
  config.log = read_log(reader, problems);
  config.shard = read_shard(reader, problems);
  config.max_connections = read_max_connections(reader, problems);
  config.components = read_components(reader, config.interval, paths, problems);
  if (problems.count() > 0) return problems.take_sorted();
  return config;
}

}  // namespace alembic_exporter::config
