#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alembic_exporter::systemd {

/// syslog priorities, as journald's PRIORITY field uses them.
enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

std::string_view to_string(LogLevel level);

/// `component: message`, or the message alone for the exporter itself.
std::string full_message(const struct LogEntry& entry);

/// One structured log event; sinks decide how much of it they can show.
struct LogEntry {
  LogLevel level = LogLevel::info;
  /// The component it is about; empty for the exporter itself. Sinks show `component: message`.
  std::string component;
  std::string message;
  /// 32 hex digits from message_ids.hpp, documented in systemd/alembic-exporter.catalog; empty
  /// for entries without a catalog entry.
  std::string_view message_id;
  /// Extra journald fields (`ALEMBIC_STATE`, ...): upper-case names, values without secrets.
  std::vector<std::pair<std::string, std::string>> fields;
};

}  // namespace alembic_exporter::systemd
