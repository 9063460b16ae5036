#include "collectors/mysql/mysql_url.hpp"

#include <doctest/doctest.h>

#include "collectors/mysql/mysql_version_reader.hpp"

namespace alembic_exporter::mysql {
namespace {

using namespace std::chrono_literals;

MysqlUrl parsed(std::string_view text) {
  auto url = parse_mysql_url(text);
  REQUIRE_MESSAGE(std::holds_alternative<MysqlUrl>(url), std::get<std::string>(url));
  return std::get<MysqlUrl>(std::move(url));
}

std::string error_of(std::string_view text) {
  const auto url = parse_mysql_url(text);
  REQUIRE(std::holds_alternative<std::string>(url));
  return std::get<std::string>(url);
}

TEST_CASE("a SQLAlchemy MySQL URL is taken apart for Connector/C") {
  const auto url = parsed("mysql+pymysql://app%40x:p%40ss%3Aw@db.example:3307/backend%2Dai");
  CHECK(url.user == "app@x");
  CHECK(url.password == "p@ss:w");
  CHECK(url.host == "db.example");
  CHECK(url.port == 3307);
  CHECK(url.database == "backend-ai");
  CHECK(url.redacted == "mysql+pymysql://app%40x:****@db.example:3307/backend%2Dai");
  CHECK(endpoint_of(url) == "db.example:3307");

  const auto bare = parsed("mariadb://u@[::1]/db");
  CHECK_FALSE(bare.password.has_value());
  CHECK(bare.host == "::1");
  CHECK(endpoint_of(bare) == "[::1]:3306");
  CHECK(endpoint_of(parsed("mysql://u@/db")) == "localhost:3306");
}

TEST_CASE("query parameters: unix socket, charset and TLS") {
  const auto url = parsed(
      "mysql://u@localhost/db?unix_socket=/run/mysqld/mysqld.sock&charset=utf8mb4&ssl_ca=/ca.pem"
      "&ssl_cert=/c.pem&ssl_key=/k.pem&ssl_mode=VERIFY_CA&ssl_check_hostname=false");
  CHECK(url.unix_socket == "/run/mysqld/mysqld.sock");
  CHECK(endpoint_of(url) == "/run/mysqld/mysqld.sock");
  CHECK(url.charset == "utf8mb4");
  CHECK(url.ssl_ca == "/ca.pem");
  CHECK(url.ssl_cert == "/c.pem");
  CHECK(url.ssl_key == "/k.pem");
  CHECK(url.ssl_mode == SslMode::verify_ca);
  CHECK(url.ssl_check_hostname == false);
}

TEST_CASE("a URL the reader cannot use is an error that masks the password") {
  CHECK(error_of("mysql://u:hunter2@h/db?sslmode=require") ==
        "invalid database URL mysql://u:****@h/db?sslmode=require: unsupported query parameter "
        "\"sslmode\" (expected unix_socket, charset, ssl_ca, ssl_capath, ssl_cert, ssl_key, "
        "ssl_cipher, ssl_mode, ssl_check_hostname or ssl_verify_identity)");
  CHECK(error_of("mysql://u:hunter2@h").find("no database name") != std::string::npos);
  CHECK(error_of("mysql://u:hunter2@h:99999/db").find("invalid port") != std::string::npos);
  CHECK(error_of("mysql://u:hunter2@h/db?ssl_mode=SOMETIMES").find("ssl_mode") !=
        std::string::npos);
  CHECK(error_of("mysql://u:hun/ter@h/db").find("hun") == std::string::npos);
  CHECK(error_of("mysql://u:hunter2@h/db?ssl_check_hostname=maybe").find("hunter2") ==
        std::string::npos);
}

TEST_CASE("the session is read-only, its waits bounded by the budget") {
  CHECK(
      session_commands(1500ms) ==
      std::vector<std::string>{
          "SET SESSION TRANSACTION READ ONLY",
          "SET SESSION lock_wait_timeout = 2 /*M!100108 , SESSION max_statement_time = 1.500 */"});
  CHECK(session_commands(20ms)[1] ==
        "SET SESSION lock_wait_timeout = 1 /*M!100108 , SESSION max_statement_time = 0.020 */");
}

TEST_CASE("queries quote identifiers and strings") {
  CHECK(version_query("we`ird", std::nullopt, 1s).ends_with("FROM `we``ird`"));
  CHECK(version_query("alembic_version", std::nullopt, 5s) ==
        "SELECT /*+ MAX_EXECUTION_TIME(5000) */ version_num FROM `alembic_version`");
  CHECK(version_query("v", std::string("other"), 1s) ==
        "SELECT /*+ MAX_EXECUTION_TIME(1000) */ version_num FROM `other`.`v`");
  const std::string migration = migration_query("it's", std::nullopt);
  CHECK(migration.find("l.OBJECT_NAME = 'it''s'") != std::string::npos);
  CHECK(migration.find("l.OBJECT_SCHEMA = DATABASE()") != std::string::npos);
  CHECK(migration_query("v", std::string("a\\b")).find("l.OBJECT_SCHEMA = 'a\\\\b'") !=
        std::string::npos);
}

}  // namespace
}  // namespace alembic_exporter::mysql
