#include "collectors/alembic/python_tokenizer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "collectors/alembic/python_string_literal.hpp"

namespace alembic_exporter::alembic {
namespace {

std::string_view kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::name:
      return "NAME";
    case TokenKind::number:
      return "NUMBER";
    case TokenKind::string:
      return "STRING";
    case TokenKind::op:
      return "OP";
    case TokenKind::comment:
      return "COMMENT";
    case TokenKind::newline:
      return "NEWLINE";
    case TokenKind::indent:
      return "INDENT";
    case TokenKind::dedent:
      return "DEDENT";
    case TokenKind::endmarker:
      return "ENDMARKER";
    case TokenKind::error:
      return "ERROR";
  }
  return "?";
}

/// All tokens up to and including the endmarker or error.
std::vector<Token> tokens_of(std::string_view source) {
  PythonTokenizer tokenizer(source);
  std::vector<Token> tokens;
  while (true) {
    tokens.push_back(tokenizer.next());
    const TokenKind kind = tokens.back().kind;
    if (kind == TokenKind::endmarker || kind == TokenKind::error) return tokens;
  }
}

/// "KIND text" per token, space-separated; text omitted for newline/indent/dedent/endmarker.
std::string render(std::string_view source) {
  std::string out;
  for (const Token& token : tokens_of(source)) {
    if (!out.empty()) out += ' ';
    out += kind_name(token.kind);
    const bool textual = token.kind != TokenKind::newline && token.kind != TokenKind::indent &&
                         token.kind != TokenKind::dedent && token.kind != TokenKind::endmarker &&
                         token.kind != TokenKind::error;
    if (textual) out += "(" + std::string(token.text) + ")";
  }
  return out;
}

/// "line:col kind" of each token.
std::vector<std::string> positions(std::string_view source) {
  std::vector<std::string> out;
  for (const Token& token : tokens_of(source)) {
    out.push_back(std::to_string(token.line) + ":" + std::to_string(token.column()) + " " +
                  std::string(kind_name(token.kind)));
  }
  return out;
}

/// "line:col: message" of the tokenizer error, or "" when the source tokenizes.
std::string error_of(std::string_view source) {
  PythonTokenizer tokenizer(source);
  while (true) {
    const Token token = tokenizer.next();
    if (token.kind == TokenKind::endmarker) return "";
    if (token.kind == TokenKind::error) {
      const TokenizeError& error = tokenizer.error();
      return std::to_string(error.line) + ":" + std::to_string(error.column) + ": " + error.message;
    }
  }
}

TEST_CASE("a simple assignment with positions") {
  CHECK(render("x = 1\n") == "NAME(x) OP(=) NUMBER(1) NEWLINE ENDMARKER");
  CHECK(positions("x = 1\n") == std::vector<std::string>{"1:1 NAME", "1:3 OP", "1:5 NUMBER",
                                                         "1:6 NEWLINE", "2:1 ENDMARKER"});
}

TEST_CASE("a newline is added when the file does not end with one") {
  const auto tokens = tokens_of("x");
  REQUIRE(tokens.size() == 3);
  CHECK(tokens[1].kind == TokenKind::newline);
  CHECK(tokens[1].text.empty());
  CHECK(render("") == "ENDMARKER");
}

TEST_CASE("string prefixes in any case, and names that are not prefixes") {
  CHECK(render("u'a' r'b' b'c' f'd' rb'e' Br'f' bR'g' RB'h' fr'i' Rf'j' F'k' U'l'\n") ==
        "STRING(u'a') STRING(r'b') STRING(b'c') STRING(f'd') STRING(rb'e') STRING(Br'f') "
        "STRING(bR'g') STRING(RB'h') STRING(fr'i') STRING(Rf'j') STRING(F'k') STRING(U'l') "
        "NEWLINE ENDMARKER");
  // Python 3 has no ur'' nor bu'': the name is a name, then a plain string follows.
  CHECK(render("ur'a' x'b'\n") == "NAME(ur) STRING('a') NAME(x) STRING('b') NEWLINE ENDMARKER");
}

TEST_CASE("escapes keep quotes inside strings, raw strings included") {
  CHECK(render(R"(a = 'it\'s' "say \"hi\"" r"\"" '\\')"
               "\n") ==
        R"(NAME(a) OP(=) STRING('it\'s') STRING("say \"hi\"") STRING(r"\"") STRING('\\'))"
        " NEWLINE ENDMARKER");
}

TEST_CASE("triple-quoted strings span lines and hold lone quotes") {
  const std::string_view source = "x = '''a ' '' \"\"\"\nb''' ; \"\"\"\n\"\"\"\ny\n";
  CHECK(render(source) ==
        "NAME(x) OP(=) STRING('''a ' '' \"\"\"\nb''') OP(;) STRING(\"\"\"\n\"\"\") NEWLINE "
        "NAME(y) NEWLINE ENDMARKER");
  CHECK(positions(source)[3] == "2:6 OP");
  CHECK(positions(source)[6] == "4:1 NAME");
  CHECK(render("'''''' \"\"\"\"\"\"\n") == "STRING('''''') STRING(\"\"\"\"\"\") NEWLINE ENDMARKER");
}

TEST_CASE("a backslash-newline inside a single-quoted string continues it") {
  CHECK(render("x = 'a\\\nb'\ny\n") ==
        "NAME(x) OP(=) STRING('a\\\nb') NEWLINE NAME(y) NEWLINE "
        "ENDMARKER");
}

TEST_CASE("f-strings: replacement fields, nested quotes (3.12), format specs, braces") {
  CHECK(render(R"(f"{x["a"]}" f'{d['k']!r:>{w}}' f"{x:'>10}" f"{{" f"}}" f"\N{DASH}{y}")"
               "\n") ==
        R"(STRING(f"{x["a"]}") STRING(f'{d['k']!r:>{w}}') STRING(f"{x:'>10}") STRING(f"{{"))"
        R"( STRING(f"}}") STRING(f"\N{DASH}{y}") NEWLINE ENDMARKER)");
  CHECK(render("f'''{\n  x\n}''' z\n") == "STRING(f'''{\n  x\n}''') NAME(z) NEWLINE ENDMARKER");
}

TEST_CASE("brackets join lines: no newline until they close") {
  const std::string_view source = "x = (1,\n     [2,\n      {3: 4}],\n)\ny\n";
  CHECK(render(source) ==
        "NAME(x) OP(=) OP(() NUMBER(1) OP(,) OP([) NUMBER(2) OP(,) OP({) NUMBER(3) OP(:) "
        "NUMBER(4) OP(}) OP(]) OP(,) OP()) NEWLINE NAME(y) NEWLINE ENDMARKER");
  CHECK(positions(source)[16] == "4:2 NEWLINE");
  CHECK(positions(source)[17] == "5:1 NAME");
}

TEST_CASE("backslash continuation joins lines") {
  CHECK(render("x = 1 + \\\n    2\n") ==
        "NAME(x) OP(=) NUMBER(1) OP(+) NUMBER(2) NEWLINE ENDMARKER");
}

TEST_CASE("comments are tokens; comment-only and blank lines make no newline") {
  CHECK(render("# head\n\nx = 1  # tail\n   # indented comment\n\n\ny\n") ==
        "COMMENT(# head) NAME(x) OP(=) NUMBER(1) COMMENT(# tail) NEWLINE "
        "COMMENT(# indented comment) NAME(y) NEWLINE ENDMARKER");
}

TEST_CASE("indentation: indent, several dedents at once, dedents at the end") {
  CHECK(render("if a:\n    if b:\n        c\nd\nif e:\n  f\n") ==
        "NAME(if) NAME(a) OP(:) NEWLINE INDENT NAME(if) NAME(b) OP(:) NEWLINE INDENT NAME(c) "
        "NEWLINE DEDENT DEDENT NAME(d) NEWLINE NAME(if) NAME(e) OP(:) NEWLINE INDENT NAME(f) "
        "NEWLINE DEDENT ENDMARKER");
}

TEST_CASE("tabs indent to multiples of 8 and form feeds reset the column") {
  CHECK(error_of("if a:\n\tb\n        c\n") == "");
  CHECK(render("if a:\n\tb\n        c\n") ==
        "NAME(if) NAME(a) OP(:) NEWLINE INDENT NAME(b) NEWLINE NAME(c) NEWLINE DEDENT ENDMARKER");
  CHECK(render("\fx = 1\n\f\ny\n") == "NAME(x) OP(=) NUMBER(1) NEWLINE NAME(y) NEWLINE ENDMARKER");
}

TEST_CASE("CRLF and lone CR line endings") {
  CHECK(render("x = '''a\r\nb'''\r\nif y:\r\n    z\r\n") ==
        "NAME(x) OP(=) STRING('''a\r\nb''') NEWLINE NAME(if) NAME(y) OP(:) NEWLINE INDENT "
        "NAME(z) NEWLINE DEDENT ENDMARKER");
  const auto tokens = tokens_of("a\r\nb\rc\n");
  CHECK(tokens[1].text == "\r\n");
  CHECK(positions("a\r\nb\rc\n")[2] == "2:1 NAME");
  CHECK(positions("a\r\nb\rc\n")[4] == "3:1 NAME");
}

TEST_CASE("a UTF-8 byte order mark is skipped") {
  CHECK(positions("\xEF\xBB\xBFx = 1\n")[0] == "1:1 NAME");
  CHECK(tokens_of("\xEF\xBB\xBFx = 1\n")[0].text == "x");
}

TEST_CASE("columns count code points of non-ASCII text") {
  const std::string_view source = "s = 'h\xC3\xA9llo \xE2\x82\xAC'; t = 1  # caf\xC3\xA9\n";
  CHECK(positions(source)[3] == "1:14 OP");
  CHECK(positions(source)[4] == "1:16 NAME");
  CHECK(render("caf\xC3\xA9 = 1\n") == "NAME(caf\xC3\xA9) OP(=) NUMBER(1) NEWLINE ENDMARKER");
}

TEST_CASE("numbers, exponents and operators") {
  CHECK(render("1e-5 0x1e-5 .5j 1_000.0E+3\n") ==
        "NUMBER(1e-5) NUMBER(0x1e) OP(-) NUMBER(5) NUMBER(.5j) NUMBER(1_000.0E+3) NEWLINE "
        "ENDMARKER");
  CHECK(render("a **= b // c -> d := e != f ... @g\n") ==
        "NAME(a) OP(**=) NAME(b) OP(//) NAME(c) OP(->) NAME(d) OP(:=) NAME(e) OP(!=) NAME(f) "
        "OP(...) OP(@) NAME(g) NEWLINE ENDMARKER");
}

TEST_CASE("unterminated strings are reported where they start") {
  CHECK(error_of("x = 'abc\ny = 2\n") == "1:5: unterminated string literal (detected at line 1)");
  CHECK(error_of("\n\n\"\"\"doc\n\nrevision = 'a'\n") ==
        "3:1: unterminated triple-quoted string literal (detected at line 5)");
  CHECK(error_of("x = r'''a") ==
        "1:5: unterminated triple-quoted string literal (detected at line 1)");
  CHECK(error_of("x = 'a\\'\n") == "1:5: unterminated string literal (detected at line 1)");
  CHECK(error_of("x = f'{y}\n") == "1:5: unterminated string literal (detected at line 1)");
}

TEST_CASE("unbalanced brackets") {
  CHECK(error_of("x = 1)\n") == "1:6: unmatched ')'");
  CHECK(error_of("x = (1]\n") ==
        "1:7: closing parenthesis ']' does not match opening parenthesis '('");
  CHECK(error_of("x = (1,\n 2}\n") ==
        "2:3: closing parenthesis '}' does not match opening parenthesis '(' on line 1");
  CHECK(error_of("x = [(1,\n") == "1:6: '(' was never closed");
}

TEST_CASE("inconsistent dedent") {
  CHECK(error_of("if x:\n        a = 1\n    b = 2\n") ==
        "3:5: unindent does not match any outer indentation level");
}

TEST_CASE("backslash misuse and invalid characters") {
  CHECK(error_of("x = 1 \\ y\n") == "1:8: unexpected character after line continuation character");
  CHECK(error_of("x = 1 \\\n") == "1:8: unexpected EOF while parsing");
  CHECK(error_of("x = $\n") == "1:5: invalid character '$'");
  CHECK(error_of("x = !a\n") == "1:5: invalid character '!'");
  CHECK(error_of(std::string_view("x = \0", 5)) == "1:5: invalid non-printable character U+0000");
}

TEST_CASE("CPython's nesting limits: 200 brackets, 99 indentation levels") {
  const auto brackets = [](int depth) {
    return "x = " + std::string(static_cast<std::size_t>(depth), '(') +
           std::string(static_cast<std::size_t>(depth), ')') + "\n";
  };
  CHECK(error_of(brackets(200)) == "");
  CHECK(error_of(brackets(201)) == "1:205: too many nested parentheses");
  const auto blocks = [](int depth) {
    std::string source;
    for (int i = 0; i < depth; ++i)
      source += std::string(static_cast<std::size_t>(i), ' ') + "if x:\n";
    return source + std::string(static_cast<std::size_t>(depth), ' ') + "pass\n";
  };
  CHECK(error_of(blocks(99)) == "");
  CHECK(error_of(blocks(100)) == "101:101: too many levels of indentation");
}

TEST_CASE("after an error or the end, next() keeps returning the same token") {
  PythonTokenizer broken("x = 'a\n");
  const Token first = broken.next();
  CHECK(first.kind == TokenKind::name);
  broken.next();
  CHECK(broken.next().kind == TokenKind::error);
  CHECK(broken.next().kind == TokenKind::error);
  PythonTokenizer done("");
  CHECK(done.next().kind == TokenKind::endmarker);
  CHECK(done.next().kind == TokenKind::endmarker);
}

/// The value of a str literal token, as Python would compute it.
std::string value_of(std::string_view token) {
  std::string value;
  append_string_value(split_string_literal(token), value);
  return value;
}

TEST_CASE("string literal values: prefixes and quotes") {
  const StringLiteral literal = split_string_literal("Rb'''x'''");
  CHECK(literal.raw);
  CHECK(literal.bytes);
  CHECK_FALSE(literal.formatted);
  CHECK(literal.body == "x");
  CHECK(split_string_literal("f\"{x}\"").formatted);
  CHECK(split_string_literal("''").body.empty());
  CHECK(split_string_literal("\"\"\"\"\"\"").body.empty());
  CHECK(value_of("u'plain'") == "plain");
}

TEST_CASE("string literal values: escapes") {
  CHECK(value_of(R"('\\ \' \" \a \b \f \n \r \t \v')") == "\\ ' \" \a \b \f \n \r \t \v");
  CHECK(value_of(R"('\101\0\1234')") == std::string("A\0S4", 4));
  CHECK(value_of(R"('\x41\xe9\u20ac\U0001F600')") == "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  CHECK(value_of(R"('\d \N{DASH} \xZZ')") == R"(\d \N{DASH} \xZZ)");
  CHECK(value_of("'a\\\nb'") == "ab");
  CHECK(value_of("'a\\\r\nb'") == "ab");
}

TEST_CASE("string literal values: raw strings and line breaks") {
  CHECK(value_of(R"(r'\n\'')") == R"(\n\')");
  CHECK(value_of("'''a\r\nb\rc\nd'''") == "a\nb\nc\nd");
  CHECK(value_of("r'''a\\\r\nb'''") == "a\\\nb");
}

}  // namespace
}  // namespace alembic_exporter::alembic
