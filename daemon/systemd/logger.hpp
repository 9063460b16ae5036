#pragma once

#include <optional>
#include <source_location>
#include <string>
#include <string_view>

#include "daemon/systemd/log_entry.hpp"

namespace alembic_exporter::systemd {

/// Where log entries go, chosen once at start (the configuration's `log:`).
enum class LogBackend { journald, stderr_lines };

/// `auto` picks journald when JOURNAL_STREAM is set (we run under systemd), else stderr.
/// `journal_stream` is the variable's value, if set.
LogBackend choose_log_backend(std::string_view setting, std::optional<std::string> journal_stream);

/// The one logging facade. Thread-safe: each entry is one write(2) or one sd_journal_sendv.
class Logger {
 public:
  /// `stderr_timestamps`: prefix stderr lines with RFC 3339 time (not when journald stores
  /// stderr, which stamps lines itself).
  Logger(LogBackend backend, bool stderr_timestamps);

  void write(const LogEntry& entry,
             std::source_location location = std::source_location::current()) const;
  void log(LogLevel level, std::string component, std::string message,
           std::source_location location = std::source_location::current()) const;

 private:
  LogBackend backend_;
  bool stderr_timestamps_;
};

/// True when the process's stderr is the journald stream named by JOURNAL_STREAM (`dev:inode`).
bool stderr_is_journal(const std::optional<std::string>& journal_stream);

/// The stderr line for an entry: `[time ]level component: message`.
std::string stderr_line(const LogEntry& entry, std::optional<std::string> timestamp);

}  // namespace alembic_exporter::systemd
