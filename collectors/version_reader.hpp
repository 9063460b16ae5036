#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "collectors/component_status.hpp"
#include "collectors/read_failure.hpp"

namespace alembic_exporter {

/// Another session migrating the database, as a reader sees it.
struct MigrationSighting {
  /// The other session's server process or connection id.
  std::int64_t pid = 0;
  /// When the engine says that session's transaction (or, for MySQL, its current statement)
  /// began; absent when the engine does not show it. The collector alone decides the start it
  /// reports (collectors/alembic/migration_start.hpp).
  std::optional<std::chrono::system_clock::time_point> started_at;
  /// The other session's application_name; may be empty.
  std::string application_name;
};

/// What the version table holds. `table_missing` means it does not exist (a fresh database).
struct VersionTableRows {
  std::vector<std::string> revisions;  ///< byte order; empty for an empty table
  bool table_missing = false;
  /// Another session migrating the database, where the engine can tell.
  std::optional<MigrationSighting> migration{};
};

using ReadOutcome = std::variant<VersionTableRows, ReadFailure>;

/// Reads one component's version table, one engine per implementation (PostgreSQL, MySQL/MariaDB,
/// SQLite). Every implementation is driven by the io_context it was built with and never blocks
/// it; sessions are read-only and nothing is ever written to the database.
class VersionReader {
 public:
  virtual ~VersionReader() = default;

  /// Starts one read; `done` runs exactly once on the io_context (never inside `read`), within
  /// the configured budget plus a short grace for cancelling. Reads must not overlap: starting
  /// one while another is in flight throws std::logic_error. Destroying the reader abandons a
  /// read in flight: its `done` is not called.
  virtual void read(std::function<void(ReadOutcome)> done) = 0;

  /// Ends a read in flight now, as if its budget had run out (`timeout`). No effect when idle.
  virtual void cancel() = 0;
};

}  // namespace alembic_exporter
