#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace alembic_exporter::cli {

/// `alembic_exporter serve --config FILE`: runs the exporter until SIGTERM/SIGINT (exit 0);
/// 78 for an invalid configuration, 1 when it cannot listen.
int run_serve_command(std::span<const std::string_view> options, std::ostream& err);

/// `alembic_exporter check-config --config FILE`: prints the normalized configuration (exit 0)
/// or every problem, one `file:line:col: message` per line (exit 78).
int run_check_config_command(std::span<const std::string_view> options, std::ostream& out,
                             std::ostream& err);

}  // namespace alembic_exporter::cli
