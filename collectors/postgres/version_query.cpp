#include "collectors/postgres/version_query.hpp"

namespace alembic_exporter::postgres {

namespace {

/// `text` between two `quote` characters, each one inside doubled (SQL's only escape for both).
std::string quoted(std::string_view text, char quote) {
  std::string result(1, quote);
  for (const char c : text) {
    result += c;
    if (c == quote) result += quote;
  }
  return result + quote;
}

}  // namespace

std::string quote_identifier(std::string_view identifier) { return quoted(identifier, '"'); }

std::string quote_literal(std::string_view text) { return quoted(text, '\''); }

std::string version_query(std::string_view table, const std::optional<std::string>& schema) {
  std::string query = "SELECT version_num FROM ";
  if (schema) query += quote_identifier(*schema) + ".";
  return query + quote_identifier(table);
}

}  // namespace alembic_exporter::postgres
