#include "collectors/alembic/revision_file_parser.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "collectors/alembic/module_namespace.hpp"
#include "collectors/alembic/python_string_literal.hpp"
#include "collectors/alembic/python_tokenizer.hpp"
#include "collectors/alembic/revision_fields.hpp"

namespace alembic_exporter::alembic {
namespace {

bool is_op(const Token& token, std::string_view text) {
  return token.kind == TokenKind::op && token.text == text;
}

/// Bracket depth change of one token (the tokenizer guarantees brackets balance).
int depth_change(const Token& token) {
  if (token.kind != TokenKind::op || token.text.size() != 1) return 0;
  const char c = token.text[0];
  return c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
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
  // string_views, not C strings: comparing with those would call strlen for each.
  static constexpr std::array<std::string_view, 9> kBlockKeywords = {
      "if", "elif", "else", "while", "for", "try", "except", "finally", "with"};
  return std::find(kBlockKeywords.begin(), kBlockKeywords.end(), word) != kBlockKeywords.end()
             ? LineKind::conditional
             : LineKind::simple;
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

/// Reads a revision file statement by statement, at module level only, the way importing the
/// module would bind `revision`, `down_revision`, `branch_labels` and `depends_on`.
class RevisionFileReader {
 public:
  explicit RevisionFileReader(std::string_view text) : tokenizer_(text) {
    constexpr std::size_t kLongLogicalLine = 64;  // tokens; a longer line reallocates, rarely
    line_.reserve(kLongLogicalLine);
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
    if (last_line_kind_ == LineKind::function) {
      if (!is_op(line_.front(), "@")) names_.execute_header(line_);
      return;
    }
    const std::string_view keyword = depth_ > 0 ? block_keyword_ : line_.front().text;
    const bool conditional = depth_ > 0 || last_line_kind_ == LineKind::conditional;
    std::size_t begin = 0;
    if (last_line_kind_ == LineKind::conditional) {
      // The header binds `for` and `as` targets; only the inline body after its colon holds
      // statements: `if x: revision = "a"`.
      begin = find_at_depth_zero(0, ":");
      names_.execute_header(std::span<const Token>(line_).first(begin));
      if (begin == line_.size() - 1) return;
      ++begin;
    }
    while (begin < line_.size()) {
      const std::size_t end = find_at_depth_zero(begin, ";");
      names_.execute(std::span<const Token>(line_).subspan(begin, end - begin + 1),
                     conditional ? keyword : std::string_view{});
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
      constexpr std::string_view kCreateDate = "Create Date:";
      if (create_date_.empty() && line.starts_with(kCreateDate)) {
        create_date_ = strip(line.substr(kCreateDate.size()));
      }
    }
  }

  RevisionFileParse finish() {
    return revision_from_names(names_, std::move(message_), std::move(create_date_));
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
  ModuleNamespace names_;
  std::string message_;
  std::string create_date_;
};

}  // namespace

RevisionFileParse parse_revision_file(std::string_view text) {
  return RevisionFileReader(text).read();
}

}  // namespace alembic_exporter::alembic
