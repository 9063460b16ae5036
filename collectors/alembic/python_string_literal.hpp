#pragma once

#include <string>
#include <string_view>

namespace alembic_exporter::alembic {

/// A string token (as PythonTokenizer returns it) split into prefix flags and body.
struct StringLiteral {
  bool raw = false;
  bool bytes = false;
  bool formatted = false;
  std::string_view body;  ///< between the quotes, escapes not processed
};

StringLiteral split_string_literal(std::string_view token);

/// Appends the value of a `str` literal (not bytes, not an f-string): escapes are processed
/// unless raw, and line breaks inside the literal become "\n" since Python reads source files
/// with universal newlines. `\N{...}` is kept as written (it would need the Unicode name table).
void append_string_value(const StringLiteral& literal, std::string& out);

}  // namespace alembic_exporter::alembic
