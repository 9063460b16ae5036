#include "collectors/alembic/revision_file_parser.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "collectors/alembic/joined.hpp"
#include "collectors/alembic/module_namespace.hpp"
#include "collectors/alembic/python_string_literal.hpp"
#include "collectors/alembic/python_tokenizer.hpp"

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

/// The first occurrence of each string, in order (alembic makes branch labels a set).
std::vector<std::string> unique(std::vector<std::string> strings) {
  std::vector<std::string> kept;
  for (auto& text : strings) {
    if (std::find(kept.begin(), kept.end(), text) == kept.end()) kept.push_back(std::move(text));
  }
  return kept;
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

  using Binding = ModuleNamespace::Binding;

  /// What the module's names give, as `Script.__init__` reads them: `module.revision`,
  /// `module.down_revision`, then `branch_labels` and `depends_on` through `util.to_tuple`.
  RevisionFileParse finish() {
    const Binding* revision = names_.find("revision");
    if (revision == nullptr) return NotARevision{};
    if (auto error = check_revision(*revision)) return *error;
    const std::string& id = revision->value.strings.front();
    const Binding* down = names_.find("down_revision");
    if (down == nullptr) {
      // Script.__init__ reads module.down_revision unconditionally: AttributeError.
      return RevisionParseError{revision->target_line(), revision->target_column(),
                                "revision '" + id +
                                    "' has no module-level down_revision (write `down_revision "
                                    "= None` for a base revision)"};
    }
    if (auto error = check_down_revision(*down)) return *error;

    const Binding* labels = names_.find("branch_labels");
    const Binding* depends = names_.find("depends_on");
    Revision result;
    result.lines = {.revision = revision->target_line(),
                    .down_revision = down->target_line(),
                    .depends_on = depends == nullptr ? 0 : depends->target_line(),
                    .branch_labels = labels == nullptr ? 0 : labels->target_line()};
    result.id = id;
    result.down_revisions = unique(down->value.strings);
    if (labels != nullptr) {
      // to_tuple(branch_labels) then set(): an empty string is a label too, as in alembic.
      result.branch_labels = unique(labels->value.strings);
      result.branch_labels_at_import = at_import(
          labels->value, "branch_labels of revision " + id,
          result.branch_labels.empty()
              ? "the revision is read without branch labels"
              : "only the labels " + joined(result.branch_labels) + " are known statically");
    }
    if (depends != nullptr) {
      result.depends_on = unique(depends->value.strings);
      // Revision.__init__ keeps tuple_rev_as_scalar(to_tuple(depends_on)) and RevisionMap
      // resolves it only when truthy: "", ("",) and () are no dependency at all.
      if (result.depends_on.size() == 1 && result.depends_on.front().empty()) {
        if (result.down_revisions.empty()) {
          // ...yet Revision._is_real_base asks `dependencies is None`: "" is not, so a base
          // revision with it is no real base and RevisionMap raises DependencyCycleDetected.
          return RevisionParseError{
              depends->value_line(), depends->value_column(),
              "depends_on: an empty string on a base revision makes alembic fail "
              "(DependencyCycleDetected); write `depends_on = None`"};
        }
        result.depends_on.clear();
      }
      if (depends->value.shape == StaticValue::Shape::unknown) std::erase(result.depends_on, "");
      result.depends_on_at_import = at_import(
          depends->value, "depends_on of revision " + id,
          result.depends_on.empty()
              ? "no dependency of it is known statically"
              : "only the dependencies " + joined(result.depends_on) + " are known statically");
    }
    result.message = std::move(message_);
    result.create_date = std::move(create_date_);
    return result;
  }

  static std::optional<Revision::ImportTimeValue> at_import(const StaticValue& value,
                                                            const std::string& what,
                                                            const std::string& consequence) {
    if (value.shape != StaticValue::Shape::unknown) return std::nullopt;
    return Revision::ImportTimeValue{
        value.line, value.column,
        what + " is only known at import time (" + explain(value) + "); " + consequence};
  }

  static RevisionParseError wrong_value(const Binding& binding, std::string_view field,
                                        std::string_view expected) {
    const StaticValue& value = binding.value;
    const std::string prefix = std::string(field) + ": expected " + std::string(expected);
    if (value.shape == StaticValue::Shape::unknown &&
        value.why != StaticValue::Why::not_evaluable) {
      return {value.line, value.column,
              std::string(field) + ": only known at import time (" + explain(value) +
                  "); the graph cannot be known without it"};
    }
    if (value.shape == StaticValue::Shape::unknown) {
      return {value.line, value.column, prefix + " (" + explain(value) + ")"};
    }
    return {binding.value_line(), binding.value_column(),
            prefix + " (found " + binding.value_text() + ")"};
  }

  static std::optional<RevisionParseError> check_revision(const Binding& binding) {
    const StaticValue& value = binding.value;
    if (value.shape != StaticValue::Shape::string) {
      return wrong_value(binding, "revision", "a string");
    }
    const std::string& id = value.strings.front();
    if (id.empty()) {
      return RevisionParseError{binding.value_line(), binding.value_column(),
                                "revision: expected a non-empty string"};
    }
    // alembic's Revision.verify_rev_id rejects these characters (revision.py).
    std::string illegal;
    for (const char c : std::string_view("+-@")) {
      if (id.find(c) == std::string::npos) continue;
      if (!illegal.empty()) illegal += ", ";
      illegal += c;
    }
    if (illegal.empty()) return std::nullopt;
    return RevisionParseError{
        binding.value_line(), binding.value_column(),
        "revision: character(s) '" + illegal + "' not allowed in revision identifier '" + id + "'"};
  }

  static std::optional<RevisionParseError> check_down_revision(const Binding& binding) {
    const StaticValue& value = binding.value;
    if (value.shape == StaticValue::Shape::unknown) {
      return wrong_value(binding, "down_revision", "a string, None, or a tuple/list of strings");
    }
    // alembic >= 1.9 applies to_tuple first, so "" names a revision "" that does not exist
    // (1.8.1 took a lone "" for None: see docs/).
    if (std::find(value.strings.begin(), value.strings.end(), "") != value.strings.end()) {
      return RevisionParseError{binding.value_line(), binding.value_column(),
                                "down_revision: expected a non-empty string"};
    }
    return std::nullopt;
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
