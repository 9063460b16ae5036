#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "collectors/alembic/module_namespace.hpp"
#include "collectors/alembic/python_tokenizer.hpp"

// The evaluator on its own: every logical line of the input runs as a module-level statement
// (in a block when the first byte is odd), is evaluated as an expression and read as a compound
// statement's header; then every name's reason is explained.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alembic_exporter::alembic;
  if (size == 0) return 0;
  const std::string_view block = (data[0] & 1) != 0 ? "try" : "";
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  PythonTokenizer tokenizer(text);
  ModuleNamespace names;
  std::vector<Token> statement;
  std::vector<std::string_view> seen;
  for (Token token = tokenizer.next();
       token.kind != TokenKind::endmarker && token.kind != TokenKind::error;
       token = tokenizer.next()) {
    if (token.kind == TokenKind::comment || token.kind == TokenKind::indent ||
        token.kind == TokenKind::dedent) {
      continue;
    }
    if (token.kind == TokenKind::name) seen.push_back(token.text);
    statement.push_back(token);
    if (token.kind != TokenKind::newline && !(token.kind == TokenKind::op && token.text == ";")) {
      continue;
    }
    names.evaluate(statement);
    names.execute_header(statement);
    names.execute(statement, block);
    statement.clear();
  }
  for (const auto name : seen) {
    if (const auto* binding = names.find(name)) {
      if (binding->value.shape == StaticValue::Shape::unknown) (void)explain(binding->value);
    }
  }
  return 0;
}
