#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace alembic_exporter::cli {

/// Dispatches `alembic_exporter <command> ...` and returns the process exit code.
/// `output_is_terminal`: `out` is a terminal (`wait` then shows a live progress line).
int run_command_line(std::span<const std::string_view> arguments, std::ostream& out,
                     std::ostream& err, bool output_is_terminal = false);

}  // namespace alembic_exporter::cli
