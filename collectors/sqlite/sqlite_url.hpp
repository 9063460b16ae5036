#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace alembic_exporter::sqlite {

/// A SQLAlchemy SQLite URL taken apart: `sqlite:///relative.db` (relative path),
/// `sqlite:////absolute.db` (absolute path), with `+pysqlite` or `+aiosqlite`.
struct SqliteUrl {
  std::string path;  ///< as written: relative or absolute
};

/// Parses a SQLite URL. An in-memory database (`sqlite://`, `sqlite:///:memory:`) has no version
/// table to read and is refused, as is a `?uri=true` file URI or any query parameter but the
/// driver-only `timeout` and `check_same_thread` (ignored: the check's budget applies).
std::variant<SqliteUrl, std::string> parse_sqlite_url(std::string_view text);

/// `path` resolved against `base_directory` when it is relative (alembic users run alembic from
/// the ini's directory, where SQLAlchemy resolves it against the working directory).
std::string resolve_path(const SqliteUrl& url, std::string_view base_directory);

}  // namespace alembic_exporter::sqlite
