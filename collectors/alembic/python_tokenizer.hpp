#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace alembic_exporter::alembic {

/// The token types of Python's `tokenize` that statement boundaries need (no NL, no f-string
/// parts).
enum class TokenKind {
  name,
  number,
  string,
  op,
  comment,
  newline,
  indent,
  dedent,
  endmarker,
  error
};

/// One token of Python 3 source, as `tokenize` would produce it minus NL tokens (blank lines and
/// newlines inside brackets are skipped). `text` views the source: a string token includes its
/// prefix and quotes, a newline token its line break (empty for the one added at the end of the
/// file), indent/dedent/endmarker/error tokens are empty.
struct Token {
  TokenKind kind;
  int line;                ///< 1-based (next to `kind`: a token fits in 32 bytes)
  std::string_view text;   ///< for an error token, empty: see PythonTokenizer::error()
  const char* line_begin;  ///< where `line` begins in the source

  /// 1-based, in code points (a tab counts as one). Counted on demand: only errors need it.
  int column() const;
};

/// Why the source cannot be tokenized, located like Python's SyntaxError (e.g. the opening quote
/// of an unterminated string, the opening bracket that was never closed).
struct TokenizeError {
  int line = 0;
  int column = 0;
  std::string message;
};

/// Single-pass pull tokenizer over UTF-8 text (a BOM is skipped; LF, CRLF and CR end lines).
/// Allocates nothing per token: tokens view the source. It knows enough Python to find statement
/// boundaries: string prefixes and escapes, triple quotes, f-string replacement fields (nested
/// quotes as Python 3.12 allows), implicit joining inside brackets, backslash continuation and
/// indentation (tabs to multiples of 8, form feed resets, as CPython's tokenizer does).
class PythonTokenizer {
 public:
  explicit PythonTokenizer(std::string_view source);

  /// The next token; after `endmarker` or `error` it returns that token again.
  Token next();

  /// Meaningful once next() returned an `error` token.
  const TokenizeError& error() const { return error_; }

 private:
  Token scan();
  // The scan_* parts of scan() and make() are inline (defined in the .cpp, used only there): as
  // separate calls they cost a cold parse about 3 % more instructions each (callgrind).
  /// A NEWLINE token, or nullopt when the break only joins lines (inside brackets).
  inline std::optional<Token> scan_line_break(std::size_t p);
  /// An error, or nullopt after a backslash continuation.
  inline std::optional<Token> scan_line_continuation(std::size_t p);
  /// A name, or a string with a prefix (`r"..."`, `f'...'`).
  inline Token scan_name(std::size_t p);
  inline Token scan_number(std::size_t p);
  inline Token scan_string_token(std::size_t prefix_begin, std::size_t quote);
  inline Token scan_open_bracket(std::size_t p);
  Token indentation();
  Token at_end();
  inline Token make(TokenKind kind, std::size_t begin, std::size_t end, int line,
                    std::size_t line_begin);
  inline Token make(TokenKind kind, std::size_t begin, std::size_t end);
  Token fail(int line, int column, std::string message);
  int column_at(std::size_t offset) const;
  std::size_t newline_length(std::size_t offset) const;
  std::size_t end_of_line(std::size_t offset) const;
  void start_line(std::size_t offset);
  std::size_t scan_string(std::size_t prefix_begin, std::size_t quote);
  std::size_t scan_replacement_field(std::size_t offset, char quote, bool triple);
  std::size_t scan_format_spec(std::size_t offset, char quote, bool triple);
  Token scan_close_bracket(std::size_t begin);

  struct Bracket {
    char open;
    int line;
    std::size_t line_begin;
    std::size_t offset;
  };

  std::string_view source_;
  std::size_t offset_ = 0;
  int line_ = 1;
  std::size_t line_begin_ = 0;
  bool at_line_begin_ = true;
  bool logical_line_open_ = false;  ///< a token was emitted since the last newline token
  int pending_dedents_ = 0;
  // CPython's limits (MAXINDENT, MAXLEVEL); fixed arrays spare two allocations per file.
  static constexpr int max_indent_depth = 100;
  static constexpr int max_bracket_depth = 200;
  std::array<int, max_indent_depth> indents_{};  ///< indents_[0] is the module level, 0
  int indent_depth_ = 0;
  std::array<Bracket, max_bracket_depth> brackets_;
  int bracket_depth_ = 0;
  bool finished_ = false;
  Token last_{TokenKind::endmarker, 1, {}, nullptr};
  TokenizeError error_;
};

}  // namespace alembic_exporter::alembic
