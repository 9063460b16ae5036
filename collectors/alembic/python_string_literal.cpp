#include "collectors/alembic/python_string_literal.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace alembic_exporter::alembic {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

/// Reads `digits` hex digits at `offset`; -1 if they are not all there.
std::int64_t read_hex(std::string_view text, std::size_t offset, std::size_t digits) {
  if (offset + digits > text.size()) return -1;
  std::int64_t value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int digit = hex_value(text[offset + i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/// Length of the line break (LF, CRLF or CR) at `offset`, 0 if there is none.
std::size_t line_break_length(std::string_view text, std::size_t offset) {
  if (text[offset] == '\n') return 1;
  if (text[offset] == '\r') return offset + 1 < text.size() && text[offset + 1] == '\n' ? 2 : 1;
  return 0;
}

/// Handles the escape whose backslash is at `offset`; returns the offset after it.
std::size_t append_escape(std::string_view body, std::size_t offset, std::string& out) {
  const std::size_t next = offset + 1;
  if (next == body.size()) {
    out += '\\';
    return next;
  }
  if (const std::size_t line_break = line_break_length(body, next)) return next + line_break;
  const char c = body[next];
  // Pairs of escape letter and the character it stands for.
  constexpr std::string_view simple_escapes = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
  for (std::size_t i = 0; i < simple_escapes.size(); i += 2) {
    if (simple_escapes[i] == c) {
      out += simple_escapes[i + 1];
      return next + 1;
    }
  }
  if (c >= '0' && c <= '7') {
    std::uint32_t value = 0;
    std::size_t end = next;
    while (end < body.size() && end < next + 3 && body[end] >= '0' && body[end] <= '7') {
      value = value * 8 + static_cast<std::uint32_t>(body[end] - '0');
      ++end;
    }
    append_utf8(value, out);
    return end;
  }
  const std::size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
  if (digits != 0) {
    const std::int64_t value = read_hex(body, next + 1, digits);
    if (value >= 0 && value <= 0x10FFFF) {
      append_utf8(static_cast<std::uint32_t>(value), out);
      return next + 1 + digits;
    }
  }
  // Unknown escapes (and \N{...}) stay as written, as Python keeps unknown ones.
  out += '\\';
  out += c;
  return next + 1;
}

}  // namespace

StringLiteral split_string_literal(std::string_view token) {
  StringLiteral literal;
  std::size_t quote = 0;
  for (; quote < token.size() && token[quote] != '\'' && token[quote] != '"'; ++quote) {
    const char c = token[quote];
    literal.raw |= c == 'r' || c == 'R';
    literal.bytes |= c == 'b' || c == 'B';
    literal.formatted |= c == 'f' || c == 'F';
  }
  const std::string_view quoted = token.substr(quote);
  const std::size_t quote_length =
      quoted.size() >= 6 && quoted[1] == quoted[0] && quoted[2] == quoted[0] ? 3 : 1;
  literal.body = quoted.substr(quote_length, quoted.size() - 2 * quote_length);
  return literal;
}

void append_string_value(const StringLiteral& literal, std::string& out) {
  const std::string_view body = literal.body;
  std::size_t offset = 0;
  constexpr std::size_t npos = std::string_view::npos;
  // Plain runs are appended at once; only CR and (unless raw) backslash need work. Each is
  // searched for again only once passed, so that many escapes cannot make this quadratic.
  std::size_t carriage_return = body.find('\r');
  std::size_t backslash = literal.raw ? npos : body.find('\\');
  while (offset < body.size()) {
    if (carriage_return < offset) carriage_return = body.find('\r', offset);
    if (backslash < offset) backslash = body.find('\\', offset);
    const std::size_t next = std::min({carriage_return, backslash, body.size()});
    out.append(body, offset, next - offset);
    if (next == body.size()) break;
    if (body[next] == '\\') {
      offset = append_escape(body, next, out);
    } else {
      out += '\n';
      offset = next + line_break_length(body, next);
    }
  }
}

}  // namespace alembic_exporter::alembic
