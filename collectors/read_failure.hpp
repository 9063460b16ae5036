#pragma once

#include <string>
#include <string_view>

namespace alembic_exporter {

/// Why reading a version table failed, for every engine; a missing table is not a failure.
enum class FailureReason {
  connection_refused,
  dns,
  timeout,
  auth_failed,
  database_missing,
  permission_denied,
  ssl,
  query_failed,
  protocol,
};

/// The reason's label value, e.g. "connection_refused".
std::string_view to_string(FailureReason reason);

/// A failed read: the reason and one human line without secrets.
struct ReadFailure {
  FailureReason reason;
  std::string detail;
};

/// The text up to its first line break.
std::string_view first_line(std::string_view text);

/// One line such as "Connection refused to localhost:8100" or "Permission denied at
/// localhost:8100: permission denied for table alembic_version".
std::string failure_detail(FailureReason reason, std::string_view where, std::string_view text);

}  // namespace alembic_exporter
