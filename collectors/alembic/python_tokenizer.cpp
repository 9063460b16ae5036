#include "collectors/alembic/python_tokenizer.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

namespace alembic_exporter::alembic {
namespace {

constexpr std::size_t npos = std::string_view::npos;

/// A byte class as a table: a lookup is cheaper than string_view::find, which calls memchr.
constexpr std::array<bool, 256> byte_set(std::string_view bytes) {
  std::array<bool, 256> table{};
  for (const char c : bytes) table[static_cast<unsigned char>(c)] = true;
  return table;
}

bool in(const std::array<bool, 256>& table, char c) { return table[static_cast<unsigned char>(c)]; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Bytes of non-ASCII code points count as identifier characters: Python allows most of them in
// identifiers; checking which would need Unicode tables, and a wrong guess can only hide a syntax
// error. A table because identifiers are most of the bytes of a revision file.
constexpr std::array<bool, 256> identifier_chars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                         (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
  }
  return table;
}();

bool is_identifier_char(char c) { return identifier_chars[static_cast<unsigned char>(c)]; }

bool is_identifier_start(char c) { return is_identifier_char(c) && !is_digit(c); }

bool is_quote(char c) { return c == '\'' || c == '"'; }

bool is_line_break(char c) { return c == '\n' || c == '\r'; }

/// Whether a token of this kind makes its line a logical line that needs a newline token.
bool is_code(TokenKind kind) {
  return kind == TokenKind::name || kind == TokenKind::number || kind == TokenKind::string ||
         kind == TokenKind::op;
}

/// Code points in [begin, end) plus one: the column at `end` of a line beginning at `begin`.
int column_between(const char* begin, const char* end) {
  // UTF-8 continuation bytes (10xxxxxx) do not start a code point. Counted eight bytes at a time
  // (bit 7 set, bit 6 clear): every binding asks for two columns, and a byte loop cost a cold
  // parse 5 % of its instructions (callgrind).
  constexpr std::uint64_t kHighBits = 0x8080808080808080;
  std::size_t continuation_bytes = 0;
  const char* c = begin;
  for (; end - c >= 8; c += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, c, sizeof word);
    continuation_bytes += static_cast<std::size_t>(std::popcount(word & ~(word << 1) & kHighBits));
  }
  for (; c < end; ++c) continuation_bytes += (static_cast<unsigned char>(*c) & 0xC0) == 0x80;
  return static_cast<int>(end - begin) - static_cast<int>(continuation_bytes) + 1;
}

// The bytes a string literal's scan must look at; any other byte is part of the literal.
constexpr std::array<bool, 256> string_special_chars = byte_set("\\'\"\n\r{");

bool is_string_special(char c) { return in(string_special_chars, c); }

bool is_triple_quote(std::string_view text, std::size_t offset, char quote) {
  return offset + 2 < text.size() && text[offset] == quote && text[offset + 1] == quote &&
         text[offset + 2] == quote;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// Python 3 string prefixes: one of r u b f, or r with b or f in either order, any case.
bool is_string_prefix(std::string_view name) {
  if (name.size() == 1) {
    const char c = lower(name[0]);
    return c == 'r' || c == 'u' || c == 'b' || c == 'f';
  }
  if (name.size() == 2) {
    const char a = lower(name[0]);
    const char b = lower(name[1]);
    return (a == 'r' && (b == 'b' || b == 'f')) || (b == 'r' && (a == 'b' || a == 'f'));
  }
  return false;
}

bool has_prefix_letter(std::string_view prefix, char letter) {
  for (const char c : prefix) {
    if (lower(c) == letter) return true;
  }
  return false;
}

char closing_of(char open) { return open == '(' ? ')' : open == '[' ? ']' : '}'; }

constexpr std::array<std::string_view, 5> three_char_operators = {
    "**=", "//=", ">>=", "<<=", "..."};
constexpr std::array<std::string_view, 19> two_char_operators = {
    "->", ":=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="};
constexpr std::array<bool, 256> one_char_operators = byte_set("+-*/%@&|^~<>=.,:;");
// Every operator longer than one character has one of these second characters.
constexpr std::array<bool, 256> second_chars_of_longer_operators = byte_set("=*/<>.");

std::size_t operator_length(std::string_view rest) {
  if (rest.size() >= 2 && in(second_chars_of_longer_operators, rest[1])) {
    for (const auto op : three_char_operators) {
      if (rest.starts_with(op)) return 3;
    }
    for (const auto op : two_char_operators) {
      if (rest.starts_with(op)) return 2;
    }
  }
  return in(one_char_operators, rest[0]) ? 1 : 0;
}

std::string invalid_character_message(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte == 0x7f) {
    std::array<char, 48> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "invalid non-printable character U+%04X", byte);
    return buffer.data();
  }
  return std::string("invalid character '") + c + "'";
}

}  // namespace

int Token::column() const {
  return line_begin == nullptr ? 0 : column_between(line_begin, text.data());
}

PythonTokenizer::PythonTokenizer(std::string_view source) : source_(source) {
  if (source_.starts_with("\xEF\xBB\xBF")) offset_ = line_begin_ = 3;
}

Token PythonTokenizer::next() {
  if (finished_) return last_;
  if (pending_dedents_ > 0) {
    --pending_dedents_;
    return make(TokenKind::dedent, offset_, offset_);
  }
  return at_line_begin_ ? indentation() : scan();
}

Token PythonTokenizer::make(TokenKind kind, std::size_t begin, std::size_t end, int line,
                            std::size_t line_begin) {
  logical_line_open_ = logical_line_open_ || is_code(kind);
  // Not substr(): begin <= end <= size always holds here, and its range check cost instructions.
  return {kind, line, std::string_view(source_.data() + begin, end - begin),
          source_.data() + line_begin};
}

Token PythonTokenizer::make(TokenKind kind, std::size_t begin, std::size_t end) {
  return make(kind, begin, end, line_, line_begin_);
}

Token PythonTokenizer::fail(int line, int column, std::string message) {
  error_ = {line, column, std::move(message)};
  finished_ = true;
  last_ = {TokenKind::error, line, {}, nullptr};
  return last_;
}

int PythonTokenizer::column_at(std::size_t offset) const {
  return column_between(source_.data() + line_begin_, source_.data() + offset);
}

std::size_t PythonTokenizer::newline_length(std::size_t offset) const {
  return source_[offset] == '\r' && offset + 1 < source_.size() && source_[offset + 1] == '\n' ? 2
                                                                                               : 1;
}

std::size_t PythonTokenizer::end_of_line(std::size_t offset) const {
  // A loop rather than find_first_of("\r\n"), which calls memchr once per byte.
  while (offset < source_.size() && !is_line_break(source_[offset])) ++offset;
  return offset;
}

void PythonTokenizer::start_line(std::size_t offset) {
  ++line_;
  line_begin_ = offset;
}

Token PythonTokenizer::indentation() {
  // At the beginning of a physical line outside brackets: blank and comment-only lines do not
  // count (CPython's tokenizer skips them before comparing indentation).
  while (true) {
    int width = 0;
    std::size_t p = offset_;
    for (; p < source_.size(); ++p) {
      const char c = source_[p];
      if (c == ' ') {
        ++width;
      } else if (c == '\t') {
        width = (width / 8 + 1) * 8;
      } else if (c == '\f') {
        width = 0;
      } else {
        break;
      }
    }
    offset_ = p;
    if (p == source_.size()) return at_end();
    if (is_line_break(source_[p])) {
      offset_ = p + newline_length(p);
      start_line(offset_);
      continue;
    }
    if (source_[p] == '#') {
      offset_ = end_of_line(p);
      return make(TokenKind::comment, p, offset_);
    }
    at_line_begin_ = false;
    if (width > indents_[indent_depth_]) {
      if (indent_depth_ + 1 == max_indent_depth) {
        return fail(line_, column_at(p), "too many levels of indentation");
      }
      indents_[++indent_depth_] = width;
      return make(TokenKind::indent, p, p);
    }
    if (width < indents_[indent_depth_]) {
      int dedents = 0;
      while (width < indents_[indent_depth_]) {
        --indent_depth_;
        ++dedents;
      }
      if (width != indents_[indent_depth_]) {
        return fail(line_, column_at(p), "unindent does not match any outer indentation level");
      }
      pending_dedents_ = dedents - 1;
      return make(TokenKind::dedent, p, p);
    }
    return scan();
  }
}

Token PythonTokenizer::at_end() {
  const std::size_t end = source_.size();
  if (bracket_depth_ > 0) {
    const Bracket& open = brackets_[bracket_depth_ - 1];
    return fail(open.line,
                column_between(source_.data() + open.line_begin, source_.data() + open.offset),
                std::string("'") + open.open + "' was never closed");
  }
  if (logical_line_open_) {
    logical_line_open_ = false;
    return make(TokenKind::newline, end, end);
  }
  if (indent_depth_ > 0) {
    --indent_depth_;
    return make(TokenKind::dedent, end, end);
  }
  finished_ = true;
  last_ = make(TokenKind::endmarker, end, end);
  return last_;
}

Token PythonTokenizer::scan() {
  const std::size_t size = source_.size();
  while (true) {
    while (offset_ < size &&
           (source_[offset_] == ' ' || source_[offset_] == '\t' || source_[offset_] == '\f')) {
      ++offset_;
    }
    if (offset_ == size) return at_end();
    const std::size_t p = offset_;
    const char c = source_[p];
    if (is_line_break(c)) {
      if (auto token = scan_line_break(p)) return *token;
      continue;
    }
    if (c == '\\') {
      if (auto error = scan_line_continuation(p)) return *error;
      continue;
    }
    if (c == '#') {
      offset_ = end_of_line(p);
      return make(TokenKind::comment, p, offset_);
    }
    if (is_identifier_start(c)) return scan_name(p);
    if (is_digit(c) || (c == '.' && p + 1 < size && is_digit(source_[p + 1]))) {
      return scan_number(p);
    }
    if (is_quote(c)) return scan_string_token(p, p);
    if (c == '(' || c == '[' || c == '{') return scan_open_bracket(p);
    if (c == ')' || c == ']' || c == '}') return scan_close_bracket(p);
    const std::size_t length = operator_length(source_.substr(p));
    if (length == 0) return fail(line_, column_at(p), invalid_character_message(c));
    offset_ = p + length;
    return make(TokenKind::op, p, offset_);
  }
}

std::optional<Token> PythonTokenizer::scan_line_break(std::size_t p) {
  const int line = line_;
  const std::size_t line_begin = line_begin_;
  offset_ = p + newline_length(p);
  start_line(offset_);
  if (bracket_depth_ > 0) return std::nullopt;  // implicit line joining
  at_line_begin_ = true;
  if (!logical_line_open_) return next();
  logical_line_open_ = false;
  return Token{TokenKind::newline, line, source_.substr(p, offset_ - p),
               source_.data() + line_begin};
}

std::optional<Token> PythonTokenizer::scan_line_continuation(std::size_t p) {
  const std::size_t after = p + 1;
  if (after == source_.size() ||
      (is_line_break(source_[after]) && after + newline_length(after) == source_.size())) {
    return fail(line_, column_at(after), "unexpected EOF while parsing");
  }
  if (!is_line_break(source_[after])) {
    return fail(line_, column_at(after), "unexpected character after line continuation character");
  }
  offset_ = after + newline_length(after);
  start_line(offset_);
  return std::nullopt;
}

Token PythonTokenizer::scan_name(std::size_t p) {
  std::size_t end = p + 1;
  while (end < source_.size() && is_identifier_char(source_[end])) ++end;
  if (end < source_.size() && is_quote(source_[end]) &&
      is_string_prefix(source_.substr(p, end - p))) {
    return scan_string_token(p, end);
  }
  offset_ = end;
  return make(TokenKind::name, p, end);
}

Token PythonTokenizer::scan_number(std::size_t p) {
  const bool hex = source_[p] == '0' && p + 1 < source_.size() && lower(source_[p + 1]) == 'x';
  std::size_t end = p + 1;
  while (end < source_.size()) {
    const char d = source_[end];
    const bool exponent_sign = (d == '+' || d == '-') && !hex && lower(source_[end - 1]) == 'e';
    if (!is_identifier_char(d) && d != '.' && !exponent_sign) break;
    ++end;
  }
  offset_ = end;
  return make(TokenKind::number, p, end);
}

Token PythonTokenizer::scan_string_token(std::size_t prefix_begin, std::size_t quote) {
  const int line = line_;  // where the string starts; scan_string moves past its lines
  const std::size_t line_begin = line_begin_;
  const std::size_t end = scan_string(prefix_begin, quote);
  if (end == npos) return last_;
  offset_ = end;
  return make(TokenKind::string, prefix_begin, end, line, line_begin);
}

Token PythonTokenizer::scan_open_bracket(std::size_t p) {
  if (bracket_depth_ == max_bracket_depth) {
    return fail(line_, column_at(p), "too many nested parentheses");
  }
  brackets_[bracket_depth_++] = {source_[p], line_, line_begin_, p};
  offset_ = p + 1;
  return make(TokenKind::op, p, offset_);
}

Token PythonTokenizer::scan_close_bracket(std::size_t begin) {
  const char c = source_[begin];
  const int line = line_;
  if (bracket_depth_ == 0)
    return fail(line, column_at(begin), std::string("unmatched '") + c + "'");
  const Bracket open = brackets_[bracket_depth_ - 1];
  if (closing_of(open.open) != c) {
    std::string message = std::string("closing parenthesis '") + c +
                          "' does not match opening parenthesis '" + open.open + "'";
    if (open.line != line) message += " on line " + std::to_string(open.line);
    return fail(line, column_at(begin), std::move(message));
  }
  --bracket_depth_;
  offset_ = begin + 1;
  return make(TokenKind::op, begin, offset_);
}

std::size_t PythonTokenizer::scan_string(std::size_t prefix_begin, std::size_t quote_offset) {
  const int line = line_;
  const std::size_t line_begin = line_begin_;
  const std::string_view prefix = source_.substr(prefix_begin, quote_offset - prefix_begin);
  const bool formatted = has_prefix_letter(prefix, 'f');
  const bool raw = has_prefix_letter(prefix, 'r');
  const char quote = source_[quote_offset];
  const bool triple = is_triple_quote(source_, quote_offset, quote);
  const std::size_t size = source_.size();
  std::size_t p = quote_offset + (triple ? 3 : 1);
  const auto unterminated = [&] {
    // Like CPython, a line break ending the file does not start a line of its own.
    const bool after_last_line = p >= size && size > 0 && is_line_break(source_[size - 1]);
    fail(line, column_between(source_.data() + line_begin, source_.data() + prefix_begin),
         std::string(triple ? "unterminated triple-quoted string literal"
                            : "unterminated string literal") +
             " (detected at line " + std::to_string(after_last_line ? line_ - 1 : line_) + ")");
    return npos;
  };

  while (true) {
    while (p < size && !is_string_special(source_[p])) ++p;
    if (p >= size) return unterminated();
    const char c = source_[p];
    if (c == '\\') {
      ++p;
      if (p < size && is_line_break(source_[p])) {
        p += newline_length(p);
        start_line(p);
      } else if (formatted && !raw && p + 1 < size && source_[p] == 'N' && source_[p + 1] == '{') {
        p = source_.find('}', p);  // \N{NAME} is an escape, not a replacement field
        if (p == npos) return unterminated();
        ++p;
      } else {
        ++p;
      }
      continue;
    }
    if (c == quote) {
      if (!triple) return p + 1;
      if (is_triple_quote(source_, p, quote)) return p + 3;
      ++p;
      continue;
    }
    if (is_line_break(source_[p])) {
      if (!triple) return unterminated();
      p += newline_length(p);
      start_line(p);
      continue;
    }
    if (formatted && c == '{') {
      if (p + 1 < size && source_[p + 1] == '{') {
        p += 2;
        continue;
      }
      p = scan_replacement_field(p + 1, quote, triple);
      if (p == npos) return npos;
      continue;
    }
    ++p;
  }
}

std::size_t PythonTokenizer::scan_replacement_field(std::size_t offset, char quote, bool triple) {
  // Inside `{...}` of an f-string: an expression, where (since Python 3.12) strings may reuse
  // the enclosing quote, then an optional `:format spec`. Malformed fields are left for the
  // enclosing string scan to report.
  const std::size_t size = source_.size();
  int depth = 0;
  std::size_t p = offset;
  while (p < size) {
    const char c = source_[p];
    if (is_quote(c)) {
      p = scan_string(p, p);
      if (p == npos) return npos;
      continue;
    }
    if (is_identifier_start(c)) {
      std::size_t end = p + 1;
      while (end < size && is_identifier_char(source_[end])) ++end;
      if (end < size && is_quote(source_[end]) && is_string_prefix(source_.substr(p, end - p))) {
        end = scan_string(p, end);
        if (end == npos) return npos;
      }
      p = end;
      continue;
    }
    if (is_line_break(source_[p])) {
      p += newline_length(p);
      start_line(p);
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']') {
      if (depth > 0) --depth;
    } else if (c == '}') {
      if (depth == 0) return p + 1;
      --depth;
    } else if (c == ':' && depth == 0) {
      return scan_format_spec(p + 1, quote, triple);
    }
    ++p;
  }
  return p;
}

std::size_t PythonTokenizer::scan_format_spec(std::size_t offset, char quote, bool triple) {
  const std::size_t size = source_.size();
  std::size_t p = offset;
  while (p < size) {
    const char c = source_[p];
    if (c == '}') return p + 1;
    if (c == quote || (is_line_break(source_[p]) && !triple)) return p;
    if (c == '{') {
      p = scan_replacement_field(p + 1, quote, triple);
      if (p == npos) return npos;
      continue;
    }
    if (is_line_break(source_[p])) {
      p += newline_length(p);
      start_line(p);
      continue;
    }
    ++p;
  }
  return p;
}

}  // namespace alembic_exporter::alembic
