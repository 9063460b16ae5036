#include "collectors/alembic/module_namespace.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "collectors/alembic/python_tokenizer.hpp"

namespace alembic_exporter::alembic {
namespace {

using Shape = StaticValue::Shape;
using Strings = std::vector<std::string>;

/// Runs `source` statement by statement at module level (no blocks), as the revision file
/// parser does, and returns the namespace.
ModuleNamespace run(std::string_view source) {
  ModuleNamespace names;
  PythonTokenizer tokenizer(source);
  std::vector<Token> statement;
  while (true) {
    const Token token = tokenizer.next();
    REQUIRE(token.kind != TokenKind::error);
    if (token.kind == TokenKind::endmarker) break;
    if (token.kind == TokenKind::comment || token.kind == TokenKind::indent ||
        token.kind == TokenKind::dedent) {
      continue;
    }
    statement.push_back(token);
    if (token.kind == TokenKind::newline || (token.kind == TokenKind::op && token.text == ";")) {
      names.execute(statement, {});
      statement.clear();
    }
  }
  return names;
}

/// The value `name` holds after `source` ran.
StaticValue value_of(std::string_view source, std::string_view name = "x") {
  const ModuleNamespace names = run(source);
  const auto* binding = names.find(name);
  REQUIRE(binding != nullptr);
  return binding->value;
}

TEST_CASE("literals: None, strings, tuples, lists and sets of strings") {
  CHECK(value_of("x = None\n").shape == Shape::none);
  const StaticValue text = value_of("x = 'a' \"b\"\n");
  CHECK(text.shape == Shape::string);
  CHECK(text.strings == Strings{"ab"});
  const StaticValue tuple = value_of("x = 'a', 'b',\n");
  CHECK(tuple.shape == Shape::tuple);
  CHECK(tuple.strings == Strings{"a", "b"});
  CHECK(value_of("x = ()\n").shape == Shape::tuple);
  CHECK(value_of("x = ('a')\n").shape == Shape::string);
  CHECK(value_of("x = ['a', 'b']\n").shape == Shape::list);
  const StaticValue set = value_of("x = {'a', 'b', 'a'}\n");
  CHECK(set.shape == Shape::set);
  CHECK(set.strings == Strings{"a", "b"});
  CHECK(value_of("x: tuple[str, ...] = ('a',)\n").strings == Strings{"a"});
}

TEST_CASE("names bound earlier, `+` and `+=` in file order") {
  CHECK(value_of("A = 'a'\nx = (A, 'b')\n").strings == Strings{"a", "b"});
  CHECK(value_of("A = ['a']\nx = A + ['b']\n").strings == Strings{"a", "b"});
  CHECK(value_of("x = ('a',)\nx += ('b',)\nx = x + ('c',)\n").strings == Strings{"a", "b", "c"});
  CHECK(value_of("x = []\nx += ('a', 'b')\n").strings == Strings{"a", "b"});
  CHECK(value_of("x = []\nx += 'ab'\n").strings == Strings{"a", "b"});  // list.extend(str)
  CHECK(value_of("A = ('a',)\nx = [*A, 'b']\n").strings == Strings{"a", "b"});
  CHECK(value_of("x = 'a'; y = x; x = 'b'\n", "y").strings == Strings{"a"});
  CHECK(value_of("x = y = 'a'\n", "y").strings == Strings{"a"});
}

TEST_CASE("imported names are only known at import time") {
  const StaticValue labels =
      value_of("from app.db import migration\nx = (migration.CONTRACT_BRANCH,)\n");
  CHECK(labels.shape == Shape::unknown);
  CHECK(labels.strings.empty());
  CHECK(labels.line == 2);
  CHECK(labels.column == 6);
  CHECK(explain(labels) == "`migration.CONTRACT_BRANCH`: `migration` is imported at line 1");
  CHECK(explain(value_of("from .consts import LABEL as L\nx = L\n")) ==
        "`L` is imported at line 1");
  CHECK(explain(value_of("import a.b\nx = a\n")) == "`a` is imported at line 1");
  CHECK(explain(value_of("from m import *\nx = LABEL\n")) ==
        "`LABEL` may come from the `import *` at line 1");
  CHECK(explain(value_of("x = UNDEFINED\n")) == "`UNDEFINED` is not assigned earlier in the file");
}

TEST_CASE("an unknown part keeps the strings certainly held") {
  const StaticValue mixed = value_of("x = ('a', LABEL, 'b')\n");
  CHECK(mixed.shape == Shape::unknown);
  CHECK(mixed.strings == Strings{"a", "b"});
  CHECK(value_of("x = ['a'] + EXTRA\n").strings == Strings{"a"});
  CHECK(value_of("x = [*EXTRA, 'b']\n").strings == Strings{"b"});
  CHECK(value_of("x = 'a' + SUFFIX\n").strings.empty());  // may be one string, "a..."
  CHECK(value_of("x = ['a', f(1), 'b']\n").strings == Strings{"a", "b"});
}

TEST_CASE("expressions outside the subset stop at their first offending token") {
  const auto found = [](std::string_view source) { return explain(value_of(source)); };
  CHECK(found("x = 1234\n") == "found `1234`");
  CHECK(found("x = 'a' if y else None\n") == "found `if`");
  CHECK(found("x = f'{y}'\n") == "found an f-string");
  CHECK(found("x = b'a'\n") == "found a bytes literal");
  CHECK(found("x = ['a'] * 2\n") == "found `*`");
  CHECK(found("x = ('a',) + ['b']\n") == "found `+`");  // TypeError in Python
  CHECK(found("x = [None]\n") == "found `None`");
  CHECK(found("x = {}\n") == "found `{`");
  CHECK(found("x = lambda: 'a'\n") == "found `lambda`");
  CHECK(value_of("x = ['a', 1]\n").strings.empty());  // what it would hold is not known
  CHECK(value_of("x = ['a'] * 2\n").strings.empty());
}

TEST_CASE("a call whose brackets the statement does not close stops at its end") {
  // Found by tests/fuzz/module_namespace_fuzz: a statement cut at a `;` inside brackets (the
  // parser only cuts at depth 0, the evaluator must not rely on it).
  ModuleNamespace names;
  const std::string source = "x = f(a;";
  PythonTokenizer tokenizer(source);
  std::vector<Token> statement;
  for (Token token = tokenizer.next(); statement.empty() || statement.back().text != ";";
       token = tokenizer.next()) {
    statement.push_back(token);
  }
  names.execute(statement, {});
  CHECK(explain(names.find("x")->value) == "found end of statement");
}

TEST_CASE("rebinding that reading cannot follow") {
  CHECK(explain(value_of("x, y = 'a', 'b'\n")) == "`x` is bound by unpacking or a loop at line 1");
  CHECK(explain(value_of("x = ['a']\nx.append('b')\n")) == "`x` may be changed in place at line 2");
  CHECK(explain(value_of("x = ['a']\nx[0] = 'b'\n")) == "`x` may be changed in place at line 2");
  CHECK(explain(value_of("if (x := 'a'):\n    pass\n")) ==
        "`x` is bound by unpacking or a loop at line 1");
  CHECK(run("x = 'a'\ndel x\n").find("x") == nullptr);
  CHECK(explain(value_of("x = ['a']\nx -= ['a']\n")) == "found `-=`");
}

TEST_CASE("a name assigned in a block keeps only what it holds either way") {
  // The invenio-style `depends_on`: a list built at module level, partly inside try/except.
  ModuleNamespace names;
  const std::string source = "deps = ['a']\ndeps += ['b']\n";
  PythonTokenizer tokenizer(source);
  std::vector<Token> first;
  std::vector<Token> second;
  for (Token token = tokenizer.next(); token.kind != TokenKind::endmarker;
       token = tokenizer.next()) {
    (token.line == 1 ? first : second).push_back(token);
  }
  names.execute(first, {});
  names.execute(second, "try");
  const StaticValue& deps = names.find("deps")->value;
  CHECK(deps.shape == Shape::unknown);
  CHECK(deps.strings == Strings{"a"});
  CHECK(explain(deps) == "`deps` is assigned inside `try` at line 2");
}

TEST_CASE("headers bind their targets") {
  ModuleNamespace names;
  const std::string source = "for a, b in pairs:\n";
  PythonTokenizer tokenizer(source);
  std::vector<Token> header;
  for (Token token = tokenizer.next(); !(token.kind == TokenKind::op && token.text == ":");
       token = tokenizer.next()) {
    header.push_back(token);
  }
  names.execute_header(header);
  REQUIRE(names.find("a") != nullptr);
  REQUIRE(names.find("b") != nullptr);
  CHECK(names.find("pairs") == nullptr);
  CHECK(names.find("a")->value.shape == Shape::unknown);
}

}  // namespace
}  // namespace alembic_exporter::alembic
