#pragma once

#include <asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "collectors/collector.hpp"
#include "collectors/component_source.hpp"
#include "daemon/cli/option_parser.hpp"
#include "daemon/core/exit_codes.hpp"
#include "daemon/render/status_text.hpp"

namespace alembic_exporter::cli {

/// One component the `status` command reports on, and what to recommend for it.
struct StatusTarget {
  ComponentSource source;
  render::StatusAdvice advice;
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

/// Which components `status` reports on: from `--config`, `-c alembic.ini`,
/// `--script-location`, or else the alembic ini(s) in `working_directory` (a Backend.AI checkout
/// with alembic.ini, alembic-accountmgr.ini and alembic-appproxy.ini gives the components
/// manager, accountmgr and appproxy).
std::variant<std::vector<StatusTarget>, TargetError> status_targets(
    const ParsedOptions& options, const std::filesystem::path& working_directory);

/// One collector per target, in order, or the first target's one-line reason why none can be made.
std::variant<std::vector<std::unique_ptr<Collector>>, std::string> make_collectors(
    asio::io_context& io, const std::vector<StatusTarget>& targets);

}  // namespace alembic_exporter::cli
