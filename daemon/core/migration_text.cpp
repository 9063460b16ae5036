#include "daemon/core/migration_text.hpp"

#include "daemon/core/time_format.hpp"

namespace alembic_exporter::core {

std::string describe_migration(const MigrationInProgress& migration) {
  std::string text =
      "since " + format_rfc3339(migration.started_at) + " (pid " + std::to_string(migration.pid);
  if (!migration.application_name.empty()) text += ", application " + migration.application_name;
  return text + ")";
}

}  // namespace alembic_exporter::core
