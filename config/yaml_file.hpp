#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

#include "config/problems.hpp"

namespace alembic_exporter::config {

/// The YAML document in `text`, or nullopt after reporting the syntax error at its place.
std::optional<YAML::Node> parse_yaml(std::string_view text, Problems& problems);

/// The text of the file `problems.file()`, or nullopt after reporting "cannot read `what`
/// (reason)" without a position.
std::optional<std::string> read_file_text(std::string_view what, Problems& problems);

}  // namespace alembic_exporter::config
