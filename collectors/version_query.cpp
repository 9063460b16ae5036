#include "collectors/version_query.hpp"

namespace alembic_exporter {

std::string quote_identifier(std::string_view identifier, char quote) {
  std::string quoted(1, quote);
  for (const char c : identifier) {
    quoted += c;
    if (c == quote) quoted += quote;
  }
  return quoted + quote;
}

std::string quote_literal(std::string_view text) { return quote_identifier(text, '\''); }

std::string version_query(std::string_view table, const std::optional<std::string>& schema) {
  std::string query = "SELECT version_num FROM ";
  if (schema) query += quote_identifier(*schema) + ".";
  return query + quote_identifier(table);
}

}  // namespace alembic_exporter
