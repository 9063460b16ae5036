#include "config/alembic_command.hpp"

namespace alembic_exporter::config {

std::string alembic_command(std::string_view ini, std::string_view action) {
  std::string command = "alembic ";
  if (!ini.empty()) command.append("-c ").append(ini).append(" ");
  return command.append(action);
}

}  // namespace alembic_exporter::config
