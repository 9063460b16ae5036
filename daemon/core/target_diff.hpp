#pragma once

#include <string>
#include <vector>

namespace alembic_exporter::core {

/// How a discovering component's targets changed between two listings.
struct TargetChanges {
  std::vector<std::string> added;    ///< in `after` only, in its order
  std::vector<std::string> removed;  ///< in `before` only, in its order
  friend bool operator==(const TargetChanges&, const TargetChanges&) = default;
};

/// Pure: compares two listings, each sorted in byte order without repeats (as listed).
TargetChanges diff_targets(const std::vector<std::string>& before,
                           const std::vector<std::string>& after);

}  // namespace alembic_exporter::core
