#include "daemon/cli/status_targets.hpp"

#include <array>
#include <cstdlib>
#include <string_view>

#include "collectors/collector_factory.hpp"
#include "config/alembic_command.hpp"
#include "config/duration.hpp"
#include "daemon/core/component_config.hpp"
#include "daemon/core/split_list.hpp"

namespace alembic_exporter::cli {
namespace {

constexpr std::array<OptionSpec, 14> status_options = {{
    {"--config", ""},
    {"--alembic-ini", "-c"},
    {"--name", "-n"},
    {"--component", ""},
    {"--output", ""},
    {"--database", ""},
    {"--current", ""},
    {"--script-location", ""},
    {"--version-locations", ""},
    {"--recursive-version-locations", "", false},
    {"--source-root", ""},
    {"--plain", "", false},
    {"--verbose", "-v", false},
    {"--timeout", ""},
}};

// `wait` takes the same targets; its --timeout is the whole wait, --check-timeout each check's.
constexpr std::array<OptionSpec, 14> wait_options = {{
    {"--config", ""},
    {"--alembic-ini", "-c"},
    {"--name", "-n"},
    {"--component", ""},
    {"--database", ""},
    {"--script-location", ""},
    {"--version-locations", ""},
    {"--recursive-version-locations", "", false},
    {"--source-root", ""},
    {"--plain", "", false},
    {"--until", ""},
    {"--timeout", ""},
    {"--interval", ""},
    {"--check-timeout", ""},
}};

struct BackendAiComponent {
  std::string_view name;
  std::string_view ini;
};

constexpr std::array<BackendAiComponent, 3> backend_ai_components = {{
    {"manager", "alembic.ini"},
    {"accountmgr", "alembic-accountmgr.ini"},
    {"appproxy", "alembic-appproxy.ini"},
}};

render::StatusAdvice alembic_cli_advice(const std::string& ini) {
  return {config::alembic_command(ini, "upgrade heads"),
          config::alembic_command(ini, "merge heads"), config::alembic_command(ini, "heads"),
          ini.empty() ? "the --database option" : ini};
}

StatusTarget ini_target(std::string name, const std::string& ini,
                        const std::string& pyproject = {}) {
  StatusTarget target{{}, alembic_cli_advice(ini)};
  target.source.name = std::move(name);
  target.source.alembic_ini = ini;
  target.source.pyproject_toml = pyproject;
  return target;
}

bool is_pyproject(const std::string& path) {
  return std::filesystem::path(path).filename() == "pyproject.toml";
}

/// The ini and pyproject.toml alembic's command line would read (config.py
/// `CommandLine._inis_from_config`): `-c` given once or twice names either or both; the other
/// comes from ALEMBIC_CONFIG (an ini, or a file named pyproject.toml) or is alembic.ini /
/// pyproject.toml in the current directory. Files that do not exist are left out, as alembic
/// skips them; nullopt when neither exists.
std::variant<std::optional<std::pair<std::string, std::string>>, TargetError> alembic_config_files(
    const std::vector<std::string>& given, const std::filesystem::path& working_directory,
    const std::optional<std::string>& alembic_config) {
  std::string ini = "alembic.ini";
  std::string pyproject = "pyproject.toml";
  if (alembic_config) (is_pyproject(*alembic_config) ? pyproject : ini) = *alembic_config;
  bool ini_given = false;
  bool pyproject_given = false;
  for (const auto& name : given) {
    bool& seen = is_pyproject(name) ? pyproject_given : ini_given;
    if (seen) {
      return TargetError{core::ExitCode::usage, is_pyproject(name)
                                                    ? "pyproject.toml indicated more than once"
                                                    : "only one ini file may be indicated"};
    }
    seen = true;
    (is_pyproject(name) ? pyproject : ini) = name;
  }
  const auto exists = [&](const std::string& path) {
    return std::filesystem::exists(working_directory / path);
  };
  // A named file that does not exist is still passed on (to be reported as such) unless the
  // other one stands in.
  const bool has_pyproject = exists(pyproject) || (pyproject_given && !exists(ini));
  const bool has_ini = exists(ini) || (ini_given && !has_pyproject);
  if (!has_ini && !has_pyproject) return std::nullopt;
  return std::pair{has_ini ? ini : std::string(), has_pyproject ? pyproject : std::string()};
}

bool is_backend_ai_checkout(const std::filesystem::path& directory) {
  for (const auto& component : backend_ai_components) {
    if (!std::filesystem::exists(directory / component.ini)) return false;
  }
  return true;
}

/// The Backend.AI component an ini belongs to when it sits in a Backend.AI checkout
/// (`alembic-appproxy.ini` is appproxy), else "default".
std::string ini_component_name(const std::string& ini) {
  const std::filesystem::path path(ini);
  const auto directory = path.has_parent_path() ? path.parent_path() : ".";
  if (is_backend_ai_checkout(directory)) {
    for (const auto& preset : backend_ai_components) {
      if (path.filename() == preset.ini) return std::string(preset.name);
    }
  }
  return "default";
}

std::variant<std::vector<StatusTarget>, TargetError> backend_ai_targets(
    const std::string& component) {
  std::vector<StatusTarget> targets;
  for (const auto& preset : backend_ai_components) {
    if (component == "all" || component == preset.name) {
      targets.push_back(ini_target(std::string(preset.name), std::string(preset.ini)));
    }
  }
  if (targets.empty()) {
    return TargetError{
        core::ExitCode::usage,
        "unknown component '" + component + "' (expected manager, accountmgr, appproxy or all)"};
  }
  return targets;
}

std::variant<std::vector<StatusTarget>, TargetError> configured_targets(
    const std::string& config_file, const std::optional<std::string>& component) {
  auto loaded = core::load_component_configs(config_file);
  if (auto* error = std::get_if<std::string>(&loaded)) {
    return TargetError{core::ExitCode::config, *error};
  }
  auto& configured = std::get<std::vector<core::ConfiguredComponent>>(loaded);
  std::vector<StatusTarget> targets;
  for (auto& entry : configured) {
    const bool selected = component ? (*component == "all" || *component == entry.source.name)
                                    : targets.empty();  // the first one by default
    if (!selected) continue;
    // A validated configuration has both commands, its own or alembic's defaults.
    render::StatusAdvice advice = alembic_cli_advice(entry.source.alembic_ini);
    advice.upgrade_command = entry.upgrade_command;
    advice.merge_command = entry.merge_command;
    advice.settings_file = config_file;
    targets.push_back({std::move(entry.source), std::move(advice), std::move(entry.discover)});
  }
  if (targets.empty()) {
    return TargetError{core::ExitCode::usage,
                       "no component '" + component.value_or("") + "' in " + config_file};
  }
  return targets;
}

std::variant<std::vector<StatusTarget>, TargetError> base_targets(
    const ParsedOptions& options, const std::filesystem::path& working_directory,
    const std::optional<std::string>& alembic_config) {
  const auto component = options.value("--component");
  if (const auto config = options.value("--config")) {
    return configured_targets(*config, component);
  }
  const auto given = options.values("--alembic-ini");
  auto files = alembic_config_files(given, working_directory, alembic_config);
  if (auto* error = std::get_if<TargetError>(&files)) return *error;
  const auto& found = std::get<std::optional<std::pair<std::string, std::string>>>(files);
  if (!given.empty()) {
    const auto& [ini, pyproject] = *found;
    const std::string& named = ini.empty() ? pyproject : ini;
    return std::vector{ini_target(component.value_or(ini_component_name(named)), ini, pyproject)};
  }
  if (const auto script_location = options.value("--script-location")) {
    StatusTarget target{{}, alembic_cli_advice("")};
    target.source.name = component.value_or("default");
    target.source.script_location = *script_location;
    return std::vector{std::move(target)};
  }
  if (is_backend_ai_checkout(working_directory)) {
    return backend_ai_targets(component.value_or("manager"));
  }
  if (found) {
    return std::vector{ini_target(component.value_or("default"), found->first, found->second)};
  }
  return TargetError{core::ExitCode::usage,
                     "nothing to check: give --config, -c alembic.ini or --script-location "
                     "(no alembic.ini or pyproject.toml in the current directory)"};
}

}  // namespace

std::span<const OptionSpec> status_option_specs() { return status_options; }

std::span<const OptionSpec> wait_option_specs() { return wait_options; }

bool glyphs_wanted(const ParsedOptions& options) {
  const char* no_color = std::getenv("NO_COLOR");
  return !options.has("--plain") && (no_color == nullptr || *no_color == '\0');
}

std::variant<std::vector<StatusTarget>, TargetError> status_targets(
    const ParsedOptions& options, const std::filesystem::path& working_directory,
    const std::optional<std::string>& alembic_config) {
  std::optional<std::chrono::milliseconds> timeout;
  if (const auto text = options.value("--timeout")) {
    timeout = config::parse_duration(*text);
    if (!timeout || timeout->count() == 0) {
      return TargetError{core::ExitCode::usage,
                         "--timeout takes a duration like 500ms, 5s or 1m, not '" + *text + "'"};
    }
  }
  auto targets = base_targets(options, working_directory, alembic_config);
  auto* list = std::get_if<std::vector<StatusTarget>>(&targets);
  if (list == nullptr) return targets;
  for (auto& target : *list) {
    ComponentSource& source = target.source;
    if (const auto section = options.value("--name")) source.alembic_section = *section;
    if (const auto url = options.value("--database")) {
      source.database_url = *url;
      target.advice.settings_file = "the --database option";
    }
    if (const auto current = options.value("--current")) {
      source.current_override =
          *current == "none" ? std::vector<std::string>{} : core::split_list(*current);
    }
    if (const auto locations = options.value("--version-locations")) {
      source.version_locations = core::split_list(*locations);
    }
    if (options.has("--recursive-version-locations")) source.recursive_version_locations = true;
    if (const auto roots = options.value("--source-root"))
      source.source_roots = core::split_list(*roots);
    if (timeout) source.timeout = *timeout;
  }
  return targets;
}

std::variant<std::vector<std::unique_ptr<Collector>>, std::string> make_collectors(
    asio::io_context& io, const std::vector<StatusTarget>& targets) {
  // One factory: targets on the same script tree share one parsed graph.
  CollectorFactory factory;
  std::vector<std::unique_ptr<Collector>> collectors;
  for (const auto& target : targets) {
    auto made = factory.make(io, target.source);
    if (auto* error = std::get_if<std::string>(&made)) return std::move(*error);
    collectors.push_back(std::move(std::get<std::unique_ptr<Collector>>(made)));
  }
  return collectors;
}

}  // namespace alembic_exporter::cli
