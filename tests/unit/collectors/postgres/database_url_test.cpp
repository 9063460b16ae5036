#include "collectors/postgres/database_url.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace alembic_exporter::postgres {
namespace {

ConnectionParameters parameters(std::string_view text) {
  const auto parsed = parse_database_url(text);
  REQUIRE_MESSAGE(std::holds_alternative<DatabaseUrl>(parsed), std::get<std::string>(parsed));
  return std::get<DatabaseUrl>(parsed).libpq_parameters();
}

std::string error(std::string_view text) {
  const auto parsed = parse_database_url(text);
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

using P = ConnectionParameters;

TEST_CASE("libpq URIs become keyword/value pairs") {
  CHECK(parameters("postgresql://exporter:secret@localhost:8100/backend") ==
        P{{"user", "exporter"},
          {"password", "secret"},
          {"host", "localhost"},
          {"port", "8100"},
          {"dbname", "backend"}});
  CHECK(parameters("postgres://db.example.com/app") ==
        P{{"host", "db.example.com"}, {"dbname", "app"}});
  CHECK(parameters("postgresql://") == P{});
  CHECK(parameters("postgresql:///app") == P{{"dbname", "app"}});
}

TEST_CASE("SQLAlchemy driver suffixes are accepted") {
  for (const auto scheme :
       {"postgresql+asyncpg", "postgresql+psycopg2", "postgresql+psycopg", "postgresql+pg8000"}) {
    CAPTURE(scheme);
    CHECK(parameters(std::string(scheme) + "://u@h/db") ==
          P{{"user", "u"}, {"host", "h"}, {"dbname", "db"}});
  }
}

TEST_CASE("percent-encoded parts are decoded") {
  CHECK(parameters("postgresql://us%40er:p%40ss%3Aw%2Frd%25@h/my%20db") ==
        P{{"user", "us@er"}, {"password", "p@ss:w/rd%"}, {"host", "h"}, {"dbname", "my db"}});
}

TEST_CASE("IPv6 literals and host lists") {
  CHECK(parameters("postgresql://[::1]:5433/db") ==
        P{{"host", "::1"}, {"port", "5433"}, {"dbname", "db"}});
  CHECK(parameters("postgresql://[2001:db8::7]/db") ==
        P{{"host", "2001:db8::7"}, {"dbname", "db"}});
  CHECK(parameters("postgresql://a:1,b/db") ==
        P{{"host", "a,b"}, {"port", "1,"}, {"dbname", "db"}});
}

TEST_CASE("query parameters: libpq keywords, unix socket host, asyncpg ssl") {
  CHECK(parameters("postgresql://u@/db?host=/run/postgresql&port=5433") ==
        P{{"user", "u"}, {"dbname", "db"}, {"host", "/run/postgresql"}, {"port", "5433"}});
  CHECK(parameters("postgresql://h/db?sslmode=verify-full&sslrootcert=/ca.pem") ==
        P{{"host", "h"}, {"dbname", "db"}, {"sslmode", "verify-full"}, {"sslrootcert", "/ca.pem"}});
  CHECK(parameters("postgresql://%2Frun%2Fpg/db") == P{{"host", "/run/pg"}, {"dbname", "db"}});
  CHECK(parameters("postgresql+asyncpg://h/db?ssl=true") ==
        P{{"host", "h"}, {"dbname", "db"}, {"sslmode", "require"}});
  CHECK(parameters("postgresql+asyncpg://h/db?ssl=verify-ca") ==
        P{{"host", "h"}, {"dbname", "db"}, {"sslmode", "verify-ca"}});
}

TEST_CASE("keyword/value strings, with libpq's quoting") {
  CHECK(parameters("host=localhost port=8100 dbname=backend") ==
        P{{"host", "localhost"}, {"port", "8100"}, {"dbname", "backend"}});
  CHECK(parameters("  user = 'o\\'neil' password='a b\\\\c' ") ==
        P{{"user", "o'neil"}, {"password", "a b\\c"}});
  CHECK(parameters("") == P{});
}

TEST_CASE("redacted() masks every password and keeps the rest") {
  const auto redacted = [](std::string_view text) {
    return std::get<DatabaseUrl>(parse_database_url(text)).redacted();
  };
  CHECK(redacted("postgresql://exporter:secret@localhost:8100/backend") ==
        "postgresql://exporter:****@localhost:8100/backend");
  CHECK(redacted("postgresql://u:p%40ss@[::1]/db?password=other&sslmode=require") ==
        "postgresql://u:****@[::1]/db?password=****&sslmode=require");
  CHECK(redacted("postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(redacted("host=h password='a secret' sslpassword=key user=u") ==
        "host=h password=**** sslpassword=**** user=u");
}

TEST_CASE("unsupported URLs are errors naming the URL with the password masked") {
  const std::string mysql = error("mysql://root:hunter2@h/db");
  CHECK(mysql.find("mysql://root:****@h/db") != std::string::npos);
  CHECK(mysql.find("hunter2") == std::string::npos);
  CHECK(mysql.find("unsupported database URL scheme \"mysql\"") != std::string::npos);

  CHECK(error("postgresql+mysqldb://h/db").find("postgresql+<driver>") != std::string::npos);

  const std::string query = error("postgresql://u:hunter2@h/db?pool_size=5");
  CHECK(query ==
        "invalid database URL postgresql://u:****@h/db?pool_size=5: unsupported query parameter "
        "\"pool_size\" (expected a libpq connection parameter such as sslmode, host or port)");

  CHECK(error("postgresql://u:hunter2@h:99999/db").find("invalid port") != std::string::npos);
  CHECK(error("postgresql://u:hun/ter2@h/db") ==
        "invalid database URL postgresql://u:****@h/db: \"@\" after the host part "
        "(percent-encode @ / ? in user names, passwords and values as %40 %2F %3F)");
  CHECK(error("postgresql://u:hunter2@[::1/db").find("unterminated IPv6") != std::string::npos);
  CHECK(error("postgresql://u:hun%zzter2@h/db").find("u:****@h/db") != std::string::npos);
  CHECK(error("postgresql://h/db?replication=true").find("\"replication\"") != std::string::npos);
  CHECK(error("host=h bogus=1").find("unsupported connection parameter \"bogus\"") !=
        std::string::npos);
}

TEST_CASE("a password survives nowhere in errors, even when the text is malformed") {
  for (const auto text :
       {"postgresql://u:hun@ter2@h:bad/db", "postgresql://u:hun/ter2@h/db",
        "postgresql://u:5432/hunter2@h/db", "postgresql://u:5432?hunter2=x@h/db",
        "postgresql://u:hun:ter2@h/db?x", "host=h password=hunter2 oops",
        "host=h password='hunter2", "password=abc hunter2", "password=abc hunter2=x",
        "postgresql://h/db?password=hunter2&x", "x password=hunter2 #://c"}) {
    CAPTURE(text);
    const auto parsed = parse_database_url(text);
    const std::string shown = std::holds_alternative<std::string>(parsed)
                                  ? std::get<std::string>(parsed)
                                  : std::get<DatabaseUrl>(parsed).redacted();
    CHECK(shown.find("hunter2") == std::string::npos);
    CHECK(shown.find("ter2") == std::string::npos);
    CHECK(shown.find("****") != std::string::npos);
  }
}

// Found by tests/fuzz/database_url_fuzz: any "://" made the text a URL, its "scheme" the
// keyword/value text before it, quoted unmasked in the error.
TEST_CASE("a \"://\" in a keyword value does not make the text a URL") {
  const std::string text = "host=h password=hunter2 application_name=http://x";
  CHECK(parameters(text) ==
        P{{"host", "h"}, {"password", "hunter2"}, {"application_name", "http://x"}});
  CHECK(redact_database_url(text) == "host=h password=**** application_name=http://x");
  CHECK(error("x password=hunter2 #://c").find("hunter2") == std::string::npos);
  CHECK(error("1postgresql://h/db").starts_with("invalid connection string"));
}

}  // namespace
}  // namespace alembic_exporter::postgres
