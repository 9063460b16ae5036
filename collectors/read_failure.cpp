#include "collectors/read_failure.hpp"

#include "collectors/enum_table.hpp"

namespace alembic_exporter {

namespace {

constexpr EnumTable<FailureReason, std::string_view, 9> failure_reason_names = {{
    {FailureReason::connection_refused, "connection_refused"},
    {FailureReason::dns, "dns"},
    {FailureReason::timeout, "timeout"},
    {FailureReason::auth_failed, "auth_failed"},
    {FailureReason::database_missing, "database_missing"},
    {FailureReason::permission_denied, "permission_denied"},
    {FailureReason::ssl, "ssl"},
    {FailureReason::query_failed, "query_failed"},
    {FailureReason::protocol, "protocol"},
}};

}  // namespace

std::string_view to_string(FailureReason reason) {
  return value_of(failure_reason_names, reason, std::string_view("unknown"));
}

std::string_view first_line(std::string_view text) {
  const std::size_t end = text.find_first_of("\r\n");
  return end == std::string_view::npos ? text : text.substr(0, end);
}

std::string failure_detail(FailureReason reason, std::string_view where, std::string_view text) {
  std::string detail;
  switch (reason) {
    case FailureReason::connection_refused:
      detail = "Connection refused to ";
      break;
    case FailureReason::dns:
      detail = "Cannot resolve host ";
      break;
    case FailureReason::timeout:
      detail = "Timed out at ";
      break;
    case FailureReason::auth_failed:
      detail = "Authentication failed at ";
      break;
    case FailureReason::database_missing:
      detail = "Database missing at ";
      break;
    case FailureReason::permission_denied:
      detail = "Permission denied at ";
      break;
    case FailureReason::ssl:
      detail = "SSL failure with ";
      break;
    case FailureReason::query_failed:
      detail = "Query failed at ";
      break;
    case FailureReason::protocol:
      detail = "Protocol error with ";
      break;
  }
  detail += where;
  const std::string_view line = first_line(text);
  if (!line.empty()) {
    detail += ": ";
    detail += line;
  }
  return detail;
}

}  // namespace alembic_exporter
