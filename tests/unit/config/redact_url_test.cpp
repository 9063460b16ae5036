#include "redact_url.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::config {
namespace {

TEST_CASE("the password in the user info is masked") {
  CHECK(redact_database_url("postgresql://exporter:hunter2@localhost:8100/backend") ==
        "postgresql://exporter:****@localhost:8100/backend");
  CHECK(redact_database_url("postgresql+asyncpg://u:p@h/db") == "postgresql+asyncpg://u:****@h/db");
}

TEST_CASE("a password with raw '@', '/' or ':' is masked whole") {
  CHECK(redact_database_url("postgres://u:a@b/c:d@host/db") == "postgres://u:****@host/db");
}

TEST_CASE("a password query parameter is masked") {
  CHECK(redact_database_url("postgresql://u@h/db?sslmode=require&password=hunter2&x=1") ==
        "postgresql://u@h/db?sslmode=require&password=****&x=1");
  CHECK(redact_database_url("postgresql://h/db?password=a@b") == "postgresql://h/db?password=****");
}

TEST_CASE("URLs without a password are unchanged") {
  for (const char* url :
       {"postgresql://exporter@localhost:8100/backend", "postgresql://localhost",
        "postgresql:///backend?host=/run/postgresql", "postgresql://[::1]:5432/db"}) {
    CHECK(redact_database_url(url) == url);
  }
}

TEST_CASE("text that is not a URL is masked entirely") {
  CHECK(redact_database_url("host=localhost password=hunter2") == "****");
}

}  // namespace
}  // namespace alembic_exporter::config
