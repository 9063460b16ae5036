#pragma once

#include <string>
#include <string_view>

namespace alembic_exporter::cli {

/// Help text of the program (`subcommand` empty) or of one subcommand; empty view when unknown.
std::string_view usage_text(std::string_view subcommand);

/// "alembic_exporter <version> (<revision>)".
std::string version_line();

}  // namespace alembic_exporter::cli
