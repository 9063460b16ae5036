#pragma once

#include <asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "collectors/collector.hpp"
#include "collectors/component_source.hpp"
#include "collectors/target_lister.hpp"
#include "daemon/cli/option_parser.hpp"
#include "daemon/core/exit_codes.hpp"
#include "daemon/render/status_text.hpp"

namespace alembic_exporter::cli {

/// One component the `status` command reports on, and what to recommend for it.
struct StatusTarget {
  ComponentSource source;
  render::StatusAdvice advice;
  /// A discovering component of `--config`: expand_discovered replaces it by its targets.
  std::optional<DiscoverySpec> discover{};
};

struct TargetError {
  core::ExitCode code;
  std::string message;
};

/// The options `status` accepts (see usage.cpp).
std::span<const OptionSpec> status_option_specs();
/// The options `wait` accepts: the same targets, and how long and for what to wait.
std::span<const OptionSpec> wait_option_specs();

/// Whether the headline glyphs are wanted: not with --plain, nor when NO_COLOR is set.
bool glyphs_wanted(const ParsedOptions& options);

/// Which components `status` reports on: from `--config`, `-c` (an ini, a pyproject.toml, or one
/// of each, as alembic >= 1.16's `-c` may be given twice), `--script-location`, or else the
/// alembic configuration in `working_directory`: a Backend.AI checkout (alembic.ini,
/// alembic-accountmgr.ini and alembic-appproxy.ini give the components manager, accountmgr and
/// appproxy), else `alembic_config` (the ALEMBIC_CONFIG variable, an ini or a pyproject.toml) or
/// alembic.ini, and pyproject.toml, as alembic's `CommandLine._inis_from_config` finds them.
std::variant<std::vector<StatusTarget>, TargetError> status_targets(
    const ParsedOptions& options, const std::filesystem::path& working_directory,
    const std::optional<std::string>& alembic_config = std::nullopt);

/// One collector per target, in order, or the first target's one-line reason why none can be made.
std::variant<std::vector<std::unique_ptr<Collector>>, std::string> make_collectors(
    asio::io_context& io, const std::vector<StatusTarget>& targets);

}  // namespace alembic_exporter::cli
