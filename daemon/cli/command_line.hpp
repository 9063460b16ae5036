#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace alembic_exporter::cli {

/// Dispatches `alembic_exporter <command> ...` and returns the process exit code.
int run_command_line(std::span<const std::string_view> arguments, std::ostream& out,
                     std::ostream& err);

}  // namespace alembic_exporter::cli
