#include "daemon/cli/serve_command.hpp"

#include <array>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <variant>

#include "config/load_config.hpp"
#include "config/normalized_config.hpp"
#include "daemon/app/app.hpp"
#include "daemon/app/open_file_limit.hpp"
#include "daemon/cli/option_parser.hpp"
#include "daemon/core/allocator_tuning.hpp"
#include "daemon/core/exit_codes.hpp"
#include "daemon/systemd/logger.hpp"
#include "daemon/web/web_config.hpp"

namespace alembic_exporter::cli {
namespace {

constexpr std::array<OptionSpec, 1> config_option = {{{"--config", ""}}};

struct LoadedConfig {
  config::ValidatedConfig config;
  std::optional<web::WebSettings> web_settings;
};

/// Parses `--config FILE`, loads and validates it and its web config; prints problems to `err`.
std::variant<LoadedConfig, core::ExitCode> load(std::string_view command,
                                                std::span<const std::string_view> arguments,
                                                std::ostream& err) {
  auto parsed = parse_options(arguments, config_option);
  const auto* options = std::get_if<ParsedOptions>(&parsed);
  const auto file = options == nullptr ? std::nullopt : options->value("--config");
  if (!file) {
    err << "alembic_exporter " << command << ": "
        << (options == nullptr ? std::get<std::string>(parsed) : "--config FILE is required")
        << "\nTry 'alembic_exporter " << command << " --help'.\n";
    return core::ExitCode::usage;
  }
  const auto reported = [&err](const auto& result) {
    const auto* problems = std::get_if<std::vector<config::ConfigProblem>>(&result);
    if (problems != nullptr) {
      for (const auto& problem : *problems) err << problem.to_string() << '\n';
    }
    return problems != nullptr;
  };
  auto loaded = config::load_config(*file, config::process_environment());
  if (reported(loaded)) return core::ExitCode::config;
  LoadedConfig result{std::move(std::get<config::ValidatedConfig>(loaded)), std::nullopt};
  if (result.config.web_config_file) {
    auto web = web::load_web_settings(*result.config.web_config_file);
    if (reported(web)) return core::ExitCode::config;
    result.web_settings = std::move(std::get<web::WebSettings>(web));
  }
  return result;
}

std::optional<std::string> environment_variable(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

}  // namespace

int run_serve_command(std::span<const std::string_view> options, std::ostream& err) {
  auto loaded = load("serve", options, err);
  if (const auto* code = std::get_if<core::ExitCode>(&loaded)) return core::to_int(*code);
  auto& [config, web_settings] = std::get<LoadedConfig>(loaded);

  const auto journal_stream = environment_variable("JOURNAL_STREAM");
  const systemd::Logger logger(
      systemd::choose_log_backend(config::to_string(config.log), journal_stream),
      !systemd::stderr_is_journal(journal_stream));
  app::raise_open_file_limit();
  core::limit_allocator_retention();
  app::App app(std::move(config), std::move(web_settings), logger);
  try {
    app.run();
  } catch (const std::runtime_error& error) {
    logger.log(systemd::LogLevel::error, {}, error.what());
    return core::to_int(core::ExitCode::unavailable);
  }
  return core::to_int(core::ExitCode::ok);
}

int run_check_config_command(std::span<const std::string_view> options, std::ostream& out,
                             std::ostream& err) {
  auto loaded = load("check-config", options, err);
  if (const auto* code = std::get_if<core::ExitCode>(&loaded)) return core::to_int(*code);
  out << config::render_normalized(std::get<LoadedConfig>(loaded).config);
  return core::to_int(core::ExitCode::ok);
}

}  // namespace alembic_exporter::cli
