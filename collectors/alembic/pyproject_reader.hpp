#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "collectors/alembic/ini_reader.hpp"

namespace alembic_exporter::alembic {

/// The path settings alembic >= 1.16 reads from `[tool.alembic]` of a pyproject.toml
/// (`Config.toml_alembic_config`), strings already formatted with `%(here)s` as
/// `Config._get_toml_config_value` does. Absent keys are nullopt. `path_separator` is not here:
/// alembic reads it with `get_main_option`, from the ini only, and a TOML `version_locations` is
/// a list that needs none.
struct PyprojectSettings {
  struct Place {
    int line = 0;
    int column = 0;
  };
  std::optional<std::string> script_location;
  Place script_location_at;
  std::optional<std::vector<std::string>> version_locations;
  Place version_locations_at;
  std::optional<bool> recursive_version_locations;
};

/// Pure: reads a pyproject.toml's text; `here` is its absolute directory. A file without
/// `[tool.alembic]` gives empty settings, as in alembic. Errors are located at the offending
/// value (line and column 1-based; 0 for the file as a whole).
std::variant<PyprojectSettings, IniError> parse_pyproject(std::string_view text,
                                                          std::string_view here);

}  // namespace alembic_exporter::alembic
