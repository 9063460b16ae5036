#include "collectors/alembic/alembic_settings.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
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

// ScriptDirectory.from_config's split_on_path, plus "newline" and "," of later alembic versions.
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

/// Resolves the locations of a section: a directory, or a `package.module:dir` resource.
class LocationResolver {
 public:
  LocationResolver(const OptionReader& read, std::string_view ini_directory,
                   const PackageDirectory& package_dir)
      : read_(read), ini_directory_(ini_directory), package_dir_(package_dir) {}

  // Relative paths are relative to the current directory in alembic; they are resolved against
  // the ini's directory instead (a choice of ours) so that the result does not depend on where
  // the exporter runs.
  std::variant<std::string, IniError> operator()(std::string_view key,
                                                 std::string_view location) const {
    if (location.empty()) return read_.value_error(key, std::string(key) + " is empty");
    const auto package = package_location(location);
    if (!package) return normalized(fs::path(ini_directory_) / location);
    if (auto found = package_dir_(package->package, package->dir)) return normalized(*found);
    return read_.value_error(key, "no directory for '" + std::string(location) + "' (expected " +
                                      package_relative_path(package->package, package->dir) +
                                      " under a source root)");
  }

 private:
  const OptionReader& read_;
  std::string_view ini_directory_;
  const PackageDirectory& package_dir_;
};

/// `version_locations`, split and resolved; `<script_location>/versions` when it is unset or
/// empty, as in alembic.
std::variant<std::vector<std::string>, IniError> version_locations(
    const std::optional<std::string>& locations, const std::optional<std::string>& separator,
    const OptionReader& read, const LocationResolver& resolve, const std::string& script_location) {
  std::vector<std::string> resolved;
  if (locations && !locations->empty()) {
    const auto pieces = split_locations(*locations, separator);
    if (!pieces) {
      return read.value_error("version_path_separator",
                              "'" + *separator +
                                  "' is not a version_path_separator (expected 'space', "
                                  "'newline', 'os', ':', ';' or ',')");
    }
    for (const auto& piece : *pieces) {
      auto location = resolve("version_locations", piece);
      if (auto* error = std::get_if<IniError>(&location)) return *error;
      resolved.push_back(std::get<std::string>(std::move(location)));
    }
  }
  if (resolved.empty()) resolved.push_back(normalized(fs::path(script_location) / "versions"));
  return resolved;
}

/// `recursive_version_locations`, false when unset.
std::variant<bool, IniError> recursive_version_locations(
    const std::optional<std::string>& recursive, const OptionReader& read) {
  if (!recursive) return false;
  const auto value = boolean(*recursive);
  if (!value) {
    return read.value_error(
        "recursive_version_locations",
        "'" + *recursive + "' is not a boolean (expected true/false, yes/no, on/off or 1/0)");
  }
  return *value;
}

}  // namespace

std::variant<AlembicSettings, IniError> read_alembic_settings(const IniFile& file,
                                                              std::string_view ini_directory,
                                                              std::string_view section,
                                                              const PackageDirectory& package_dir) {
  const std::string label = "[" + std::string(section) + "]";
  const auto* found_section = file.section(section);
  if (found_section == nullptr) {
    return IniError{0, 0, "no " + label + " section (expected one holding script_location)"};
  }
  OptionReader read(file, section, ini_directory);
  const auto script_location = read("script_location");
  const auto locations = read("version_locations");
  const auto separator = read("version_path_separator");
  const auto recursive = read("recursive_version_locations");
  AlembicSettings settings;
  settings.sqlalchemy_url = read("sqlalchemy.url");
  settings.version_table = read("version_table");
  settings.version_table_schema = read("version_table_schema");
  if (read.error) return *read.error;

  if (!script_location) {
    return IniError{found_section->line, 1,
                    label +
                        " has no script_location (expected e.g. "
                        "'script_location = %(here)s/migrations')"};
  }
  const LocationResolver resolve(read, ini_directory, package_dir);
  auto script_directory = resolve("script_location", *script_location);
  if (auto* error = std::get_if<IniError>(&script_directory)) return *error;
  settings.script_location = std::get<std::string>(std::move(script_directory));

  auto resolved = version_locations(locations, separator, read, resolve, settings.script_location);
  if (auto* error = std::get_if<IniError>(&resolved)) return *error;
  settings.version_locations = std::get<std::vector<std::string>>(std::move(resolved));

  const auto recursive_value = recursive_version_locations(recursive, read);
  if (const auto* error = std::get_if<IniError>(&recursive_value)) return *error;
  settings.recursive_version_locations = std::get<bool>(recursive_value);
  return settings;
}

std::variant<AlembicSettings, std::string> load_alembic_ini(
    const std::string& ini_path, std::string_view section,
    const std::vector<std::string>& source_roots) {
  std::ifstream in(ini_path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return ini_path + ": cannot open (" + std::generic_category().message(error) + ")";
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto ini_directory = fs::absolute(ini_path).lexically_normal().parent_path();
  std::vector<fs::path> roots(source_roots.begin(), source_roots.end());
  if (roots.empty()) roots = {ini_directory, ini_directory / "src"};

  const auto package_dir = [&](std::string_view package,
                               std::string_view dir) -> std::optional<std::string> {
    for (const auto& root : roots) {
      const auto candidate = fs::absolute(root / package_relative_path(package, dir));
      std::error_code ignored;
      if (fs::is_directory(candidate, ignored)) return candidate.string();
    }
    return std::nullopt;
  };
  auto settings = [&]() -> std::variant<AlembicSettings, IniError> {
    auto parsed = parse_ini(text.str());
    if (auto* error = std::get_if<IniError>(&parsed)) return *error;
    return read_alembic_settings(std::get<IniFile>(parsed), ini_directory.string(), section,
                                 package_dir);
  }();
  if (auto* error = std::get_if<IniError>(&settings)) {
    if (error->line == 0) return ini_path + ": " + error->message;
    return ini_path + ":" + std::to_string(error->line) + ":" + std::to_string(error->column) +
           ": " + error->message;
  }
  return std::get<AlembicSettings>(std::move(settings));
}

}  // namespace alembic_exporter::alembic
