#include "config/config_problem.hpp"

namespace alembic_exporter::config {

std::string ConfigProblem::to_string() const {
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace alembic_exporter::config
