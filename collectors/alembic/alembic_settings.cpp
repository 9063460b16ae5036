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

/// Where an error about a location goes: the ini option or the [tool.alembic] key that sets it.
using ErrorAt = std::function<SettingsError(std::string)>;

// Relative paths are relative to the current directory in alembic; we resolve them against the
// directory of the file that sets them instead (the product spec's choice) so the result does not
// depend on where the exporter runs.
std::variant<std::string, SettingsError> resolve_location(std::string_view key,
                                                          std::string_view location,
                                                          std::string_view base,
                                                          const PackageDirectory& package_dir,
                                                          const ErrorAt& error_at) {
  if (location.empty()) return error_at(std::string(key) + " is empty");
  const auto package = package_location(location);
  if (!package) return normalized(fs::path(base) / location);
  if (auto found = package_dir(package->package, package->dir)) return normalized(*found);
  return error_at("no directory for '" + std::string(location) + "' (expected " +
                  package_relative_path(package->package, package->dir) + " under a source root)");
}

/// The options alembic reads from the ini's section: interpolated, otherwise as written.
struct IniOptions {
  std::optional<std::string> script_location;
  std::optional<std::string> version_locations;
  std::optional<std::string> separator;
  const char* separator_key = "path_separator";  ///< the option `separator` comes from
  std::optional<std::string> recursive_version_locations;
  std::optional<std::string> sqlalchemy_url;
  std::optional<std::string> version_table;
  std::optional<std::string> version_table_schema;
};

/// In alembic's order, so that `read.error` is the error alembic would meet first.
IniOptions read_ini_options(OptionReader& read) {
  IniOptions options;
  options.script_location = read("script_location");
  options.version_locations = read("version_locations");
  // alembic >= 1.16 reads path_separator, then the deprecated version_path_separator.
  options.separator = read(options.separator_key);
  if (!options.separator) {
    options.separator_key = "version_path_separator";
    options.separator = read(options.separator_key);
  }
  options.recursive_version_locations = read("recursive_version_locations");
  options.sqlalchemy_url = read("sqlalchemy.url");
  options.version_table = read("version_table");
  options.version_table_schema = read("version_table_schema");
  return options;
}

SettingsError in_ini(IniError error) { return SettingsError{std::move(error), false}; }

/// Merges the ini's section with the pyproject.toml's [tool.alembic]: an option set in the ini
/// wins, else the TOML's counts (alembic >= 1.16's `Config.get_alembic_option`).
class SettingsMerger {
 public:
  SettingsMerger(const IniFile& file, std::string_view ini_directory, std::string_view section,
                 const PackageDirectory& package_dir, const PyprojectSource* pyproject)
      : file_(file),
        ini_directory_(ini_directory),
        section_(section),
        package_dir_(package_dir),
        pyproject_(pyproject),
        read_(file, section, ini_directory) {}

  std::variant<AlembicSettings, SettingsError> merge() {
    const bool toml_has_location = toml() != nullptr && toml()->script_location;
    if (file_.section(section_) == nullptr && !toml_has_location) return no_script_location();
    const IniOptions ini = read_ini_options(read_);
    if (read_.error) return in_ini(*read_.error);
    if (!ini.script_location && !toml_has_location) return no_script_location();

    AlembicSettings settings;
    settings.sqlalchemy_url = ini.sqlalchemy_url;
    settings.version_table = ini.version_table;
    settings.version_table_schema = ini.version_table_schema;
    if (auto error = merge_script_location(ini, settings)) return *error;
    if (auto error = merge_version_locations(ini, settings)) return *error;
    if (auto error = merge_recursive(ini, settings)) return *error;
    return settings;
  }

 private:
  const PyprojectSettings* toml() const {
    return pyproject_ == nullptr ? nullptr : &pyproject_->settings;
  }

  SettingsError no_script_location() const {
    const std::string label = "[" + std::string(section_) + "]";
    if (pyproject_ != nullptr) {
      return in_ini(IniError{
          0, 0,
          "no script_location in " + label + " nor in [tool.alembic] of " + pyproject_->file});
    }
    const auto* section = file_.section(section_);
    if (section == nullptr) {
      return in_ini(
          IniError{0, 0, "no " + label + " section (expected one holding script_location)"});
    }
    return in_ini(IniError{section->line, 1,
                           label + " has no script_location (expected e.g. "
                                   "'script_location = %(here)s/migrations')"});
  }

  ErrorAt ini_error(std::string_view key) const {
    return [this, key](std::string message) {
      return in_ini(read_.value_error(key, std::move(message)));
    };
  }

  static ErrorAt toml_error(PyprojectSettings::Place at) {
    return [at](std::string message) {
      return SettingsError{{at.line, at.column, std::move(message)}, true};
    };
  }

  std::optional<SettingsError> merge_script_location(const IniOptions& ini,
                                                     AlembicSettings& settings) const {
    auto directory =
        ini.script_location
            ? resolve_location("script_location", *ini.script_location, ini_directory_,
                               package_dir_, ini_error("script_location"))
            : resolve_location("script_location", *toml()->script_location, pyproject_->directory,
                               package_dir_, toml_error(toml()->script_location_at));
    if (auto* error = std::get_if<SettingsError>(&directory)) return *error;
    settings.script_location = std::get<std::string>(std::move(directory));
    return std::nullopt;
  }

  std::optional<SettingsError> merge_version_locations(const IniOptions& ini,
                                                       AlembicSettings& settings) const {
    std::optional<SettingsError> error;
    if (ini.version_locations && !ini.version_locations->empty()) {
      const auto pieces = split_locations(*ini.version_locations, ini.separator);
      if (!pieces) {
        return in_ini(read_.value_error(
            ini.separator_key, "'" + *ini.separator + "' is not a " + ini.separator_key +
                                   " (expected 'space', 'newline', 'os', ':', ';' or ',')"));
      }
      error = resolve_all(*pieces, ini_directory_, ini_error("version_locations"),
                          settings.version_locations);
    } else if (toml() != nullptr && toml()->version_locations) {
      error = resolve_all(*toml()->version_locations, pyproject_->directory,
                          toml_error(toml()->version_locations_at), settings.version_locations);
    }
    // alembic falls back to <script_location>/versions when the list is empty, too.
    if (!error && settings.version_locations.empty()) {
      settings.version_locations.push_back(
          normalized(fs::path(settings.script_location) / "versions"));
    }
    return error;
  }

  std::optional<SettingsError> resolve_all(const std::vector<std::string>& pieces,
                                           std::string_view base, const ErrorAt& error_at,
                                           std::vector<std::string>& resolved) const {
    for (const auto& piece : pieces) {
      auto location = resolve_location("version_locations", piece, base, package_dir_, error_at);
      if (auto* error = std::get_if<SettingsError>(&location)) return *error;
      resolved.push_back(std::get<std::string>(std::move(location)));
    }
    return std::nullopt;
  }

  std::optional<SettingsError> merge_recursive(const IniOptions& ini,
                                               AlembicSettings& settings) const {
    if (ini.recursive_version_locations) {
      const auto value = boolean(*ini.recursive_version_locations);
      if (!value) {
        return in_ini(read_.value_error("recursive_version_locations",
                                        "'" + *ini.recursive_version_locations +
                                            "' is not a boolean (expected true/false, yes/no, "
                                            "on/off or 1/0)"));
      }
      settings.recursive_version_locations = *value;
    } else if (toml() != nullptr && toml()->recursive_version_locations) {
      settings.recursive_version_locations = *toml()->recursive_version_locations;
    }
    return std::nullopt;
  }

  const IniFile& file_;
  std::string_view ini_directory_;
  std::string_view section_;
  const PackageDirectory& package_dir_;
  const PyprojectSource* pyproject_;
  OptionReader read_;
};

}  // namespace

std::variant<AlembicSettings, SettingsError> read_alembic_settings(
    const IniFile& file, std::string_view ini_directory, std::string_view section,
    const PackageDirectory& package_dir, const PyprojectSource* pyproject) {
  return SettingsMerger(file, ini_directory, section, package_dir, pyproject).merge();
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

/// The texts of the files that exist; either may be absent, not both.
struct ConfigTexts {
  std::optional<std::string> ini;
  std::optional<std::string> pyproject;
};

/// Config reads each file only when it exists (configparser's read, `toml_file_path.exists()`);
/// when none can be read, the first reason.
std::variant<ConfigTexts, std::string> read_config_texts(const AlembicConfigFiles& files) {
  ConfigTexts texts;
  std::string cannot_open;
  for (const auto& [path, text] :
       {std::pair(&files.ini, &texts.ini), std::pair(&files.pyproject, &texts.pyproject)}) {
    if (path->empty()) continue;
    auto read = read_text(*path);
    if (read.index() == 0) {
      *text = std::get<0>(std::move(read));
    } else if (cannot_open.empty()) {
      cannot_open = std::get<1>(std::move(read));
    }
  }
  if (!texts.ini && !texts.pyproject) return cannot_open;
  return texts;
}

fs::path directory_of(const std::string& path) {
  return fs::absolute(path).lexically_normal().parent_path();
}

/// Looks `package.module:dir` locations up in the first of `roots` that has the directory.
PackageDirectory package_directory_in(std::vector<fs::path> roots) {
  return [roots = std::move(roots)](std::string_view package,
                                    std::string_view dir) -> std::optional<std::string> {
    for (const auto& root : roots) {
      const auto candidate = fs::absolute(root / package_relative_path(package, dir));
      std::error_code ignored;
      if (fs::is_directory(candidate, ignored)) return candidate.string();
    }
    return std::nullopt;
  };
}

std::variant<IniFile, std::string> parse_ini_file(const std::optional<std::string>& text,
                                                  const std::string& path) {
  if (!text) return IniFile{};  // alembic then reads the pyproject.toml alone
  auto parsed = parse_ini(*text);
  if (auto* error = std::get_if<IniError>(&parsed)) return located(path, *error);
  return std::get<IniFile>(std::move(parsed));
}

std::variant<std::optional<PyprojectSource>, std::string> parse_pyproject_file(
    const std::optional<std::string>& text, const std::string& path) {
  if (!text) return std::nullopt;
  const std::string directory = directory_of(path).string();
  auto parsed = parse_pyproject(*text, directory);
  if (auto* error = std::get_if<IniError>(&parsed)) return located(path, *error);
  return PyprojectSource{std::get<PyprojectSettings>(std::move(parsed)), directory, path};
}

}  // namespace

std::variant<AlembicSettings, std::string> load_alembic_config(
    const AlembicConfigFiles& files, std::string_view section,
    const std::vector<std::string>& source_roots) {
  auto read = read_config_texts(files);
  if (auto* error = std::get_if<std::string>(&read)) return *error;
  const ConfigTexts& texts = std::get<ConfigTexts>(read);

  auto ini = parse_ini_file(texts.ini, files.ini);
  if (auto* error = std::get_if<std::string>(&ini)) return *error;
  auto pyproject = parse_pyproject_file(texts.pyproject, files.pyproject);
  if (auto* error = std::get_if<std::string>(&pyproject)) return *error;
  const auto& toml = std::get<std::optional<PyprojectSource>>(pyproject);

  const auto base = directory_of(texts.ini ? files.ini : files.pyproject);
  std::vector<fs::path> roots(source_roots.begin(), source_roots.end());
  if (roots.empty()) roots = {base, base / "src"};
  auto settings =
      read_alembic_settings(std::get<IniFile>(ini), base.string(), section,
                            package_directory_in(std::move(roots)), toml ? &*toml : nullptr);
  if (auto* error = std::get_if<SettingsError>(&settings)) {
    return located(error->in_pyproject || !texts.ini ? files.pyproject : files.ini, error->error);
  }
  return std::get<AlembicSettings>(std::move(settings));
}

}  // namespace alembic_exporter::alembic
