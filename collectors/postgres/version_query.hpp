#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace alembic_exporter::postgres {

/// `identifier` as a double-quoted SQL identifier (embedded quotes doubled), like
/// PQescapeIdentifier for the server-safe client encodings libpq negotiates.
std::string quote_identifier(std::string_view identifier);

/// `text` as a single-quoted SQL string literal (quotes doubled; standard_conforming_strings).
std::string quote_literal(std::string_view text);

/// `SELECT version_num FROM [schema.]table`; without a schema the server's search_path decides,
/// as it does for alembic itself.
std::string version_query(std::string_view table, const std::optional<std::string>& schema);

}  // namespace alembic_exporter::postgres
