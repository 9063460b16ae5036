#include <doctest/doctest.h>

#include "collectors/password_file.hpp"
#include "collectors/postgres/migration_query.hpp"
#include "collectors/postgres/session_parameters.hpp"
#include "collectors/reconnect_backoff.hpp"
#include "collectors/version_query.hpp"

namespace alembic_exporter::postgres {
namespace {

using namespace std::chrono_literals;

DatabaseUrl url(std::string_view text) { return std::get<DatabaseUrl>(parse_database_url(text)); }

TEST_CASE("every session is read-only, named and bounded") {
  const auto parameters = session_parameters(url("postgresql://u:p@h/db"), std::nullopt, 2500ms);
  CHECK(parameters == ConnectionParameters{
                          {"user", "u"},
                          {"password", "p"},
                          {"host", "h"},
                          {"dbname", "db"},
                          {"application_name", "alembic_exporter"},
                          {"options",
                           "-c default_transaction_read_only=on -c "
                           "statement_timeout=2500"},
                          {"connect_timeout", "3"},
                      });
}

TEST_CASE("the password file wins, our options come after the URL's and override its name") {
  const auto parameters =
      session_parameters(url("host=h password=old application_name=x options='-c search_path=app'"),
                         std::string("new"), 500ms);
  CHECK(*find_parameter(parameters, "password") == "new");
  CHECK(*find_parameter(parameters, "application_name") == "alembic_exporter");
  CHECK(*find_parameter(parameters, "options") ==
        "-c search_path=app -c default_transaction_read_only=on -c statement_timeout=500");
  CHECK(*find_parameter(parameters, "connect_timeout") == "2");
}

TEST_CASE("password files lose exactly one trailing newline") {
  CHECK(password_from_file_text("secret\n") == "secret");
  CHECK(password_from_file_text("secret\r\n") == "secret");
  CHECK(password_from_file_text("secret") == "secret");
  CHECK(password_from_file_text("sec ret \n\n") == "sec ret \n");
}

TEST_CASE("an unreadable password file is an auth failure naming the path") {
  const auto read = read_password_file("/nonexistent/password");
  REQUIRE(std::holds_alternative<ReadFailure>(read));
  CHECK(std::get<ReadFailure>(read).reason == FailureReason::auth_failed);
  CHECK(std::get<ReadFailure>(read).detail ==
        "Cannot read password file /nonexistent/password: No such file or directory");
}

TEST_CASE("identifiers are quoted") {
  CHECK(version_query("alembic_version", std::nullopt) ==
        "SELECT version_num FROM \"alembic_version\"");
  CHECK(version_query("Versions", std::string("my schema")) ==
        "SELECT version_num FROM \"my schema\".\"Versions\"");
  CHECK(quote_identifier("a\"; DROP TABLE x; --") == "\"a\"\"; DROP TABLE x; --\"");
}

TEST_CASE("the migration query names the version table as one quoted literal") {
  CHECK(quote_literal("it's") == "'it''s'");
  const std::string query = migration_query("Versions", std::string("o'brien"));
  CHECK(query.find("pg_catalog.to_regclass('\"o''brien\".\"Versions\"')") != std::string::npos);
  CHECK(migration_query("alembic_version", std::nullopt)
            .find("pg_catalog.to_regclass('\"alembic_version\"')") != std::string::npos);
}

TEST_CASE("reconnect delay doubles, is capped and jittered into [1/2, 1]") {
  CHECK(reconnect_delay(1, 1000ms, 30000ms, 1.0) == 1000ms);
  CHECK(reconnect_delay(2, 1000ms, 30000ms, 1.0) == 2000ms);
  CHECK(reconnect_delay(4, 1000ms, 30000ms, 1.0) == 8000ms);
  CHECK(reconnect_delay(50, 1000ms, 30000ms, 1.0) == 30000ms);
  CHECK(reconnect_delay(50, 1000ms, 30000ms, 0.0) == 15000ms);
  CHECK(reconnect_delay(1, 1000ms, 30000ms, 0.5) == 750ms);
}

}  // namespace
}  // namespace alembic_exporter::postgres
