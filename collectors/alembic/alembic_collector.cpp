#include "collectors/alembic/alembic_collector.hpp"

#include <asio/post.hpp>

#include "collectors/alembic/migration_start.hpp"

namespace alembic_exporter::alembic {

AlembicCollector::AlembicCollector(asio::io_context& io, Settings settings,
                                   std::shared_ptr<ScriptDirectory> scripts)
    : io_(io), settings_(std::move(settings)), scripts_(std::move(scripts)) {}

void AlembicCollector::check(Done done) {
  const auto started = std::chrono::steady_clock::now();
  // The scan is synchronous: an unchanged tree costs a few stat calls, and a check must see the
  // scripts as they are when it starts.
  if (!settings_.reader) {
    const DatabaseReading reading = VersionTableContents{
        settings_.current_override.value_or(std::vector<std::string>{}), false};
    asio::post(io_, [status = finish(scripts_->scan(), reading, started),
                     done = std::move(done)]() mutable { done(std::move(status)); });
    return;
  }
  // The read starts first, so that connecting (the server starting a backend, authenticating)
  // overlaps the scan; its result arrives through the io_context, after the scan below.
  auto scan = std::make_shared<ScriptDirectoryScan>();
  settings_.reader->read([this, scan, started, done = std::move(done)](ReadOutcome outcome) {
    done(finish(*scan, reading_of(outcome), started));
  });
  *scan = scripts_->scan();
}

void AlembicCollector::cancel() {
  if (settings_.reader) settings_.reader->cancel();
}

DatabaseReading AlembicCollector::reading_of(const ReadOutcome& outcome) {
  const auto* rows = std::get_if<VersionTableRows>(&outcome);
  migration_ = migration_with_start(rows != nullptr ? rows->migration : std::nullopt, migration_,
                                    std::chrono::system_clock::now());
  if (rows != nullptr)
    return VersionTableContents{rows->revisions, rows->table_missing, migration_};
  const auto& failure = std::get<ReadFailure>(outcome);
  return DatabaseFailure{std::string(to_string(failure.reason)), failure.detail};
}

ComponentStatus AlembicCollector::finish(const ScriptDirectoryScan& scan,
                                         const DatabaseReading& reading,
                                         std::chrono::steady_clock::time_point started) const {
  ComponentStatus status =
      assess(scan.graph.get(), scan.findings, reading, settings_.expected_heads);
  status.component = settings_.name;
  status.database_endpoint = settings_.endpoint;
  status.database_engine = settings_.engine;
  status.checked_at = std::chrono::system_clock::now();
  status.check_duration = std::chrono::steady_clock::now() - started;
  return status;
}

}  // namespace alembic_exporter::alembic
