#include "collectors/database_engine.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter {
namespace {

DatabaseEngine engine_of(std::string_view url) {
  const auto engine = database_engine(url);
  REQUIRE_MESSAGE(std::holds_alternative<DatabaseEngine>(engine), std::get<std::string>(engine));
  return std::get<DatabaseEngine>(engine);
}

std::string error_of(std::string_view url) {
  const auto engine = database_engine(url);
  REQUIRE(std::holds_alternative<std::string>(engine));
  return std::get<std::string>(engine);
}

TEST_CASE("the SQLAlchemy dialects alembic users write pick their engine") {
  for (const char* url : {"postgresql://h/db", "postgres://h/db", "postgresql+asyncpg://h/db",
                          "host=h dbname=db", "dbname=x password=a://b"}) {
    CAPTURE(std::string(url));
    CHECK(engine_of(url) == DatabaseEngine::postgresql);
  }
  for (const char* url :
       {"mysql://h/db", "mysql+pymysql://h/db", "mysql+mysqldb://h/db", "mysql+aiomysql://h/db",
        "mysql+asyncmy://h/db", "mariadb://h/db", "mariadb+mariadbconnector://h/db"}) {
    CAPTURE(std::string(url));
    CHECK(engine_of(url) == DatabaseEngine::mysql);
  }
  for (const char* url :
       {"sqlite:///a.db", "sqlite+pysqlite:///a.db", "sqlite+aiosqlite:///a.db"}) {
    CAPTURE(std::string(url));
    CHECK(engine_of(url) == DatabaseEngine::sqlite);
  }
}

TEST_CASE("another dialect or driver is named with what is supported, never the URL") {
  CHECK(error_of("mssql+pyodbc://sa:hunter2@h/db") ==
        "unsupported database dialect \"mssql\" (expected postgresql, postgres, mysql, mariadb "
        "or sqlite, optionally with +driver)");
  CHECK(error_of("oracle://scott:tiger@h/db").find("\"oracle\"") != std::string::npos);
  CHECK(error_of("mysql+odbc://u:hunter2@h/db") ==
        "unsupported mysql driver \"odbc\" (expected one of pymysql, mysqldb, aiomysql, asyncmy)");
  CHECK(error_of("sqlite+pysqlcipher://:hunter2@/a.db") ==
        "unsupported sqlite driver \"pysqlcipher\" (expected one of pysqlite, aiosqlite)");
  CHECK(error_of("hunter2%xx://h/db") ==
        "unsupported database dialect (expected postgresql, postgres, mysql, mariadb or sqlite, "
        "optionally with +driver)");
}

}  // namespace
}  // namespace alembic_exporter
