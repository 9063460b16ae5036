#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "collectors/alembic/ini_reader.hpp"

namespace alembic_exporter::alembic {

/// What alembic takes from its ini (`ScriptDirectory.from_config`), with every path resolved.
struct AlembicSettings {
  std::string script_location;  ///< absolute, normalized directory of the scripts (env.py)
  /// Absolute, normalized; `{script_location + "/versions"}` unless `version_locations` is set.
  std::vector<std::string> version_locations;
  bool recursive_version_locations = false;
  /// Interpolated but otherwise as written. May hold a password: never log it.
  std::optional<std::string> sqlalchemy_url;
  std::optional<std::string> version_table;  ///< only when the ini sets it
  std::optional<std::string> version_table_schema;
};

/// Finds the directory of a `package.module:dir` location: given "ai.backend.manager.models" and
/// "alembic", the absolute directory, or nullopt when there is none.
using PackageDirectory =
    std::function<std::optional<std::string>(std::string_view package, std::string_view dir)>;

/// Reads the settings of `[section]` (alembic's `-n`, usually "alembic") from an ini that lives in
/// the absolute directory `ini_directory` (alembic's `%(here)s`). Pure: only `package_dir` may
/// look at anything outside its arguments.
std::variant<AlembicSettings, IniError> read_alembic_settings(const IniFile& file,
                                                              std::string_view ini_directory,
                                                              std::string_view section,
                                                              const PackageDirectory& package_dir);

/// Reads and parses the ini at `ini_path`, resolving `package.module:dir` locations in the first
/// of `source_roots` (default: the ini's directory, then its `src/`) where `package/module/dir`
/// is a directory. Errors are one line, `path:line:col: message`.
std::variant<AlembicSettings, std::string> load_alembic_ini(
    const std::string& ini_path, std::string_view section,
    const std::vector<std::string>& source_roots);

}  // namespace alembic_exporter::alembic
