#include "collectors/alembic/alembic_settings.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <system_error>

namespace alembic_exporter::alembic {
namespace {

namespace fs = std::filesystem;

std::string normalized(const fs::path& path) {
  std::string text = path.lexically_normal().string();
  if (text.size() > 1 && text.ends_with('/')) text.pop_back();
  return text;
}

/// Interpolated options of one section, keeping the first error; after it every read is empty.
class OptionReader {
 public:
  OptionReader(const IniFile& file, std::string_view section, std::string_view ini_directory)
      : file_(file), section_(section), defaults_{{"here", std::string(ini_directory)}} {}

  std::optional<std::string> operator()(std::string_view key) {
    if (error || file_.option(section_, key) == nullptr) return {};
    auto value = interpolated(file_, section_, key, defaults_);
    if (auto* failure = std::get_if<IniError>(&value)) {
      error = std::move(*failure);
      return {};
    }
    return std::get<std::string>(std::move(value));
  }

  /// An error about the value of `key`, which must be set.
  IniError value_error(std::string_view key, std::string message) const {
    const auto* option = file_.option(section_, key);
    return {option->line, option->column, std::move(message)};
  }

  std::optional<IniError> error;

 private:
  const IniFile& file_;
  std::string_view section_;
  std::map<std::string, std::string> defaults_;
};

/// A location alembic's util.coerce_resource_to_filename treats as a package resource: relative,
/// with a colon, "package.module:dir[:subdir...]".
struct PackageLocation {
  std::string_view package;
  std::string dir;
};

std::optional<PackageLocation> package_location(std::string_view location) {
  const auto colon = location.find(':');
  if (colon == std::string_view::npos || fs::path(location).is_absolute()) return {};
  std::string dir(location.substr(colon + 1));
  std::ranges::replace(dir, ':', '/');
  return PackageLocation{location.substr(0, colon), dir};
}

// "ai.backend.manager.models", "alembic" -> "ai/backend/manager/models/alembic"
std::string package_relative_path(std::string_view package, std::string_view dir) {
  std::string path(package);
  std::ranges::replace(path, '.', '/');
  return (fs::path(path) / dir).string();
}

// Config._get_file_separator_char's split_on_path, plus "," of some alembic versions.
// Pieces are stripped (alembic >= 1.13 does) and empty ones dropped: alembic would turn "" into
// the current directory.
std::optional<std::vector<std::string>> split_locations(
    std::string_view text, const std::optional<std::string>& separator) {
  static const std::map<std::string, std::string_view, std::less<>> separators = {
      {"space", " "}, {"newline", "\n"}, {"os", ":"}, {":", ":"}, {";", ";"}, {",", ","}};
  std::string_view delimiters = ", ";  // legacy `, *| +` splits on every comma and space
  if (separator) {
    const auto found = separators.find(*separator);
    if (found == separators.end()) return {};
    delimiters = found->second;
  }
  std::vector<std::string> pieces;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find_first_of(delimiters, start), text.size());
    const auto piece = text.substr(start, end - start);
    const auto first = piece.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos) {
      pieces.emplace_back(piece.substr(first, piece.find_last_not_of(" \t\r\n") - first + 1));
    }
    start = end + 1;
  }
  return pieces;
}

// configparser's getboolean (RawConfigParser.BOOLEAN_STATES).
std::optional<bool> boolean(std::string value) {
  std::ranges::transform(value, value.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value == "1" || value == "yes" || value == "true" || value == "on") return true;
  if (value == "0" || value == "no" || value == "false" || value == "off") return false;
  return {};
}

}  // namespace

std::variant<AlembicSettings, SettingsError> read_alembic_settings(
    const IniFile& file, std::string_view ini_directory, std::string_view section,
    const PackageDirectory& package_dir, const PyprojectSource* pyproject) {
  const std::string label = "[" + std::string(section) + "]";
  const auto* found_section = file.section(section);
  const auto in_ini = [](IniError error) { return SettingsError{std::move(error), false}; };
  const PyprojectSettings* toml = pyproject == nullptr ? nullptr : &pyproject->settings;
  const bool toml_has_location = toml != nullptr && toml->script_location;
  const auto nowhere = [&] {
    return in_ini(IniError{
        0, 0, "no script_location in " + label + " nor in [tool.alembic] of " + pyproject->file});
  };
  if (found_section == nullptr && !toml_has_location) {
    if (pyproject != nullptr) return nowhere();
    return in_ini(
        IniError{0, 0, "no " + label + " section (expected one holding script_location)"});
  }
  OptionReader read(file, section, ini_directory);
  const auto script_location = read("script_location");
  const auto locations = read("version_locations");
  // alembic >= 1.16 reads path_separator, then the deprecated version_path_separator.
  const char* separator_key = "path_separator";
  auto separator = read(separator_key);
  if (!separator) {
    separator_key = "version_path_separator";
    separator = read(separator_key);
  }
  const auto recursive = read("recursive_version_locations");
  AlembicSettings settings;
  settings.sqlalchemy_url = read("sqlalchemy.url");
  settings.version_table = read("version_table");
  settings.version_table_schema = read("version_table_schema");
  if (read.error) return in_ini(*read.error);

  if (!script_location && !toml_has_location) {
    if (pyproject != nullptr) return nowhere();
    return in_ini(IniError{found_section->line, 1,
                           label + " has no script_location (expected e.g. "
                                   "'script_location = %(here)s/migrations')"});
  }
  // Relative paths are relative to the current directory in alembic; we resolve them against
  // the directory of the file that sets them instead (the product spec's choice) so the result
  // does not depend on where the exporter runs.
  const auto resolve = [&](std::string_view key, std::string_view location, std::string_view base,
                           const std::function<SettingsError(std::string)>& error_at)
      -> std::variant<std::string, SettingsError> {
    if (location.empty()) return error_at(std::string(key) + " is empty");
    const auto package = package_location(location);
    if (!package) return normalized(fs::path(base) / location);
    if (auto found = package_dir(package->package, package->dir)) return normalized(*found);
    return error_at("no directory for '" + std::string(location) + "' (expected " +
                    package_relative_path(package->package, package->dir) +
                    " under a source root)");
  };
  const auto ini_error = [&read](std::string_view key) {
    return [&read, key](std::string message) {
      return SettingsError{read.value_error(key, std::move(message)), false};
    };
  };
  const auto toml_error = [](PyprojectSettings::Place at) {
    return [at](std::string message) {
      return SettingsError{{at.line, at.column, std::move(message)}, true};
    };
  };

  auto script_directory = script_location
                              ? resolve("script_location", *script_location, ini_directory,
                                        ini_error("script_location"))
                              : resolve("script_location", *toml->script_location,
                                        pyproject->directory, toml_error(toml->script_location_at));
  if (auto* error = std::get_if<SettingsError>(&script_directory)) return *error;
  settings.script_location = std::get<std::string>(std::move(script_directory));

  if (locations && !locations->empty()) {
    const auto pieces = split_locations(*locations, separator);
    if (!pieces) {
      return in_ini(read.value_error(separator_key, "'" + *separator + "' is not a " +
                                                        separator_key +
                                                        " (expected 'space', 'newline', 'os', "
                                                        "':', ';' or ',')"));
    }
    for (const auto& piece : *pieces) {
      auto location =
          resolve("version_locations", piece, ini_directory, ini_error("version_locations"));
      if (auto* error = std::get_if<SettingsError>(&location)) return *error;
      settings.version_locations.push_back(std::get<std::string>(std::move(location)));
    }
  } else if (toml != nullptr && toml->version_locations) {
    for (const auto& piece : *toml->version_locations) {
      auto location = resolve("version_locations", piece, pyproject->directory,
                              toml_error(toml->version_locations_at));
      if (auto* error = std::get_if<SettingsError>(&location)) return *error;
      settings.version_locations.push_back(std::get<std::string>(std::move(location)));
    }
  }
  // alembic falls back to <script_location>/versions when the list is empty, too.
  if (settings.version_locations.empty()) {
    settings.version_locations.push_back(
        normalized(fs::path(settings.script_location) / "versions"));
  }

  if (recursive) {
    const auto value = boolean(*recursive);
    if (!value) {
      return in_ini(read.value_error("recursive_version_locations",
                                     "'" + *recursive +
                                         "' is not a boolean (expected true/false, yes/no, "
                                         "on/off or 1/0)"));
    }
    settings.recursive_version_locations = *value;
  } else if (toml != nullptr && toml->recursive_version_locations) {
    settings.recursive_version_locations = *toml->recursive_version_locations;
  }
  return settings;
}

namespace {

/// The whole text of `path`, or why it cannot be read.
std::variant<std::string, std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return std::variant<std::string, std::string>(
        std::in_place_index<1>,
        path + ": cannot open (" + std::generic_category().message(error) + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::variant<std::string, std::string>(std::in_place_index<0>, text.str());
}

std::string located(const std::string& path, const IniError& error) {
  if (error.line == 0) return path + ": " + error.message;
  return path + ":" + std::to_string(error.line) + ":" + std::to_string(error.column) + ": " +
         error.message;
}

}  // namespace

std::variant<AlembicSettings, std::string> load_alembic_config(
    const AlembicConfigFiles& files, std::string_view section,
    const std::vector<std::string>& source_roots) {
  // Config reads each file only when it exists (configparser's read, `toml_file_path.exists()`).
  std::optional<std::string> ini_text;
  std::optional<std::string> toml_text;
  std::string cannot_open;
  if (!files.ini.empty()) {
    auto text = read_text(files.ini);
    if (text.index() == 0) {
      ini_text = std::get<0>(std::move(text));
    } else {
      cannot_open = std::get<1>(std::move(text));
    }
  }
  if (!files.pyproject.empty()) {
    auto text = read_text(files.pyproject);
    if (text.index() == 0) {
      toml_text = std::get<0>(std::move(text));
    } else if (cannot_open.empty()) {
      cannot_open = std::get<1>(std::move(text));
    }
  }
  if (!ini_text && !toml_text) return cannot_open;

  const auto directory_of = [](const std::string& path) {
    return fs::absolute(path).lexically_normal().parent_path();
  };
  const auto base = directory_of(ini_text ? files.ini : files.pyproject);
  std::vector<fs::path> roots(source_roots.begin(), source_roots.end());
  if (roots.empty()) roots = {base, base / "src"};
  const auto package_dir = [&](std::string_view package,
                               std::string_view dir) -> std::optional<std::string> {
    for (const auto& root : roots) {
      const auto candidate = fs::absolute(root / package_relative_path(package, dir));
      std::error_code ignored;
      if (fs::is_directory(candidate, ignored)) return candidate.string();
    }
    return std::nullopt;
  };

  IniFile ini;
  if (ini_text) {
    auto parsed = parse_ini(*ini_text);
    if (auto* error = std::get_if<IniError>(&parsed)) return located(files.ini, *error);
    ini = std::get<IniFile>(std::move(parsed));
  }
  std::optional<PyprojectSource> pyproject;
  if (toml_text) {
    const std::string directory = directory_of(files.pyproject).string();
    auto parsed = parse_pyproject(*toml_text, directory);
    if (auto* error = std::get_if<IniError>(&parsed)) return located(files.pyproject, *error);
    pyproject =
        PyprojectSource{std::get<PyprojectSettings>(std::move(parsed)), directory, files.pyproject};
  }
  auto settings =
      read_alembic_settings(ini, ini_text ? directory_of(files.ini).string() : base.string(),
                            section, package_dir, pyproject ? &*pyproject : nullptr);
  if (auto* error = std::get_if<SettingsError>(&settings)) {
    return located(error->in_pyproject || !ini_text ? files.pyproject : files.ini, error->error);
  }
  return std::get<AlembicSettings>(std::move(settings));
}

}  // namespace alembic_exporter::alembic
