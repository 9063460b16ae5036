#include "daemon/cli/status_command.hpp"

#include <algorithm>
#include <asio/io_context.hpp>
#include <cstdlib>
#include <memory>
#include <vector>

#include "collectors/enum_table.hpp"
#include "daemon/cli/discovered_targets.hpp"
#include "daemon/cli/status_targets.hpp"
#include "daemon/core/exit_codes.hpp"
#include "daemon/render/status_json.hpp"
#include "daemon/render/status_text.hpp"

namespace alembic_exporter::cli {
namespace {

/// The exit code a component in the state asks for; the worst one decides.
constexpr EnumTable<State, core::ExitCode, all_states.size()> exit_codes = {{
    {State::up_to_date, core::ExitCode::ok},
    {State::behind, core::ExitCode::behind},
    {State::diverged, core::ExitCode::inconsistent},
    {State::no_revision, core::ExitCode::behind},
    {State::unknown_revision, core::ExitCode::inconsistent},
    {State::unreachable, core::ExitCode::unreachable},
    {State::script_error, core::ExitCode::inconsistent},
}};
static_assert(has_rows_for(exit_codes, all_states));

int usage_error(std::ostream& err, const std::string& message) {
  err << "alembic_exporter status: " << message << "\nTry 'alembic_exporter status --help'.\n";
  return core::to_int(core::ExitCode::usage);
}

/// Runs every collector's check concurrently on one io_context; results keep the targets' order.
std::vector<ComponentStatus> check_all(asio::io_context& io,
                                       std::vector<std::unique_ptr<Collector>>& collectors) {
  std::vector<ComponentStatus> results(collectors.size());
  for (std::size_t i = 0; i < collectors.size(); ++i) {
    collectors[i]->check([&results, i](ComponentStatus status) { results[i] = std::move(status); });
  }
  io.run();
  return results;
}

}  // namespace

int run_status_command(std::span<const std::string_view> arguments, std::ostream& out,
                       std::ostream& err) {
  auto parsed = parse_options(arguments, status_option_specs());
  if (auto* error = std::get_if<std::string>(&parsed)) return usage_error(err, *error);
  const auto& options = std::get<ParsedOptions>(parsed);
  const std::string output = options.value("--output").value_or("text");
  if (output != "text" && output != "json") {
    return usage_error(err, "--output must be text or json, not '" + output + "'");
  }

  const char* alembic_config = std::getenv("ALEMBIC_CONFIG");
  auto selected = status_targets(options, std::filesystem::current_path(),
                                 alembic_config == nullptr || *alembic_config == '\0'
                                     ? std::nullopt
                                     : std::optional<std::string>(alembic_config));
  if (auto* error = std::get_if<TargetError>(&selected)) {
    if (error->code == core::ExitCode::usage) return usage_error(err, error->message);
    err << "alembic_exporter status: " << error->message << '\n';
    return core::to_int(error->code);
  }
  asio::io_context io;
  auto expanded = expand_discovered(io, std::get<std::vector<StatusTarget>>(std::move(selected)));
  if (auto* error = std::get_if<std::string>(&expanded)) {
    err << "alembic_exporter status: " << *error << '\n';
    return core::to_int(core::ExitCode::unreachable);
  }
  const auto& targets = std::get<std::vector<StatusTarget>>(expanded);
  auto made = make_collectors(io, targets);
  if (auto* error = std::get_if<std::string>(&made)) {
    err << "alembic_exporter status: " << *error << '\n';
    return core::to_int(core::ExitCode::config);
  }
  auto& collectors = std::get<std::vector<std::unique_ptr<Collector>>>(made);
  std::vector<ComponentStatus> statuses = check_all(io, collectors);
  for (std::size_t i = 0; i < statuses.size(); ++i) label_target(statuses[i], targets[i].source);

  if (output == "json") {
    out << render::render_status_json(statuses);
  } else {
    const render::TextOptions text_options{glyphs_wanted(options), options.has("--verbose")};
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      out << (i == 0 ? "" : "\n")
          << render::render_status_text(statuses[i], targets[i].advice, text_options);
    }
  }
  core::ExitCode worst = core::ExitCode::ok;
  for (const auto& status : statuses) {
    worst = std::max(worst, value_of(exit_codes, status.state, core::ExitCode::software));
  }
  return core::to_int(worst);
}

}  // namespace alembic_exporter::cli
