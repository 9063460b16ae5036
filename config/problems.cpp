#include "config/problems.hpp"

#include <algorithm>

namespace alembic_exporter::config {

void Problems::add(const YAML::Mark& mark, std::string message) {
  const bool located = mark.line >= 0;
  problems_.push_back(
      {file_, located ? mark.line + 1 : 0, located ? mark.column + 1 : 0, std::move(message)});
}

std::vector<ConfigProblem> Problems::take_sorted() {
  std::stable_sort(problems_.begin(), problems_.end(), [](const auto& a, const auto& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return std::move(problems_);
}

}  // namespace alembic_exporter::config
