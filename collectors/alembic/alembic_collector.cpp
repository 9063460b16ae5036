#include "collectors/alembic/alembic_collector.hpp"

#include <asio/post.hpp>

namespace alembic_exporter::alembic {
namespace {

DatabaseReading to_reading(const postgres::ReadOutcome& outcome) {
  if (const auto* rows = std::get_if<postgres::VersionTableRows>(&outcome)) {
    return VersionTableContents{rows->revisions, rows->table_missing};
  }
  const auto& failure = std::get<postgres::ReadFailure>(outcome);
  return DatabaseFailure{std::string(postgres::to_string(failure.reason)), failure.detail};
}

/// Where the database is, for "Check PostgreSQL is running on ...": libpq's host (or socket
/// directory) and port, with libpq's defaults where the URL gives none.
std::string endpoint_of(const postgres::DatabaseUrl& url) {
  const auto& parameters = url.libpq_parameters();
  const std::string* host = postgres::find_parameter(parameters, "host");
  const std::string* address = postgres::find_parameter(parameters, "hostaddr");
  const std::string* port = postgres::find_parameter(parameters, "port");
  const std::string where = host != nullptr      ? *host
                            : address != nullptr ? *address
                                                 : std::string("localhost");
  return where + ':' + (port != nullptr ? *port : std::string("5432"));
}

}  // namespace

AlembicCollector::AlembicCollector(asio::io_context& io, Settings settings)
    : io_(io),
      settings_(std::move(settings)),
      scripts_(settings_.version_locations, settings_.recursive_version_locations) {
  if (settings_.database) {
    endpoint_ = endpoint_of(settings_.database->url);
    reader_ = std::make_unique<postgres::VersionTableReader>(io, *settings_.database);
  }
}

void AlembicCollector::check(Done done) {
  const auto started = std::chrono::steady_clock::now();
  // The scan is synchronous: an unchanged tree costs a few stat calls, and a check must see the
  // scripts as they are when it starts.
  if (!reader_) {
    const DatabaseReading reading = VersionTableContents{
        settings_.current_override.value_or(std::vector<std::string>{}), false};
    asio::post(io_, [status = finish(scripts_.scan(), reading, started),
                     done = std::move(done)]() mutable { done(std::move(status)); });
    return;
  }
  // The read starts first, so that connecting (the server starting a backend, authenticating)
  // overlaps the scan; its result arrives through the io_context, after the scan below.
  auto scan = std::make_shared<ScriptDirectoryScan>();
  reader_->read([this, scan, started, done = std::move(done)](postgres::ReadOutcome outcome) {
    done(finish(*scan, to_reading(outcome), started));
  });
  *scan = scripts_.scan();
}

void AlembicCollector::cancel() {
  if (reader_) reader_->cancel();
}

ComponentStatus AlembicCollector::finish(const ScriptDirectoryScan& scan,
                                         const DatabaseReading& reading,
                                         std::chrono::steady_clock::time_point started) const {
  ComponentStatus status =
      assess(scan.graph.get(), scan.findings, reading, settings_.expected_heads);
  status.component = settings_.name;
  status.database_endpoint = endpoint_;
  status.checked_at = std::chrono::system_clock::now();
  status.check_duration = std::chrono::steady_clock::now() - started;
  return status;
}

}  // namespace alembic_exporter::alembic
