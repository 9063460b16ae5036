#include "daemon/systemd/log_entry.hpp"

namespace alembic_exporter::systemd {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return "error";
    case LogLevel::warning:
      return "warning";
    case LogLevel::notice:
      return "notice";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
  }
  return "info";
}

std::string full_message(const LogEntry& entry) {
  return entry.component.empty() ? entry.message : entry.component + ": " + entry.message;
}

}  // namespace alembic_exporter::systemd
