#include "daemon/systemd/target_entry.hpp"

#include "daemon/systemd/message_ids.hpp"

namespace alembic_exporter::systemd {

LogEntry target_entry(const std::string& component, const std::string& database,
                      const std::string& schema, bool appeared) {
  const std::string what =
      schema.empty() ? "database " + database : "schema " + schema + " of database " + database;
  LogEntry entry;
  entry.level = appeared ? LogLevel::info : LogLevel::notice;
  entry.component = component;
  entry.message =
      appeared ? "new target: " + what : "target gone: " + what + " is no longer listed";
  entry.message_id = appeared ? message_ids::target_appeared : message_ids::target_disappeared;
  entry.fields = {{"ALEMBIC_COMPONENT", component}, {"ALEMBIC_DATABASE", database}};
  if (!schema.empty()) entry.fields.emplace_back("ALEMBIC_SCHEMA", schema);
  return entry;
}

}  // namespace alembic_exporter::systemd
