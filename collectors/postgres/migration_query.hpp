#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace alembic_exporter::postgres {

/// One read-only statement that finds the oldest other session holding any lock on the version
/// table while holding its own transaction id lock. alembic's upgrade reads the version table
/// inside its transaction (AccessShareLock until the end) and gets a transaction id with its first
/// write; a plain read of the table (another exporter, `alembic current`) never gets one. So a
/// read is never taken for a migration, and a migration shows from its first write on. Only
/// pg_locks (readable by every role) decides; pg_stat_activity adds the time and name when
/// visible. Columns: pid, xact_start in Unix milliseconds (or NULL), application_name (or NULL).
std::string migration_query(std::string_view table, const std::optional<std::string>& schema);

}  // namespace alembic_exporter::postgres
