#include "daemon/systemd/migration_entry.hpp"

#include "daemon/core/migration_text.hpp"
#include "daemon/core/time_format.hpp"
#include "daemon/systemd/message_ids.hpp"

namespace alembic_exporter::systemd {
namespace {

LogEntry entry_for(const std::string& component, const MigrationInProgress& migration,
                   bool started) {
  LogEntry entry;
  entry.level = started ? LogLevel::notice : LogLevel::info;
  entry.component = component;
  entry.message_id = started ? message_ids::migration_started : message_ids::migration_ended;
  entry.message = (started ? "migration running " : "migration ended, it had run ") +
                  core::describe_migration(migration);
  entry.fields = {{"ALEMBIC_COMPONENT", component},
                  {"ALEMBIC_MIGRATION_PID", std::to_string(migration.pid)},
                  {"ALEMBIC_MIGRATION_STARTED_AT", core::format_rfc3339(migration.started_at)}};
  if (!migration.application_name.empty()) {
    entry.fields.emplace_back("ALEMBIC_MIGRATION_APPLICATION", migration.application_name);
  }
  return entry;
}

}  // namespace

std::vector<LogEntry> migration_entries(const std::string& component,
                                        const core::MigrationChange& change) {
  std::vector<LogEntry> entries;
  if (change.ended) entries.push_back(entry_for(component, *change.ended, false));
  if (change.started) entries.push_back(entry_for(component, *change.started, true));
  return entries;
}

}  // namespace alembic_exporter::systemd
