#include "collectors/alembic/revision_file_parser.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collectors/alembic/python_string_literal.hpp"
#include "collectors/alembic/python_tokenizer.hpp"

namespace alembic_exporter::alembic {
namespace {

enum class Field { revision, down_revision, branch_labels, depends_on };
constexpr std::array<std::string_view, 4> field_names = {"revision", "down_revision",
                                                         "branch_labels", "depends_on"};

std::string_view name_of(Field field) { return field_names[static_cast<std::size_t>(field)]; }

std::optional<Field> field_named(const Token& token) {
  if (token.kind != TokenKind::name) return std::nullopt;
  for (std::size_t i = 0; i < field_names.size(); ++i) {
    if (token.text == field_names[i]) return static_cast<Field>(i);
  }
  return std::nullopt;
}

bool is_op(const Token& token, std::string_view text) {
  return token.kind == TokenKind::op && token.text == text;
}

/// Bracket depth change of one token (the tokenizer guarantees brackets balance).
int depth_change(const Token& token) {
  if (token.kind != TokenKind::op || token.text.size() != 1) return 0;
  const char c = token.text[0];
  return c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
}

bool is_augmented_assignment(const Token& token) {
  return token.kind == TokenKind::op && token.text.size() >= 2 && token.text.back() == '=' &&
         token.text != "==" && token.text != "!=" && token.text != "<=" && token.text != ">=";
}

enum class LineKind { simple, conditional, function };

/// Compound statements that open a block; `match`/`case` are soft keywords and a `match` block
/// has no inline body, so reading its header as a simple statement is harmless.
LineKind kind_of_line(const std::vector<Token>& tokens) {
  const Token& first = tokens.front();
  if (is_op(first, "@")) return LineKind::function;  // a decorator; the def/class follows
  if (first.kind != TokenKind::name) return LineKind::simple;
  const std::string_view word = first.text;
  if (word == "def" || word == "class") return LineKind::function;
  if (word == "async") {
    return tokens.size() > 1 && tokens[1].text == "def" ? LineKind::function
                                                        : LineKind::conditional;
  }
  for (const std::string_view keyword :
       {"if", "elif", "else", "while", "for", "try", "except", "finally", "with"}) {
    if (word == keyword) return LineKind::conditional;
  }
  return LineKind::simple;
}

bool is_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// A loop rather than find_first_not_of(" \t\n\r\f\v"), which calls memchr once per byte.
std::string_view strip(std::string_view text) {
  while (!text.empty() && is_whitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

/// A value alembic accepts for one of the four fields (after `util.to_tuple`).
struct Literal {
  enum class Shape { none, string, sequence } shape = Shape::none;
  std::vector<std::string> strings;  ///< one for a string, any number for a sequence
};

/// Reads the literal shapes revision files use over the tokens [begin, end) of a right-hand side:
///   value := item (',' item)* [',']
///   item  := 'None' | string+ | '(' [value] ')' | '[' [value] ']'
/// where sequence items must be non-empty strings. Anything else stops at the offending token.
class LiteralReader {
 public:
  LiteralReader(const std::vector<Token>& tokens, std::size_t begin, std::size_t end)
      : tokens_(tokens), next_(begin), end_(end) {}

  std::optional<Literal> read() {
    Literal literal;
    bool tuple = false;
    if (!read_value(literal, tuple)) return std::nullopt;
    if (next_ != end_) {
      fail(next_);
      return std::nullopt;
    }
    return literal;
  }

  const Token& offending() const { return tokens_[offending_]; }
  bool empty_string() const { return empty_string_; }

 private:
  bool at(std::string_view op) const { return next_ < end_ && is_op(tokens_[next_], op); }

  /// Always false, for `return fail(...)` in the readers.
  bool fail(std::size_t index, bool empty_string = false) {
    offending_ = index;
    empty_string_ = empty_string;
    return false;
  }

  bool read_value(Literal& out, bool& tuple) {
    std::size_t item_begin = next_;
    Literal item;
    if (!read_item(item)) return false;
    tuple = at(",");
    if (!tuple) {
      out = std::move(item);
      return true;
    }
    out = {Literal::Shape::sequence, {}};
    while (true) {
      if (item.shape != Literal::Shape::string) return fail(item_begin);
      out.strings.push_back(std::move(item.strings.front()));
      if (!at(",")) return true;
      ++next_;
      if (next_ == end_ || at(")") || at("]")) return true;  // trailing comma
      item_begin = next_;
      if (!read_item(item)) return false;
    }
  }

  bool read_item(Literal& out) {
    if (next_ == end_) return fail(next_);
    const Token& token = tokens_[next_];
    if (token.kind == TokenKind::name && token.text == "None") {
      ++next_;
      out = {Literal::Shape::none, {}};
      return true;
    }
    if (token.kind == TokenKind::string) return read_strings(out);
    if (!is_op(token, "(") && !is_op(token, "[")) return fail(next_);
    const bool list = token.text == "[";
    const std::string_view close = list ? "]" : ")";
    ++next_;
    if (at(close)) {
      ++next_;
      out = {Literal::Shape::sequence, {}};
      return true;
    }
    const std::size_t inner_begin = next_;
    bool tuple = false;
    if (!read_value(out, tuple)) return false;
    if (!at(close)) return fail(next_);
    ++next_;
    if (list && !tuple) {
      if (out.shape != Literal::Shape::string) return fail(inner_begin);
      out.shape = Literal::Shape::sequence;
    }
    return true;
  }

  /// Adjacent literals concatenate, as in Python.
  bool read_strings(Literal& out) {
    const std::size_t begin = next_;
    std::string value;
    for (; next_ < end_ && tokens_[next_].kind == TokenKind::string; ++next_) {
      const StringLiteral literal = split_string_literal(tokens_[next_].text);
      if (literal.bytes || literal.formatted) return fail(next_);
      append_string_value(literal, value);
    }
    if (value.empty()) return fail(begin, true);
    out = {Literal::Shape::string, {std::move(value)}};
    return true;
  }

  const std::vector<Token>& tokens_;
  std::size_t next_;
  std::size_t end_;
  std::size_t offending_ = 0;
  bool empty_string_ = false;
};

std::string describe(const Token& token) {
  if (token.kind == TokenKind::newline || is_op(token, ";")) return "end of statement";
  if (token.kind == TokenKind::string) {
    const StringLiteral literal = split_string_literal(token.text);
    if (literal.formatted) return "an f-string";
    if (literal.bytes) return "a bytes literal";
  }
  constexpr std::size_t max_shown = 40;
  std::string shown(token.text.substr(0, max_shown));
  if (token.text.size() > max_shown) shown += "...";
  return "`" + shown + "`";
}

/// Reads a revision file statement by statement, at module level only, the way importing the
/// module would bind `revision`, `down_revision`, `branch_labels` and `depends_on`.
class RevisionFileReader {
 public:
  explicit RevisionFileReader(std::string_view text) : tokenizer_(text) {
    constexpr std::size_t long_logical_line = 64;  // tokens; a longer line reallocates, rarely
    line_.reserve(long_logical_line);
  }

  RevisionFileParse read() {
    while (true) {
      const Token token = tokenizer_.next();
      if (auto error = check_blocks(token)) return *error;
      switch (token.kind) {
        case TokenKind::error: {
          // alembic imports every *.py of the versions directory (Script._from_filename), so a
          // file Python cannot tokenize breaks alembic whatever it contains: always an error.
          const TokenizeError& error = tokenizer_.error();
          return RevisionParseError{error.line, error.column, error.message};
        }
        case TokenKind::endmarker:
          return finish();
        case TokenKind::comment:
          break;
        case TokenKind::indent:
          ++depth_;
          if (function_depth_ == 0 && last_line_kind_ == LineKind::function) {
            function_depth_ = depth_;
          }
          if (depth_ == 1) block_keyword_ = last_line_keyword_;
          break;
        case TokenKind::dedent:
          if (depth_ == function_depth_) function_depth_ = 0;
          --depth_;
          break;
        case TokenKind::newline:
          if (!line_.empty()) {
            line_.push_back(token);
            read_line();
            line_.clear();
            if (error_ && has_revision_) return *error_;
          }
          break;
        default:
          // Function and class bodies cannot bind module names: not even buffered.
          if (function_depth_ == 0) line_.push_back(token);
          break;
      }
    }
  }

 private:
  struct Assigned {
    Literal literal;
    Token target;
    Token value;
  };

  /// Python's own indentation errors, which the tokenizer does not see: an indent not after a
  /// `:` line, no indent after one. Like tokenizer errors they make the import fail, and the
  /// first one would otherwise make the depth of everything after it wrong.
  std::optional<RevisionParseError> check_blocks(const Token& token) {
    if (token.kind == TokenKind::comment || token.kind == TokenKind::error) return std::nullopt;
    const bool indent = token.kind == TokenKind::indent;
    if (block_expected_ && !indent) {
      return RevisionParseError{
          token.line, token.column(),
          "expected an indented block after line " + std::to_string(previous_.line)};
    }
    if (!block_expected_ && indent) {
      return RevisionParseError{token.line, token.column(), "unexpected indent"};
    }
    block_expected_ = token.kind == TokenKind::newline && is_op(previous_, ":");
    previous_ = token;
    return std::nullopt;
  }

  /// One logical line of tokens without comments, ending with its newline token.
  void read_line() {
    if (first_line_) {
      first_line_ = false;
      if (depth_ == 0) read_docstring();
    }
    last_line_kind_ = kind_of_line(line_);
    last_line_keyword_ = line_.front().text;
    if (last_line_kind_ == LineKind::function) return;
    const std::string_view keyword = depth_ > 0 ? block_keyword_ : line_.front().text;
    const bool conditional = depth_ > 0 || last_line_kind_ == LineKind::conditional;
    std::size_t begin = 0;
    if (last_line_kind_ == LineKind::conditional) {
      // Only the inline body after the header's colon holds statements: `if x: revision = "a"`.
      begin = find_at_depth_zero(0, ":");
      if (begin == line_.size() - 1) return;
      ++begin;
    }
    while (begin < line_.size()) {
      const std::size_t end = find_at_depth_zero(begin, ";");
      read_statement(begin, end, conditional ? keyword : std::string_view{});
      begin = end + 1;
    }
  }

  /// Index of the first depth-0 `op` at or after `begin`, or of the closing newline token.
  std::size_t find_at_depth_zero(std::size_t begin, std::string_view op) const {
    int depth = 0;
    for (std::size_t i = begin; i + 1 < line_.size(); ++i) {
      if (depth == 0 && is_op(line_[i], op)) return i;
      depth += depth_change(line_[i]);
    }
    return line_.size() - 1;
  }

  /// The module docstring: a first statement made only of str literals (Python's rule for
  /// `__doc__`; a bytes literal or an f-string is not a docstring).
  void read_docstring() {
    std::size_t end = 0;
    while (line_[end].kind == TokenKind::string) ++end;
    if (end == 0 || (line_[end].kind != TokenKind::newline && !is_op(line_[end], ";"))) return;
    std::string docstring;
    for (std::size_t i = 0; i < end; ++i) {
      const StringLiteral literal = split_string_literal(line_[i].text);
      if (literal.bytes || literal.formatted) return;
      append_string_value(literal, docstring);
    }
    std::string_view rest = docstring;
    while (!rest.empty()) {
      const std::size_t line_end = rest.find('\n');
      const std::string_view line = strip(rest.substr(0, line_end));
      rest = line_end == std::string_view::npos ? std::string_view{} : rest.substr(line_end + 1);
      if (message_.empty()) message_ = line;
      constexpr std::string_view create_date_prefix = "Create Date:";
      if (create_date_.empty() && line.starts_with(create_date_prefix)) {
        create_date_ = strip(line.substr(create_date_prefix.size()));
      }
    }
  }

  /// A simple statement [begin, end) of line_. `keyword` is empty at module level, otherwise the
  /// compound statement around it: such conditional assignments (`if x: revision = "a"`, or in
  /// an indented `if`/`try` block) are deliberately not evaluated but reported, since which one
  /// Python would run is unknowable here; assignments in def/class bodies are never looked at.
  void read_statement(std::size_t begin, std::size_t end, std::string_view keyword) {
    if (begin == end) return;
    if (const auto field = field_named(line_[begin]);
        field && begin + 1 < end && is_augmented_assignment(line_[begin + 1])) {
      note_binding(*field);
      record(line_[begin + 1], std::string(name_of(*field)) + ": augmented assignment `" +
                                   std::string(line_[begin + 1].text) + "` is not supported");
      return;
    }
    std::size_t last_equals = end;
    int assignments = 0;
    int depth = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const Token& token = line_[i];
      if (depth == 0 && token.kind == TokenKind::name && token.text == "lambda") break;
      if (depth == 0 && is_op(token, "=")) {
        last_equals = i;
        ++assignments;
      }
      depth += depth_change(token);
    }
    if (assignments == 0) return;

    std::optional<Literal> value;
    std::size_t target_begin = begin;
    depth = 0;
    for (std::size_t i = begin; i <= last_equals; ++i) {
      if (depth == 0 && is_op(line_[i], "=")) {
        read_target(target_begin, i, assignments, last_equals, end, keyword, value);
        target_begin = i + 1;
      }
      depth += depth_change(line_[i]);
    }
  }

  /// One target [begin, end) of an assignment whose value is (last_equals, statement_end).
  void read_target(std::size_t begin, std::size_t end, int assignments, std::size_t last_equals,
                   std::size_t statement_end, std::string_view keyword,
                   std::optional<Literal>& value) {
    const auto field = field_named(line_[begin]);
    const bool plain =
        field &&
        (end - begin == 1 || (assignments == 1 && end - begin > 1 && is_op(line_[begin + 1], ":")));
    if (!plain) {
      int depth = 0;
      for (std::size_t i = begin; i < end; ++i) {
        const auto unpacked = field_named(line_[i]);
        if (depth == 0 && unpacked && (i == begin || !is_op(line_[i - 1], "."))) {
          note_binding(*unpacked);
          record(line_[i], std::string(name_of(*unpacked)) + ": assignment by unpacking is not " +
                               "supported (write `" + std::string(name_of(*unpacked)) + " = ...`)");
          return;
        }
        depth += depth_change(line_[i]);
      }
      return;
    }
    note_binding(*field);
    const Token& target = line_[begin];
    if (!keyword.empty()) {
      record(target, std::string(name_of(*field)) + ": assigned inside `" + std::string(keyword) +
                         "`; only unconditional module-level assignments are read");
      return;
    }
    LiteralReader reader(line_, last_equals + 1, statement_end);
    if (!value) value = reader.read();
    const bool is_revision = *field == Field::revision;
    if (!value || (is_revision && value->shape != Literal::Shape::string)) {
      const Token& offending = value ? line_[last_equals + 1] : reader.offending();
      std::string message(name_of(*field));
      if (value || !reader.empty_string()) {
        message += is_revision ? ": expected a string"
                               : ": expected a string, None, or a tuple/list of strings";
        message += " (found " + describe(offending) + ")";
      } else {
        message += ": expected a non-empty string";
      }
      record(offending, std::move(message));
      return;
    }
    assigned_[static_cast<std::size_t>(*field)] =
        Assigned{std::move(*value), target, line_[last_equals + 1]};
    value.reset();  // moved from: a further target of a chained assignment reads it again
  }

  void note_binding(Field field) { has_revision_ = has_revision_ || field == Field::revision; }

  void record(const Token& at, std::string message) {
    if (!error_) error_ = RevisionParseError{at.line, at.column(), std::move(message)};
  }

  RevisionFileParse finish() {
    if (!has_revision_) return NotARevision{};
    if (error_) return *error_;
    const Assigned& revision = *assigned_[static_cast<std::size_t>(Field::revision)];
    const std::string& id = revision.literal.strings.front();
    // alembic's Revision.verify_rev_id rejects these characters (revision.py).
    std::string illegal;
    for (const char c : std::string_view("+-@")) {
      if (id.find(c) == std::string::npos) continue;
      if (!illegal.empty()) illegal += ", ";
      illegal += c;
    }
    if (!illegal.empty()) {
      return RevisionParseError{revision.value.line, revision.value.column(),
                                "revision: character(s) '" + illegal +
                                    "' not allowed in revision identifier '" + id + "'"};
    }
    const auto& down = assigned_[static_cast<std::size_t>(Field::down_revision)];
    if (!down) {
      // Script.__init__ reads module.down_revision unconditionally: AttributeError.
      return RevisionParseError{revision.target.line, revision.target.column(),
                                "revision '" + id +
                                    "' has no module-level down_revision (write `down_revision "
                                    "= None` for a base revision)"};
    }
    const auto line_of = [this](Field field) {
      const auto& assigned = assigned_[static_cast<std::size_t>(field)];
      return assigned ? assigned->target.line : 0;
    };
    const auto strings_of = [this](Field field) {
      auto& assigned = assigned_[static_cast<std::size_t>(field)];
      return assigned ? std::move(assigned->literal.strings) : std::vector<std::string>{};
    };
    Revision result;
    result.lines = {.revision = line_of(Field::revision),
                    .down_revision = line_of(Field::down_revision),
                    .depends_on = line_of(Field::depends_on),
                    .branch_labels = line_of(Field::branch_labels)};
    result.id = id;
    result.down_revisions = strings_of(Field::down_revision);
    result.branch_labels = strings_of(Field::branch_labels);
    result.depends_on = strings_of(Field::depends_on);
    result.message = std::move(message_);
    result.create_date = std::move(create_date_);
    return result;
  }

  PythonTokenizer tokenizer_;
  Token previous_{TokenKind::newline, 1, {}, nullptr};  ///< the last token that is not a comment
  bool block_expected_ = false;                         ///< a line ending with `:` just ended
  std::vector<Token> line_;
  int depth_ = 0;
  int function_depth_ = 0;  ///< indentation depth of the outermost def/class body, 0 if none
  bool first_line_ = true;
  LineKind last_line_kind_ = LineKind::simple;
  std::string_view last_line_keyword_;
  std::string_view block_keyword_;  ///< header keyword of the current module-level block
  bool has_revision_ = false;
  std::optional<RevisionParseError> error_;
  std::array<std::optional<Assigned>, 4> assigned_;
  std::string message_;
  std::string create_date_;
};

}  // namespace

RevisionFileParse parse_revision_file(std::string_view text) {
  return RevisionFileReader(text).read();
}

}  // namespace alembic_exporter::alembic
