#include "collectors/sqlite/sqlite_url.hpp"

#include <doctest/doctest.h>

#include "collectors/sqlite/sqlite_version_reader.hpp"

namespace alembic_exporter::sqlite {
namespace {

std::string path_of(std::string_view text, std::string_view base = "/srv/app") {
  const auto url = parse_sqlite_url(text);
  REQUIRE_MESSAGE(std::holds_alternative<SqliteUrl>(url), std::get<std::string>(url));
  return resolve_path(std::get<SqliteUrl>(url), base);
}

std::string error_of(std::string_view text) {
  const auto url = parse_sqlite_url(text);
  REQUIRE(std::holds_alternative<std::string>(url));
  return std::get<std::string>(url);
}

TEST_CASE("three slashes: relative to the base directory; four: absolute") {
  CHECK(path_of("sqlite:///app.db") == "/srv/app/app.db");
  CHECK(path_of("sqlite:///data/app.db", "/srv/app/") == "/srv/app/data/app.db");
  CHECK(path_of("sqlite:////var/lib/app.db") == "/var/lib/app.db");
  CHECK(path_of("sqlite+pysqlite:///a%20b.db") == "/srv/app/a b.db");
  CHECK(path_of("sqlite+aiosqlite:///app.db?check_same_thread=false&timeout=20") ==
        "/srv/app/app.db");
  CHECK(path_of("sqlite:///app.db", "") == "app.db");
}

TEST_CASE("what has no file to read is refused") {
  CHECK(error_of("sqlite://") ==
        "invalid database URL sqlite://: a SQLite URL has no host (expected sqlite:///relative.db "
        "or sqlite:////absolute.db)");
  CHECK(error_of("sqlite:///:memory:").find("in-memory") != std::string::npos);
  CHECK(error_of("sqlite:///").find("in-memory") != std::string::npos);
  CHECK(error_of("sqlite://host/app.db").find("no host") != std::string::npos);
  CHECK(error_of("sqlite:///file:app.db?mode=rw&uri=true").find("\"mode\"") != std::string::npos);
}

TEST_CASE("the file is opened through a read-only URI") {
  CHECK(read_only_uri("/srv/app.db") == "file:/srv/app.db?mode=ro");
  CHECK(read_only_uri("/srv/a?b#c%d.db") == "file:/srv/a%3Fb%23c%25d.db?mode=ro");
}

}  // namespace
}  // namespace alembic_exporter::sqlite
