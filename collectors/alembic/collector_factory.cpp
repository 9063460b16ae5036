#include "collectors/collector_factory.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include "collectors/alembic/alembic_collector.hpp"
#include "collectors/alembic/alembic_settings.hpp"
#include "collectors/alembic/inotify_instance.hpp"
#include "collectors/alembic/script_directory.hpp"
#include "collectors/database_engine.hpp"
#include "collectors/limited_reader.hpp"
#include "collectors/mysql/libmariadb.hpp"
#include "collectors/mysql/mysql_version_reader.hpp"
#include "collectors/postgres/schema_batch.hpp"
#include "collectors/postgres/target_lister.hpp"
#include "collectors/postgres/version_table_reader.hpp"
#include "collectors/sqlite/sqlite_url.hpp"
#include "collectors/sqlite/sqlite_version_reader.hpp"

namespace alembic_exporter {
namespace {

using alembic::AlembicCollector;

/// The ini's settings, or what the source gives directly (a script location).
std::variant<alembic::AlembicSettings, std::string> script_settings(const ComponentSource& source) {
  alembic::AlembicSettings settings;
  if (!source.alembic_ini.empty() || !source.pyproject_toml.empty()) {
    auto loaded = alembic::load_alembic_config({source.alembic_ini, source.pyproject_toml},
                                               source.alembic_section, source.source_roots);
    if (auto* error = std::get_if<std::string>(&loaded)) return *error;
    settings = std::move(std::get<alembic::AlembicSettings>(loaded));
  } else if (source.script_location.empty()) {
    return "component " + source.name +
           ": no alembic ini, no pyproject.toml and no script location";
  }
  if (!source.script_location.empty()) {
    settings.script_location = source.script_location;
    settings.version_locations = {source.script_location + "/versions"};
  }
  if (!source.version_locations.empty()) settings.version_locations = source.version_locations;
  if (source.recursive_version_locations) {
    settings.recursive_version_locations = *source.recursive_version_locations;
  }
  return settings;
}

/// Where the PostgreSQL database is, for "Check PostgreSQL is running on ...": libpq's host (or
/// socket directory) and port, with libpq's defaults where the URL gives none.
std::string postgres_endpoint(const postgres::DatabaseUrl& url) {
  const auto& parameters = url.libpq_parameters();
  const std::string* host = postgres::find_parameter(parameters, "host");
  const std::string* address = postgres::find_parameter(parameters, "hostaddr");
  const std::string* port = postgres::find_parameter(parameters, "port");
  const std::string where = host != nullptr      ? *host
                            : address != nullptr ? *address
                                                 : std::string("localhost");
  return where + ':' + (port != nullptr ? *port : std::string("5432"));
}

/// The directory of the ini, against which a relative `sqlite:///file.db` of its
/// sqlalchemy.url resolves (alembic users run alembic there); empty for the working directory.
std::string ini_directory(const ComponentSource& source) {
  if (source.alembic_ini.empty()) return {};
  const auto directory = std::filesystem::absolute(source.alembic_ini).parent_path();
  return directory.string();
}

struct ReaderChoice {
  std::unique_ptr<VersionReader> reader;
  std::string endpoint;
  std::string engine;
};

/// A reader of a database on a server, whatever its engine: the same settings from the source,
/// and reads only in one of the server's `max_connections` slots.
template <typename Reader, typename Url>
ReaderChoice network_reader(asio::io_context& io, const ComponentSource& source, Url url,
                            const std::string& table, const std::optional<std::string>& schema,
                            std::string endpoint, std::string engine, ServerSlots& servers) {
  auto reader = std::make_unique<Reader>(io, NetworkReaderSettings<Url>{
                                                 .url = std::move(url),
                                                 .password_file = source.password_file,
                                                 .version_table = table,
                                                 .version_table_schema = schema,
                                                 .timeout = source.timeout,
                                                 .keepalive = source.keepalive,
                                             });
  return ReaderChoice{
      std::make_unique<LimitedReader>(io, std::move(reader), servers.of(endpoint), endpoint),
      std::move(endpoint), std::move(engine)};
}

/// The database URL of the source (its own or the ini's) and its engine.
struct SourceUrl {
  std::string text;
  DatabaseEngine engine;
};

std::variant<SourceUrl, std::string> source_url(const ComponentSource& source,
                                                const alembic::AlembicSettings& settings) {
  const auto url_text = source.database_url ? source.database_url : settings.sqlalchemy_url;
  if (!url_text) {
    return "component " + source.name +
           ": no database URL (set database.url, sqlalchemy.url in the ini, or --database; "
           "--current checks without a database)";
  }
  const auto engine = database_engine(*url_text);
  if (const auto* error = std::get_if<std::string>(&engine)) {
    return "component " + source.name + ": " + *error;
  }
  const bool discovered = source.target_database || source.target_schema;
  if (discovered && std::get<DatabaseEngine>(engine) != DatabaseEngine::postgresql) {
    return "component " + source.name + ": discovery needs a PostgreSQL database URL";
  }
  return SourceUrl{*url_text, std::get<DatabaseEngine>(engine)};
}

std::string version_table(const ComponentSource& source, const alembic::AlembicSettings& settings) {
  return source.version_table.value_or(settings.version_table.value_or("alembic_version"));
}

std::variant<ReaderChoice, std::string> make_reader(asio::io_context& io,
                                                    const ComponentSource& source,
                                                    const alembic::AlembicSettings& settings,
                                                    ServerSlots& servers) {
  auto found = source_url(source, settings);
  if (auto* error = std::get_if<std::string>(&found)) return *error;
  const auto& [url_text, engine] = std::get<SourceUrl>(found);
  const auto fail = [&](const std::string& error) {
    return "component " + source.name + ": " + error;
  };
  const std::string table = version_table(source, settings);
  const auto schema =
      source.version_table_schema ? source.version_table_schema : settings.version_table_schema;

  switch (engine) {
    case DatabaseEngine::postgresql: {
      auto url = postgres::parse_database_url(url_text);
      if (auto* error = std::get_if<std::string>(&url)) return fail(*error);
      auto& parsed = std::get<postgres::DatabaseUrl>(url);
      if (source.target_database) parsed = parsed.with_database(*source.target_database);
      std::string endpoint = postgres_endpoint(parsed);
      return network_reader<postgres::VersionTableReader>(
          io, source, std::move(parsed), table, schema, std::move(endpoint), "PostgreSQL", servers);
    }
    case DatabaseEngine::mysql: {
      auto url = mysql::parse_mysql_url(url_text);
      if (auto* error = std::get_if<std::string>(&url)) return fail(*error);
      auto& parsed = std::get<mysql::MysqlUrl>(url);
      const auto& connector = mysql::load_libmariadb();
      if (const auto* error = std::get_if<std::string>(&connector)) return fail(*error);
      std::string endpoint = mysql::endpoint_of(parsed);
      return network_reader<mysql::MysqlVersionReader>(io, source, std::move(parsed), table, schema,
                                                       std::move(endpoint), "MySQL/MariaDB",
                                                       servers);
    }
    case DatabaseEngine::sqlite: {
      auto url = sqlite::parse_sqlite_url(url_text);
      if (auto* error = std::get_if<std::string>(&url)) return fail(*error);
      // A URL of the ini is relative to the ini's directory; one given directly (--database;
      // the daemon's configuration has made it absolute already) to the working directory.
      std::string path =
          std::filesystem::absolute(
              sqlite::resolve_path(std::get<sqlite::SqliteUrl>(url),
                                   source.database_url ? std::string() : ini_directory(source)))
              .lexically_normal()
              .string();
      return ReaderChoice{
          std::make_unique<sqlite::SqliteVersionReader>(io,
                                                        sqlite::SqliteReaderSettings{
                                                            .path = path,
                                                            .version_table = table,
                                                            .version_table_schema = schema,
                                                            .timeout = source.timeout,
                                                        }),
          path, "SQLite"};
    }
  }
  return fail("unknown database engine");
}

}  // namespace

struct CollectorFactory::SharedTrees {
  std::shared_ptr<alembic::InotifyInstance> inotify = std::make_shared<alembic::InotifyInstance>();
  /// By version locations and recursion: the scanner in use, if any.
  std::map<std::pair<std::vector<std::string>, bool>, std::weak_ptr<alembic::ScriptDirectory>>
      scanners;

  std::shared_ptr<alembic::ScriptDirectory> scanner(const alembic::AlembicSettings& settings) {
    std::erase_if(scanners, [](const auto& entry) { return entry.second.expired(); });
    auto& slot = scanners[{settings.version_locations, settings.recursive_version_locations}];
    auto shared = slot.lock();
    if (!shared) {
      shared = std::make_shared<alembic::ScriptDirectory>(
          settings.version_locations, settings.recursive_version_locations, inotify);
      slot = shared;
    }
    return shared;
  }

  /// By everything a session depends on (the URL, secret, stays in memory): the batch of the
  /// schema targets of one database, so that a round of their checks is one statement.
  std::map<std::string, std::weak_ptr<postgres::SchemaBatch>> schema_batches;

  std::variant<ReaderChoice, std::string> schema_reader(asio::io_context& io,
                                                        const ComponentSource& source,
                                                        const alembic::AlembicSettings& settings) {
    auto found = source_url(source, settings);
    if (auto* error = std::get_if<std::string>(&found)) return *error;
    const auto& url_text = std::get<SourceUrl>(found).text;
    auto url = postgres::parse_database_url(url_text);
    if (auto* error = std::get_if<std::string>(&url)) {
      return "component " + source.name + ": " + *error;
    }
    auto& parsed = std::get<postgres::DatabaseUrl>(url);
    const std::string table = version_table(source, settings);
    std::erase_if(schema_batches, [](const auto& entry) { return entry.second.expired(); });
    auto& slot =
        schema_batches[url_text + '\n' + source.password_file.value_or("") + '\n' + table + '\n' +
                       std::to_string(source.timeout.count()) + (source.keepalive ? "k" : "")];
    auto batch = slot.lock();
    std::string endpoint = postgres_endpoint(parsed);
    if (!batch) {
      batch = std::make_shared<postgres::SchemaBatch>(io, postgres::ReaderSettings{
                                                              .url = std::move(parsed),
                                                              .password_file = source.password_file,
                                                              .version_table = table,
                                                              .timeout = source.timeout,
                                                              .keepalive = source.keepalive,
                                                          });
      slot = batch;
    }
    return ReaderChoice{std::make_unique<postgres::SchemaSlotReader>(batch, *source.target_schema),
                        std::move(endpoint), "PostgreSQL"};
  }
};

CollectorFactory::CollectorFactory(std::size_t max_connections)
    : trees_(std::make_unique<SharedTrees>()),
      servers_(std::make_unique<ServerSlots>(max_connections)) {}

CollectorFactory::~CollectorFactory() = default;

void CollectorFactory::set_max_connections(std::size_t max_connections) {
  servers_->set_per_server(max_connections);
}

std::variant<std::unique_ptr<Collector>, std::string> CollectorFactory::make(
    asio::io_context& io, const ComponentSource& source) {
  auto scripts = script_settings(source);
  if (auto* error = std::get_if<std::string>(&scripts)) return *error;
  const auto& settings = std::get<alembic::AlembicSettings>(scripts);

  AlembicCollector::Settings collector{
      .name = source.name,
      .current_override = source.current_override,
      .expected_heads = source.expected_heads,
  };
  if (!source.current_override) {
    // A schema target's reads join its batch's one statement; they do not take a server slot
    // each (the batch is one session).
    auto reader = source.target_schema ? trees_->schema_reader(io, source, settings)
                                       : make_reader(io, source, settings, *servers_);
    if (auto* error = std::get_if<std::string>(&reader)) return *error;
    auto& choice = std::get<ReaderChoice>(reader);
    collector.reader = std::move(choice.reader);
    collector.endpoint = std::move(choice.endpoint);
    collector.engine = std::move(choice.engine);
  }
  return std::make_unique<AlembicCollector>(io, std::move(collector), trees_->scanner(settings));
}

std::variant<std::unique_ptr<TargetLister>, std::string> CollectorFactory::make_lister(
    asio::io_context& io, const ComponentSource& source, const DiscoverySpec& spec) {
  auto scripts = script_settings(source);
  if (auto* error = std::get_if<std::string>(&scripts)) return *error;
  const auto& settings = std::get<alembic::AlembicSettings>(scripts);
  auto found = source_url(source, settings);
  if (auto* error = std::get_if<std::string>(&found)) return *error;
  const auto& [url_text, engine] = std::get<SourceUrl>(found);
  if (engine != DatabaseEngine::postgresql) {
    return "component " + source.name + ": discovery needs a PostgreSQL database URL";
  }
  auto url = postgres::parse_database_url(url_text);
  if (auto* error = std::get_if<std::string>(&url))
    return "component " + source.name + ": " + *error;
  return std::make_unique<postgres::PgTargetLister>(
      io,
      postgres::ReaderSettings{
          .url = std::move(std::get<postgres::DatabaseUrl>(url)),
          .password_file = source.password_file,
          .version_table = version_table(source, settings),
          .timeout = source.timeout,
          .keepalive = source.keepalive,
      },
      spec);
}

void await_cancellations() {
  const auto until = std::chrono::steady_clock::now() + postgres::cancel_grace;
  postgres::await_cancel_requests();
  sqlite::await_workers(std::chrono::duration_cast<std::chrono::milliseconds>(std::max(
      std::chrono::steady_clock::duration::zero(), until - std::chrono::steady_clock::now())));
}

}  // namespace alembic_exporter
