#include "daemon/cli/command_line.hpp"

#include <algorithm>
#include <string>

#include "daemon/cli/serve_command.hpp"
#include "daemon/cli/status_command.hpp"
#include "daemon/cli/usage.hpp"
#include "daemon/cli/wait_command.hpp"
#include "daemon/core/exit_codes.hpp"

namespace alembic_exporter::cli {
namespace {

bool is_help(std::string_view argument) { return argument == "-h" || argument == "--help"; }
bool is_version(std::string_view argument) { return argument == "-V" || argument == "--version"; }

int usage_error(std::ostream& err, std::string_view message, std::string_view subcommand) {
  err << "alembic_exporter: " << message << '\n'
      << "Try 'alembic_exporter " << subcommand << (subcommand.empty() ? "" : " ") << "--help'.\n";
  return core::to_int(core::ExitCode::usage);
}

}  // namespace

int run_command_line(std::span<const std::string_view> arguments, std::ostream& out,
                     std::ostream& err, bool output_is_terminal) {
  if (arguments.empty()) {
    err << usage_text("");
    return core::to_int(core::ExitCode::usage);
  }
  const std::string_view command = arguments.front();
  if (is_help(command)) {
    out << usage_text("");
    return core::to_int(core::ExitCode::ok);
  }
  if (is_version(command)) {
    out << version_line() << '\n';
    return core::to_int(core::ExitCode::ok);
  }
  if (usage_text(command).empty()) {
    return usage_error(err, "unknown command '" + std::string(command) + "'", "");
  }
  const auto options = arguments.subspan(1);
  if (std::any_of(options.begin(), options.end(), is_help)) {
    out << usage_text(command);
    return core::to_int(core::ExitCode::ok);
  }
  if (std::any_of(options.begin(), options.end(), is_version)) {
    out << version_line() << '\n';
    return core::to_int(core::ExitCode::ok);
  }
  if (command == "status") return run_status_command(options, out, err);
  if (command == "serve") return run_serve_command(options, err);
  if (command == "wait") return run_wait_command(options, out, err, output_is_terminal);
  return run_check_config_command(options, out, err);
}

}  // namespace alembic_exporter::cli
