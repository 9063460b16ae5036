#include "collectors/alembic/ini_reader.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace alembic_exporter::alembic {
namespace {

constexpr std::string_view whitespace = " \t\r\n\v\f";
constexpr std::string_view default_section = "DEFAULT";
// configparser.MAX_INTERPOLATION_DEPTH
constexpr int max_interpolation_depth = 10;

std::string_view strip(std::string_view text) {
  const auto first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return text.substr(text.size());
  return text.substr(first, text.find_last_not_of(whitespace) - first + 1);
}

// configparser's optionxform is str.lower().
std::string lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

int to_int(std::size_t value) { return static_cast<int>(value); }

// configparser's SECTCRE `\[(?P<header>.+)\]` matched (not fullmatched) against the stripped line:
// the name runs to the last ']' and anything after it is ignored.
std::optional<std::string_view> section_header(std::string_view content) {
  const auto close = content.rfind(']');
  if (!content.starts_with('[') || close == std::string_view::npos || close < 2) return {};
  return content.substr(1, close - 1);
}

}  // namespace

const IniSection* IniFile::section(std::string_view name) const {
  const auto found = sections_.find(name);
  return found == sections_.end() ? nullptr : &found->second;
}

const IniOption* IniFile::option(std::string_view section_name, std::string_view key) const {
  const std::string name = lower(key);
  for (const IniSection* candidate : {section(section_name), &defaults_}) {
    if (candidate == nullptr) continue;
    if (const auto found = candidate->options.find(name); found != candidate->options.end()) {
      return &found->second;
    }
  }
  return nullptr;
}

// Follows configparser.RawConfigParser._read line by line, with strict=True,
// empty_lines_in_values=True and no inline comment prefixes (alembic's ConfigParser defaults).
std::variant<IniFile, IniError> parse_ini(std::string_view text) {
  IniFile file;
  std::string_view section_name;
  IniSection* section = nullptr;
  IniOption* option = nullptr;  // the option continuation lines extend
  std::size_t indent_level = 0;
  int line_number = 0;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find('\n', start), text.size());
    const auto line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;

    const auto content = strip(line);
    const bool comment = content.starts_with('#') || content.starts_with(';');
    if (content.empty() || comment) {
      // Blank lines belong to the value (trailing ones are stripped below); comments do not, and
      // neither ends the value.
      if (!comment && option != nullptr) option->value += '\n';
      continue;
    }
    const auto indent = line.find_first_not_of(whitespace);
    const int column = to_int(indent) + 1;
    if (option != nullptr && indent > indent_level) {
      option->value += '\n';
      option->value += content;
      continue;
    }
    indent_level = indent;

    if (const auto header = section_header(content)) {
      option = nullptr;
      section_name = *header;
      if (section_name == default_section) {
        section = &file.defaults_;
        continue;
      }
      const auto [it, inserted] = file.sections_.try_emplace(std::string(section_name));
      if (!inserted) {
        return IniError{line_number, column,
                        "duplicate section [" + std::string(section_name) +
                            "] (first defined on line " + std::to_string(it->second.line) + ")"};
      }
      it->second.line = line_number;
      section = &it->second;
      continue;
    }
    if (section == nullptr) {
      return IniError{line_number, column,
                      "option outside any section (expected a [section] header first)"};
    }
    const auto delimiter = content.find_first_of("=:");
    if (delimiter == std::string_view::npos) {
      return IniError{line_number, column,
                      "expected 'key = value', 'key: value' or a [section] header"};
    }
    const std::string key = lower(strip(content.substr(0, delimiter)));
    if (key.empty()) {
      return IniError{line_number, column, "option without a name (expected 'key = value')"};
    }
    const auto value = strip(content.substr(delimiter + 1));
    const int value_column = to_int(static_cast<std::size_t>(value.data() - line.data())) + 1;
    const auto [it, inserted] =
        section->options.try_emplace(key, IniOption{std::string(value), line_number, value_column});
    if (!inserted) {
      return IniError{line_number, column,
                      "duplicate option '" + key + "' in [" + std::string(section_name) +
                          "] (first defined on line " + std::to_string(it->second.line) + ")"};
    }
    option = &it->second;
  }

  const auto strip_trailing_blank_lines = [](IniSection& trimmed) {
    for (auto& [key, each] : trimmed.options) {
      each.value.erase(each.value.find_last_not_of(whitespace) + 1);
    }
  };
  strip_trailing_blank_lines(file.defaults_);
  for (auto& [name, each] : file.sections_) strip_trailing_blank_lines(each);
  return file;
}

namespace {

// configparser.BasicInterpolation._interpolate_some: references resolve in the requested section
// (then [DEFAULT], then the parser's defaults) at every depth, and a referenced value is expanded
// again only if it contains '%'.
class Interpolation {
 public:
  Interpolation(const IniFile& file, std::string_view section,
                const std::map<std::string, std::string>& defaults)
      : file_(file), section_(section), defaults_(defaults) {}

  /// Appends `value` expanded to `out`; returns what is wrong with it otherwise.
  std::optional<std::string> expand(std::string_view value, int depth, std::string& out) const {
    if (depth > max_interpolation_depth) {
      return "references nest deeper than " + std::to_string(max_interpolation_depth) +
             " levels (expected no %(name)s cycle)";
    }
    while (!value.empty()) {
      const auto percent = value.find('%');
      out += value.substr(0, percent);
      if (percent == std::string_view::npos) return {};
      value.remove_prefix(percent);
      if (value.starts_with("%%")) {
        out += '%';
        value.remove_prefix(2);
        continue;
      }
      if (!value.starts_with("%("))
        return "'%' must be followed by '%' or '(' (write '%%' for '%')";
      const auto close = value.find(')');
      if (close == std::string_view::npos || close == 2 || value.substr(close, 2) != ")s") {
        return "malformed reference (expected '%(name)s')";
      }
      const std::string name = lower(value.substr(2, close - 2));
      value.remove_prefix(close + 2);
      const auto referenced = lookup(name);
      if (!referenced) return "%(" + name + ")s is not defined (expected " + known_names() + ")";
      if (referenced->find('%') == std::string_view::npos) {
        out += *referenced;
      } else if (auto error = expand(*referenced, depth + 1, out)) {
        return error;
      }
    }
    return {};
  }

 private:
  std::optional<std::string_view> lookup(const std::string& name) const {
    if (const auto* option = file_.option(section_, name)) return option->value;
    if (const auto found = defaults_.find(name); found != defaults_.end()) return found->second;
    return {};
  }

  std::string known_names() const {
    std::string names = "an option of [" + std::string(section_) + "] or [DEFAULT]";
    for (const auto& [name, value] : defaults_) names += ", or '" + name + "'";
    return names;
  }

  const IniFile& file_;
  std::string_view section_;
  const std::map<std::string, std::string>& defaults_;
};

}  // namespace

std::variant<std::string, IniError> interpolated(
    const IniFile& file, std::string_view section, std::string_view key,
    const std::map<std::string, std::string>& defaults) {
  const std::string label = "[" + std::string(section) + "]";
  const auto* in_section = file.section(section);
  if (in_section == nullptr && section != default_section) {
    return IniError{0, 0, "no " + label + " section"};
  }
  const auto* option = file.option(section, key);
  if (option == nullptr) {
    return IniError{in_section ? in_section->line : 0, in_section ? 1 : 0,
                    label + " has no option '" + lower(key) + "'"};
  }
  std::string result;
  if (auto error = Interpolation(file, section, defaults).expand(option->value, 1, result)) {
    return IniError{option->line, option->column, lower(key) + ": " + *error};
  }
  return result;
}

}  // namespace alembic_exporter::alembic
