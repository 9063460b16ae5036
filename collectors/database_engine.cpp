#include "collectors/database_engine.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace alembic_exporter {
namespace {

struct Dialect {
  std::string_view name;
  DatabaseEngine engine;
  /// Empty: the engine's own URL parser checks the driver.
  std::string_view drivers;
};

// SQLAlchemy's dialect names and the drivers alembic users run with them.
constexpr auto dialects = std::to_array<Dialect>({
    {"postgresql", DatabaseEngine::postgresql, ""},
    {"postgres", DatabaseEngine::postgresql, ""},
    {"mysql", DatabaseEngine::mysql, "pymysql, mysqldb, aiomysql, asyncmy"},
    {"mariadb", DatabaseEngine::mysql, "mariadbconnector, pymysql, mysqldb"},
    {"sqlite", DatabaseEngine::sqlite, "pysqlite, aiosqlite"},
});

constexpr std::string_view supported_dialects =
    "postgresql, postgres, mysql, mariadb or sqlite, optionally with +driver";

bool lists(std::string_view drivers, std::string_view driver) {
  for (std::size_t start = 0; start < drivers.size();) {
    const std::size_t end = std::min(drivers.find(", ", start), drivers.size());
    if (drivers.substr(start, end - start) == driver) return true;
    start = end + 2;
  }
  return false;
}

}  // namespace

std::variant<DatabaseEngine, std::string> database_engine(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t space = url.find_first_of(" \t\r\n=");
  if (scheme_end == std::string_view::npos ||
      (space != std::string_view::npos && space < scheme_end)) {
    return DatabaseEngine::postgresql;  // libpq keyword/value string (or no URL at all)
  }
  const std::string_view scheme = url.substr(0, scheme_end);
  const std::size_t plus = scheme.find('+');
  const std::string_view dialect = scheme.substr(0, plus);
  const auto found = std::find_if(dialects.begin(), dialects.end(),
                                  [&](const Dialect& known) { return known.name == dialect; });
  if (found == dialects.end()) {
    const bool nameable =
        !dialect.empty() && std::all_of(dialect.begin(), dialect.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
        });
    return "unsupported database dialect" +
           (nameable ? " \"" + std::string(dialect) + "\"" : std::string()) + " (expected " +
           std::string(supported_dialects) + ")";
  }
  if (plus != std::string_view::npos && !found->drivers.empty()) {
    const std::string_view driver = scheme.substr(plus + 1);
    if (!lists(found->drivers, driver)) {
      return "unsupported " + std::string(dialect) + " driver \"" + std::string(driver) +
             "\" (expected one of " + std::string(found->drivers) + ")";
    }
  }
  return found->engine;
}

}  // namespace alembic_exporter
