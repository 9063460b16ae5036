#include "collectors/alembic/alembic_collector.hpp"

#include <algorithm>
#include <asio/post.hpp>

namespace alembic_exporter::alembic {
namespace {

DatabaseReading to_reading(const ReadOutcome& outcome) {
  if (const auto* rows = std::get_if<VersionTableRows>(&outcome)) {
    return VersionTableContents{rows->revisions, rows->table_missing, rows->migration};
  }
  const auto& failure = std::get<ReadFailure>(outcome);
  return DatabaseFailure{std::string(to_string(failure.reason)), failure.detail};
}

}  // namespace

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
    ComponentStatus status = finish(*scan, to_reading(outcome), started);
    status.migration = steady_migration(status.migration);
    done(std::move(status));
  });
  *scan = scripts_->scan();
}

void AlembicCollector::cancel() {
  if (settings_.reader) settings_.reader->cancel();
}

std::optional<MigrationInProgress> AlembicCollector::steady_migration(
    std::optional<MigrationInProgress> seen) {
  // Readers that cannot see when the migrating session began report when they saw it; keeping
  // the earliest sighting of the same session makes that the first time it was seen.
  if (seen && migration_ && migration_->pid == seen->pid) {
    seen->started_at = std::min(seen->started_at, migration_->started_at);
  }
  migration_ = seen;
  return seen;
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
