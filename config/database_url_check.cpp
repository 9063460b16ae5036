#include "config/database_url_check.hpp"

#include "collectors/database_engine.hpp"
#include "collectors/mysql/mysql_url.hpp"
#include "collectors/postgres/database_url.hpp"
#include "collectors/sqlite/sqlite_url.hpp"

namespace alembic_exporter::config {

std::variant<ConfiguredUrl, std::string> check_database_url(
    std::string_view url, const std::filesystem::path& base_directory) {
  const auto engine = database_engine(url);
  if (const auto* error = std::get_if<std::string>(&engine)) return *error;
  switch (std::get<DatabaseEngine>(engine)) {
    case DatabaseEngine::postgresql: {
      auto parsed = postgres::parse_database_url(url);
      if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
      return ConfiguredUrl{std::string(url), std::get<postgres::DatabaseUrl>(parsed).redacted()};
    }
    case DatabaseEngine::mysql: {
      auto parsed = mysql::parse_mysql_url(url);
      if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
      return ConfiguredUrl{std::string(url), std::get<mysql::MysqlUrl>(parsed).redacted};
    }
    case DatabaseEngine::sqlite: {
      auto parsed = sqlite::parse_sqlite_url(url);
      if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
      const std::string path =
          (base_directory / sqlite::resolve_path(std::get<sqlite::SqliteUrl>(parsed), ""))
              .lexically_normal()
              .string();
      // sqlite:/// + an absolute path: SQLAlchemy's four-slash form.
      std::string absolute = std::string(url.substr(0, url.find("://"))) + ":///" + path;
      return ConfiguredUrl{absolute, absolute};
    }
  }
  return std::string("unknown database engine");
}

}  // namespace alembic_exporter::config
