#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "collectors/read_failure.hpp"

namespace alembic_exporter {

/// What a discovering component looks for on its server (issue 18).
struct DiscoverySpec {
  enum class Kind { databases, schemas };
  Kind kind = Kind::databases;
  /// SQL `LIKE` patterns: a name matching `pattern` and none of `exclude` is a target.
  std::string pattern;
  std::vector<std::string> exclude;
  /// More matches than this are counted but not listed.
  std::size_t max_targets = 1000;
};

/// What one listing found: the matching names in byte order, at most `max_targets` of them, and
/// how many matched in all (more than `names.size()` when the limit was exceeded).
struct TargetListing {
  std::vector<std::string> names;
  std::size_t matched = 0;
  /// The database the listing ran in: the database of every schema target.
  std::string database;
};

using ListOutcome = std::variant<TargetListing, ReadFailure>;

/// Lists the targets of a discovering component, asynchronously on an io_context, read-only.
class TargetLister {
 public:
  virtual ~TargetLister() = default;
  /// Starts one listing; `done` runs exactly once on the io_context (never inside `list`), within
  /// the component's budget. Listings must not overlap. Destroying the lister abandons a listing
  /// in flight: its `done` is not called.
  virtual void list(std::function<void(ListOutcome)> done) = 0;
  /// Ends a listing in flight now (`timeout`); no effect when idle.
  virtual void cancel() = 0;
};

}  // namespace alembic_exporter
