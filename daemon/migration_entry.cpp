#include "migration_entry.hpp"

#include "message_ids.hpp"
#include "time_format.hpp"

namespace alembic_exporter {
namespace {

LogEntry entry_for(const std::string& component, const MigrationInProgress& migration,
                   bool started) {
  LogEntry entry;
  entry.level = started ? LogLevel::notice : LogLevel::info;
  entry.component = component;
  entry.message_id = started ? message_ids::migration_started : message_ids::migration_ended;
  entry.message = (started ? "migration running " : "migration ended, it had run ") +
                  describe_migration(migration);
  entry.fields = {{"ALEMBIC_COMPONENT", component},
                  {"ALEMBIC_MIGRATION_PID", std::to_string(migration.pid)},
                  {"ALEMBIC_MIGRATION_STARTED_AT", format_rfc3339(migration.started_at)}};
  if (!migration.application_name.empty()) {
    entry.fields.emplace_back("ALEMBIC_MIGRATION_APPLICATION", migration.application_name);
  }
  return entry;
}

}  // namespace

std::string describe_migration(const MigrationInProgress& migration) {
  std::string text =
      "since " + format_rfc3339(migration.started_at) + " (pid " + std::to_string(migration.pid);
  if (!migration.application_name.empty()) text += ", application " + migration.application_name;
  return text + ")";
}

std::vector<LogEntry> migration_entries(const std::string& component,
                                        const MigrationChange& change) {
  std::vector<LogEntry> entries;
  if (change.ended) entries.push_back(entry_for(component, *change.ended, false));
  if (change.started) entries.push_back(entry_for(component, *change.started, true));
  return entries;
}

}  // namespace alembic_exporter
