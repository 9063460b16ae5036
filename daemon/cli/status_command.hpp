#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace alembic_exporter::cli {

/// `alembic_exporter status [options]`: checks the selected components once, prints the report
/// (text or JSON) and returns the exit code of docs/CONTRACT.md "Exit codes".
int run_status_command(std::span<const std::string_view> options, std::ostream& out,
                       std::ostream& err);

}  // namespace alembic_exporter::cli
