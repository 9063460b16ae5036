#include "collectors/alembic/pyproject_reader.hpp"

#include <optional>
#include <string>

// Without exceptions toml::parse returns a parse_result; this is the only file including toml++.
#define TOML_EXCEPTIONS 0
// toml++ 3.3.0 (Debian 12) asserts on some malformed input, e.g. a table header `[%tool]`
// (parse_key's TOML_ASSERT_ASSUME, found by tests/fuzz/pyproject_fuzz), where the code after the
// assertion reports a parse error anyway: without this, bad input would abort the process.
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>

namespace alembic_exporter::alembic {
namespace {

PyprojectSettings::Place place_of(const toml::node& node) {
  return {static_cast<int>(node.source().begin.line), static_cast<int>(node.source().begin.column)};
}

IniError error_at(const toml::node& node, std::string message) {
  const auto place = place_of(node);
  return {place.line, place.column, std::move(message)};
}

/// `value % toml_args` in Python, where toml_args holds only `here`: `%(here)s` and `%%`.
std::optional<std::string> format_here(std::string_view value, std::string_view here) {
  constexpr std::string_view kHere = "%(here)s";
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
    } else if (value.substr(i, 2) == "%%") {
      out += '%';
      ++i;
    } else if (value.substr(i, kHere.size()) == kHere) {
      out += here;
      i += kHere.size() - 1;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::variant<std::string, IniError> formatted(const toml::node& node, std::string_view key,
                                              std::string_view here) {
  const auto* text = node.as_string();
  if (text == nullptr) return error_at(node, std::string(key) + ": expected a string");
  auto value = format_here(text->get(), here);
  if (!value) {
    return error_at(node, std::string(key) +
                              ": a '%' must start '%%' or '%(here)s' (alembic formats TOML "
                              "strings with Python's %)");
  }
  return *value;
}

/// Whether the quote at `at` can open a string in valid TOML: at a key (line start, after `.`)
/// or a value (after `=`, `[`, `,`, `{`). Elsewhere the input is malformed and toml++ may not read
/// a string there, so neither does unreadable_non_ascii.
bool opens_string(std::string_view text, std::size_t line_begin, std::size_t at) {
  std::size_t before = at;
  while (before > line_begin && (text[before - 1] == ' ' || text[before - 1] == '\t')) --before;
  if (before == line_begin) return true;
  const char previous = text[before - 1];
  return previous == '=' || previous == '[' || previous == ',' || previous == '{' ||
         previous == '.';
}

bool is_non_ascii(char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; }

/// In a multi-line basic string, the first byte toml++ tests for whitespace after the backslash
/// whose escaped byte is at `escaped`: past the blanks that follow it and, when they end the line
/// (a line-ending backslash), past every blank and line after it, counting the lines; `escaped`
/// when no blank follows the backslash.
std::size_t after_backslash_blanks(std::string_view text, std::size_t escaped, int& line,
                                   std::size_t& line_begin) {
  std::size_t next = text.find_first_not_of(" \t", escaped);
  if (next == std::string_view::npos) return text.size();
  if (text[next] != '\n' && text.substr(next, 2) != "\r\n") return next;
  for (;
       next < text.size() && std::string_view(" \t\r\n").find(text[next]) != std::string_view::npos;
       ++next) {
    if (text[next] == '\n') {
      ++line;
      line_begin = next + 1;
    }
  }
  return next;
}

/// The first byte outside strings and comments that is not ASCII, located.
/// TOML 1.0 allows none there, and toml++ 3.3.0 reaches `__builtin_unreachable` classifying some
/// of them as whitespace (is_non_ascii_horizontal_whitespace, found by tests/fuzz/pyproject_fuzz):
/// they are refused before toml++ sees them, and so is a non-ASCII byte where toml++ tests for
/// whitespace inside a basic string (after a backslash, after a line-ending backslash).
std::optional<IniError> unreadable_non_ascii(std::string_view text) {
  int line = 1;
  std::size_t line_begin = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_begin = i + 1;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if ((c == '"' || c == '\'') && opens_string(text, line_begin, i)) {
      const bool multi_line = text.substr(i, 3) == std::string(3, c);
      const std::size_t quotes = multi_line ? 3 : 1;
      const std::string close(quotes, c);
      for (i += quotes; i < text.size() && text.substr(i, quotes) != close; ++i) {
        if (c == '"' && text[i] == '\\') {
          // toml++ also asks its whitespace test about the byte after a backslash and, in a
          // multi-line string, about the first one after the blanks and lines that follow it.
          const std::size_t escaped = i + 1;
          const std::size_t resumed =
              multi_line ? after_backslash_blanks(text, escaped, line, line_begin) : escaped;
          if (resumed < text.size() && is_non_ascii(text[resumed])) {
            return IniError{line, static_cast<int>(resumed - line_begin) + 1,
                            "non-ASCII character right after a backslash in a string (the TOML "
                            "reader cannot take it there; an escape such as \\u00e9 can)"};
          }
          if (resumed != escaped) {
            i = resumed - 1;
            continue;
          }
          i = escaped;  // the escaped byte does not end the string
        }
        if (i < text.size() && text[i] == '\n') {
          if (!multi_line) break;  // unterminated: toml++ reports it
          ++line;
          line_begin = i + 1;
        }
      }
      if (i < text.size() && text[i] != '\n') i += quotes - 1;
    } else if (is_non_ascii(c)) {
      return IniError{line, static_cast<int>(i - line_begin) + 1,
                      "non-ASCII character outside a string or comment (TOML allows none there)"};
    }
  }
  return std::nullopt;
}

/// `text` with each non-ASCII UTF-8 sequence as one `x`: the same TOML structure, and the same
/// line and column (toml++ counts code points) for every error, but nothing toml++ 3.3.0's
/// whitespace test can trip on (see unreadable_non_ascii).
std::string ascii_copy(std::string_view text) {
  std::string copy;
  copy.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      copy += c;
    } else if ((byte & 0xC0) != 0x80) {
      copy += 'x';  // a lead byte; continuation bytes are left out
    }
  }
  return copy;
}

std::optional<IniError> syntax_error(const toml::parse_result& parsed) {
  if (parsed) return std::nullopt;
  const auto& error = parsed.error();
  return IniError{static_cast<int>(error.source().begin.line),
                  static_cast<int>(error.source().begin.column), std::string(error.description())};
}

}  // namespace

std::variant<PyprojectSettings, IniError> parse_pyproject(std::string_view text,
                                                          std::string_view here) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  if (auto error = unreadable_non_ascii(text)) return *std::move(error);
  // The ASCII copy first: reading malformed TOML, toml++ may test any character for whitespace.
  if (auto error = syntax_error(toml::parse(ascii_copy(text)))) return *std::move(error);
  toml::parse_result parsed = toml::parse(text);
  if (auto error = syntax_error(parsed)) return *std::move(error);
  PyprojectSettings settings;
  const toml::table* alembic = parsed.table()["tool"]["alembic"].as_table();
  if (alembic == nullptr) {
    if (const auto* node = parsed.table()["tool"]["alembic"].node()) {
      return error_at(*node, "tool.alembic: expected a table");
    }
    return settings;
  }
  if (const auto* node = alembic->get("script_location")) {
    auto value = formatted(*node, "script_location", here);
    if (auto* error = std::get_if<IniError>(&value)) return *error;
    settings.script_location = std::get<std::string>(std::move(value));
    settings.script_location_at = place_of(*node);
  }
  if (const auto* node = alembic->get("version_locations")) {
    const auto* list = node->as_array();
    if (list == nullptr) return error_at(*node, "version_locations: expected an array of strings");
    settings.version_locations.emplace();
    for (const auto& item : *list) {
      auto value = formatted(item, "version_locations", here);
      if (auto* error = std::get_if<IniError>(&value)) return *error;
      settings.version_locations->push_back(std::get<std::string>(std::move(value)));
    }
    settings.version_locations_at = place_of(*node);
  }
  if (const auto* node = alembic->get("recursive_version_locations")) {
    const auto* flag = node->as_boolean();
    // Config.get_alembic_boolean_option: "boolean value expected for TOML parameter".
    if (flag == nullptr) {
      return error_at(*node, "recursive_version_locations: expected true or false");
    }
    settings.recursive_version_locations = flag->get();
  }
  return settings;
}

}  // namespace alembic_exporter::alembic
