#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

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

/// Which components `status` reports on: from `--config`, `-c` (an ini, a pyproject.toml, or one
/// of each, as alembic >= 1.16's `-c` may be given twice), `--script-location`, or else the
/// alembic configuration in `working_directory`: a Backend.AI checkout (alembic.ini,
/// alembic-accountmgr.ini and alembic-appproxy.ini give the components manager, accountmgr and
/// appproxy), else `alembic_config` (the ALEMBIC_CONFIG variable, an ini or a pyproject.toml) or
/// alembic.ini, and pyproject.toml, as alembic's `CommandLine._inis_from_config` finds them.
std::variant<std::vector<StatusTarget>, TargetError> status_targets(
    const ParsedOptions& options, const std::filesystem::path& working_directory,
    const std::optional<std::string>& alembic_config = std::nullopt);

}  // namespace alembic_exporter::cli
