#include "collectors/alembic/pyproject_reader.hpp"

#include <cstdint>
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

bool is_non_ascii(char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; }

bool is_blank_or_line_end(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Reads well-formed TOML byte by byte, counting lines for errors.
class TomlCursor {
 public:
  explicit TomlCursor(std::string_view text) : text_(text) {}

  bool done() const { return at_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[at_]; }
  bool at(std::string_view what) const { return text_.substr(at_).starts_with(what); }

  void advance(std::size_t bytes = 1) {
    for (; bytes > 0 && !done(); --bytes, ++at_) {
      if (text_[at_] == '\n') {
        ++line_;
        line_begin_ = at_ + 1;
      }
    }
  }

  IniError error(std::string message) const {
    return {line_, static_cast<int>(at_ - line_begin_) + 1, std::move(message)};
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  int line_ = 1;
  std::size_t line_begin_ = 0;
};

/// Moves past the string that opens at the cursor. In a multi-line basic string, toml++ 3.3.0
/// tests the first byte after a line-ending backslash and the blanks and lines that follow it
/// for whitespace: a non-ASCII one there is refused.
std::optional<IniError> skip_string(TomlCursor& cursor) {
  const char quote = cursor.peek();
  const std::string delimiter(cursor.at(std::string(3, quote)) ? 3 : 1, quote);
  const bool multi_line = delimiter.size() == 3;
  cursor.advance(delimiter.size());
  while (!cursor.done() && !cursor.at(delimiter)) {
    if (quote == '"' && cursor.peek() == '\\') {
      cursor.advance();
      if (multi_line && is_blank_or_line_end(cursor.peek())) {
        while (is_blank_or_line_end(cursor.peek())) cursor.advance();
        if (is_non_ascii(cursor.peek())) {
          return cursor.error(
              "non-ASCII character right after a backslash in a string (the TOML reader cannot "
              "take it there; an escape such as \\u00e9 can)");
        }
        continue;
      }
    }
    cursor.advance();  // a byte of the string, or the one a backslash escapes
  }
  cursor.advance(delimiter.size());
  // A multi-line string may end with one or two quotes right before its delimiter.
  for (int extra = 0; multi_line && extra < 2 && cursor.peek() == quote; ++extra) cursor.advance();
  return std::nullopt;
}

/// The non-ASCII bytes that toml++ 3.3.0 tests for whitespace even in a well-formed file, where
/// its test reaches `__builtin_unreachable` for most non-ASCII code points
/// (is_non_ascii_horizontal_whitespace, found by tests/fuzz/pyproject_fuzz): one outside strings
/// and comments (in a bare key the ASCII copy's `x` is valid; TOML 1.0 allows none there), and one
/// after a line-ending backslash (skip_string). Checked first, for a message that names the byte;
/// on malformed input a quote may be taken for an opening one, which changes only which error is
/// reported, since the ASCII copy keeps every other non-ASCII byte from toml++'s test.
std::optional<IniError> unreadable_non_ascii(std::string_view text) {
  TomlCursor cursor(text);
  while (!cursor.done()) {
    const char c = cursor.peek();
    if (c == '#') {
      while (!cursor.done() && cursor.peek() != '\n') cursor.advance();
    } else if (c == '"' || c == '\'') {
      if (auto error = skip_string(cursor)) return error;
    } else if (is_non_ascii(c)) {
      return cursor.error(
          "non-ASCII character outside a string or comment (TOML allows none there)");
    } else {
      cursor.advance();
    }
  }
  return std::nullopt;
}

/// `text` with each non-ASCII UTF-8 sequence as one ASCII letter: the same TOML structure, and the
/// same line and column (toml++ counts code points) for every error, but nothing toml++ 3.3.0's
/// whitespace test can trip on (see unreadable_non_ascii). The letter depends on the code point, so
/// quoted keys that differ in a non-ASCII character stay different keys (except for code points a
/// multiple of 52 apart at the same place).
std::string ascii_copy(std::string_view text) {
  constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const auto is_continuation = [&](std::size_t at) {
    return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
  };
  std::string copy;
  copy.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      copy += text[i];
    } else if (!is_continuation(i)) {
      std::uint32_t code = byte;
      for (std::size_t next = i + 1; is_continuation(next); ++next) {
        code = code * 64 + (static_cast<unsigned char>(text[next]) & 0x3F);
      }
      copy += kLetters[code % kLetters.size()];
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
  // The ASCII copy before the text: reading malformed TOML, toml++ may test any character for
  // whitespace.
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
