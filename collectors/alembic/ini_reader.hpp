#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace alembic_exporter::alembic {

/// Where and why an ini text cannot be used. `line` and `column` are 1-based; both are 0 when the
/// problem is about the file as a whole (e.g. a missing section).
struct IniError {
  int line = 0;
  int column = 0;
  std::string message;
};

/// One option as written: continuation lines joined with '\n', stripped, not interpolated.
struct IniOption {
  std::string value;
  int line = 0;    ///< line of the key
  int column = 0;  ///< column of the value's first character (where value errors point)
};

/// One `[name]` section; options keyed by their lower-cased name.
struct IniSection {
  int line = 0;  ///< line of the header
  std::map<std::string, IniOption, std::less<>> options;
};

/// Sections and options of an ini text as Python's `configparser.ConfigParser` (what alembic uses)
/// reads them. Section names are case-sensitive, option names are not. [DEFAULT] is not a section
/// (configparser's `has_section("DEFAULT")` is false) but every section inherits its options.
class IniFile {
 public:
  /// The section `[name]`, or nullptr when the text has none (always for "DEFAULT").
  const IniSection* section(std::string_view name) const;
  /// `key` (any case) of `section`, else of [DEFAULT]; nullptr when neither has it.
  const IniOption* option(std::string_view section, std::string_view key) const;

 private:
  friend std::variant<IniFile, IniError> parse_ini(std::string_view text);
  std::map<std::string, IniSection, std::less<>> sections_;
  IniSection defaults_;
};

/// Parses `text` like `ConfigParser.read_string` with alembic's (default) settings: `=` or `:`
/// (the first wins), full-line `#`/`;` comments only, indented continuation lines, strict
/// duplicate checks. Returns the first error.
std::variant<IniFile, IniError> parse_ini(std::string_view text);

/// The value of `key` in `section` after configparser's BasicInterpolation: `%(name)s` is the
/// (interpolated) option `name` of `section`, else of [DEFAULT], else of `defaults` (keys
/// lower-case; alembic passes `here`, the ini's directory); `%%` is `%`. Errors point at the
/// option's value and never quote it (it may hold a password).
std::variant<std::string, IniError> interpolated(
    const IniFile& file, std::string_view section, std::string_view key,
    const std::map<std::string, std::string>& defaults);

}  // namespace alembic_exporter::alembic
