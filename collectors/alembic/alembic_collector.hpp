#pragma once

#include <asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collectors/alembic/assessment.hpp"
#include "collectors/alembic/script_directory.hpp"
#include "collectors/collector.hpp"
#include "collectors/version_reader.hpp"

namespace alembic_exporter::alembic {

/// Checks one component: rescans its script directory (incrementally, through a scanner it may
/// share with other components), reads its version table (or takes the revisions given instead
/// of a database), and assesses both into one status. Not thread-safe: everything runs on the
/// io_context it was built with.
class AlembicCollector final : public Collector {
 public:
  struct Settings {
    std::string name;
    /// Exactly one of these two is set.
    std::unique_ptr<VersionReader> reader{};
    std::optional<std::vector<std::string>> current_override;
    /// `host:port`, socket or file of the database, for advice; no credentials.
    std::string endpoint{};
    /// "PostgreSQL", "MySQL/MariaDB" or "SQLite", for advice.
    std::string engine{};
    std::size_t expected_heads = 1;
  };

  AlembicCollector(asio::io_context& io, Settings settings,
                   std::shared_ptr<ScriptDirectory> scripts);
  AlembicCollector(const AlembicCollector&) = delete;
  AlembicCollector& operator=(const AlembicCollector&) = delete;

  void check(Done done) override;
  void cancel() override;

 private:
  ComponentStatus finish(const ScriptDirectoryScan& scan, const DatabaseReading& reading,
                         std::chrono::steady_clock::time_point started) const;
  /// What the reader read, with the start of a migration in progress decided here and only here
  /// (migration_with_start).
  DatabaseReading reading_of(const ReadOutcome& outcome);

  asio::io_context& io_;
  Settings settings_;
  std::shared_ptr<ScriptDirectory> scripts_;
  /// The migration the last check saw, to keep its start steady across checks.
  std::optional<MigrationInProgress> migration_;
};

}  // namespace alembic_exporter::alembic
