#include "collectors/collector_factory.hpp"

#include "collectors/alembic/alembic_collector.hpp"
#include "collectors/alembic/alembic_settings.hpp"

namespace alembic_exporter {
namespace {

using alembic::AlembicCollector;

/// The ini's settings, or what the source gives directly (a script location).
std::variant<alembic::AlembicSettings, std::string> script_settings(const ComponentSource& source) {
  alembic::AlembicSettings settings;
  if (!source.alembic_ini.empty()) {
    auto loaded =
        alembic::load_alembic_ini(source.alembic_ini, source.alembic_section, source.source_roots);
    if (auto* error = std::get_if<std::string>(&loaded)) return *error;
    settings = std::move(std::get<alembic::AlembicSettings>(loaded));
  } else if (source.script_location.empty()) {
    return "component " + source.name + ": no alembic ini and no script location";
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

std::variant<postgres::ReaderSettings, std::string> reader_settings(
    const ComponentSource& source, const alembic::AlembicSettings& settings) {
  const auto url_text = source.database_url ? source.database_url : settings.sqlalchemy_url;
  if (!url_text) {
    return "component " + source.name +
           ": no database URL (set database.url, sqlalchemy.url in the ini, or --database; "
           "--current checks without a database)";
  }
  auto url = postgres::parse_database_url(*url_text);
  if (auto* error = std::get_if<std::string>(&url))
    return "component " + source.name + ": " + *error;
  return postgres::ReaderSettings{
      .url = std::move(std::get<postgres::DatabaseUrl>(url)),
      .password_file = source.password_file,
      .version_table =
          source.version_table.value_or(settings.version_table.value_or("alembic_version")),
      .version_table_schema =
          source.version_table_schema ? source.version_table_schema : settings.version_table_schema,
      .timeout = source.timeout,
      .keepalive = source.keepalive,
  };
}

}  // namespace

std::variant<std::unique_ptr<Collector>, std::string> make_collector(
    asio::io_context& io, const ComponentSource& source) {
  auto scripts = script_settings(source);
  if (auto* error = std::get_if<std::string>(&scripts)) return *error;
  const auto& settings = std::get<alembic::AlembicSettings>(scripts);

  AlembicCollector::Settings collector{
      source.name,  settings.version_locations, settings.recursive_version_locations,
      std::nullopt, source.current_override,    source.expected_heads};
  if (!source.current_override) {
    auto reader = reader_settings(source, settings);
    if (auto* error = std::get_if<std::string>(&reader)) return *error;
    collector.database = std::move(std::get<postgres::ReaderSettings>(reader));
  }
  return std::make_unique<AlembicCollector>(io, std::move(collector));
}

void await_cancellations() { postgres::await_cancel_requests(); }

}  // namespace alembic_exporter
