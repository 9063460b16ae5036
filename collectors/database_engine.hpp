#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace alembic_exporter {

/// The database engines whose version table alembic_exporter reads.
enum class DatabaseEngine { postgresql, mysql, sqlite };

/// The engine of a database URL, by its SQLAlchemy dialect (the scheme before any `+driver`):
/// `postgresql`/`postgres`, `mysql`/`mariadb`, `sqlite`; a text without `://` is a libpq
/// keyword/value string, i.e. PostgreSQL. A MySQL or SQLite driver must be one alembic users
/// run (PostgreSQL drivers are checked by its URL parser). Otherwise the error names the dialect
/// or driver and what is supported; it never quotes the URL, which may hold a password.
std::variant<DatabaseEngine, std::string> database_engine(std::string_view url);

}  // namespace alembic_exporter
