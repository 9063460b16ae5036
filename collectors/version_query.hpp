#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace alembic_exporter {

/// `identifier` quoted with `quote` (embedded quotes doubled): `"..."` as PQescapeIdentifier does
/// for the server-safe client encodings libpq negotiates, and SQLite; MySQL's `` `...` ``.
std::string quote_identifier(std::string_view identifier, char quote = '"');

/// `text` as a single-quoted SQL string literal (quotes doubled; standard_conforming_strings).
std::string quote_literal(std::string_view text);

/// `SELECT version_num FROM [schema.]table` (PostgreSQL, SQLite); without a schema the server's
/// search_path (SQLite: the main database) decides, as it does for alembic itself.
std::string version_query(std::string_view table, const std::optional<std::string>& schema);

}  // namespace alembic_exporter
