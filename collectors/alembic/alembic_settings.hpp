#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "collectors/alembic/ini_reader.hpp"
#include "collectors/alembic/pyproject_reader.hpp"

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

/// A pyproject.toml's `[tool.alembic]` and the absolute directory it lives in (its `%(here)s`,
/// and where its relative paths start).
struct PyprojectSource {
  PyprojectSettings settings;
  std::string directory;
  std::string file;  ///< as given, for messages
};

/// A settings error, located in the ini or (`in_pyproject`) in the pyproject.toml.
struct SettingsError {
  IniError error;
  bool in_pyproject = false;
};

/// Reads the settings of `[section]` (alembic's `-n`, usually "alembic") from an ini that lives in
/// the absolute directory `ini_directory` (alembic's `%(here)s`) and, when given, a
/// pyproject.toml's `[tool.alembic]`: as alembic >= 1.16's `Config.get_alembic_option`, an option
/// set in the ini wins, else the TOML's counts. Pure: only `package_dir` may look at anything
/// outside its arguments. An empty IniFile stands for an absent ini.
std::variant<AlembicSettings, SettingsError> read_alembic_settings(
    const IniFile& file, std::string_view ini_directory, std::string_view section,
    const PackageDirectory& package_dir, const PyprojectSource* pyproject = nullptr);

/// The files alembic's command line reads (`CommandLine._inis_from_config`): an ini and/or a
/// pyproject.toml; each is read when it exists, as alembic does, and at least one must.
struct AlembicConfigFiles {
  std::string ini;
  std::string pyproject;  ///< empty: none
};

/// Reads and parses the files, resolving `package.module:dir` locations in the first of
/// `source_roots` (default: the ini's (else the TOML's) directory, then its `src/`) where
/// `package/module/dir` is a directory. Errors are one line, `path:line:col: message`.
std::variant<AlembicSettings, std::string> load_alembic_config(
    const AlembicConfigFiles& files, std::string_view section,
    const std::vector<std::string>& source_roots);

}  // namespace alembic_exporter::alembic
