#include "daemon/cli/serve_command.hpp"

#include <array>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <variant>

#include "config/load_config.hpp"
#include "config/normalized_config.hpp"
#include "config/shard_setting.hpp"
#include "daemon/app/app.hpp"
#include "daemon/app/open_file_limit.hpp"
#include "daemon/cli/option_parser.hpp"
#include "daemon/core/allocator_tuning.hpp"
#include "daemon/core/exit_codes.hpp"
#include "daemon/core/shard.hpp"
#include "daemon/systemd/logger.hpp"
#include "daemon/web/web_config.hpp"

namespace alembic_exporter::cli {
namespace {

constexpr std::array<OptionSpec, 2> config_options = {{{"--config", ""}, {"--shard", ""}}};

struct LoadedConfig {
  config::ValidatedConfig config;
  std::optional<web::WebSettings> web_settings;
  /// `--shard`, which overrides the file's `shard:` at start and at every reload.
  std::optional<config::Shard> command_line_shard;
};

/// Parses `--config FILE [--shard I/N]`, loads and validates the file and its web config; prints
/// problems to `err`.
std::variant<LoadedConfig, core::ExitCode> load(std::string_view command,
                                                std::span<const std::string_view> arguments,
                                                std::ostream& err) {
  auto parsed = parse_options(arguments, config_options);
  const auto* options = std::get_if<ParsedOptions>(&parsed);
  const auto file = options == nullptr ? std::nullopt : options->value("--config");
  const auto usage_error = [&](const std::string& message) {
    err << "alembic_exporter " << command << ": " << message << "\nTry 'alembic_exporter "
        << command << " --help'.\n";
    return core::ExitCode::usage;
  };
  if (!file) {
    return usage_error(options == nullptr ? std::get<std::string>(parsed)
                                          : "--config FILE is required");
  }
  std::optional<config::Shard> shard;
  if (const auto text = options->value("--shard")) {
    auto parsed_shard = config::parse_shard(*text);
    if (const auto* error = std::get_if<config::ParseError>(&parsed_shard)) {
      return usage_error("--shard: " + error->message);
    }
    shard = std::get<config::Shard>(parsed_shard);
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
  LoadedConfig result{std::move(std::get<config::ValidatedConfig>(loaded)), std::nullopt, shard};
  if (shard) result.config.shard = *shard;
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
  auto& [config, web_settings, command_line_shard] = std::get<LoadedConfig>(loaded);

  const auto journal_stream = environment_variable("JOURNAL_STREAM");
  const systemd::Logger logger(
      systemd::choose_log_backend(config::to_string(config.log), journal_stream),
      !systemd::stderr_is_journal(journal_stream));
  app::raise_open_file_limit();
  core::limit_allocator_retention();
  app::App app(std::move(config), std::move(web_settings), command_line_shard, logger);
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
  const auto& config = std::get<LoadedConfig>(loaded).config;
  out << config::render_normalized(config) << core::shard_summary(config);
  return core::to_int(core::ExitCode::ok);
}

}  // namespace alembic_exporter::cli
