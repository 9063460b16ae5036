#pragma once

#include <string>
#include <string_view>

#include "config/environment.hpp"
#include "config/validate_config.hpp"

namespace alembic_exporter::config {

/// Parses YAML `text` and validates it; a YAML syntax error is a problem at its position.
ConfigResult parse_config(std::string_view text, std::string_view file_name,
                          const Environment& environment);

/// Reads the file `file_name` and parses it; an unreadable file is a problem without position.
ConfigResult load_config(const std::string& file_name, const Environment& environment);

}  // namespace alembic_exporter::config
