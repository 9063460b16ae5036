#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "collectors/alembic/revision.hpp"
#include "collectors/alembic/revision_graph.hpp"
#include "collectors/component_status.hpp"

namespace alembic_exporter::alembic {

/// What the version table held; `table_missing` is a fresh database, not a failure.
struct VersionTableContents {
  std::vector<std::string> revisions;
  bool table_missing = false;
  /// Another session migrating the database, where the engine can tell.
  std::optional<MigrationInProgress> migration{};
};

/// The database could not be read; `reason` is a metric label value, `detail` has no secrets.
struct DatabaseFailure {
  std::string reason;
  std::string detail;
};

using DatabaseReading = std::variant<VersionTableContents, DatabaseFailure>;

/// Pure: combines the script directory and the database into one state with the precedence of
/// docs/CONTRACT.md "States", computing `pending` wherever it is defined. `graph` is null when the
/// script directory could not be read at all. The graph's warnings are copied to
/// `script_warnings` and change nothing else. Name, endpoint and timing are left for the caller.
ComponentStatus assess(const RevisionGraph* graph, std::span<const ScriptFinding> findings,
                       const DatabaseReading& reading, std::size_t expected_heads);

/// Label of a finding kind in JSON and metrics (`parse_error`, `cycle`, ...).
std::string to_string(ScriptFinding::Kind kind);

}  // namespace alembic_exporter::alembic
