#include "daemon/core/target_diff.hpp"

#include <algorithm>
#include <iterator>

namespace alembic_exporter::core {

TargetChanges diff_targets(const std::vector<std::string>& before,
                           const std::vector<std::string>& after) {
  TargetChanges changes;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(changes.added));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(changes.removed));
  return changes;
}

}  // namespace alembic_exporter::core
