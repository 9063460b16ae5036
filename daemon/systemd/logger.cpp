#include "daemon/systemd/logger.hpp"

// sd_journal_sendv below passes the caller's location itself (CODE_FILE/LINE/FUNC from
// std::source_location); this stops libsystemd from recording this wrapper's location instead.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "daemon/core/time_format.hpp"

namespace alembic_exporter::systemd {
namespace {

void send_to_journal(const LogEntry& entry, const std::source_location& location) {
  std::vector<std::string> fields = {
      "MESSAGE=" + full_message(entry),
      "PRIORITY=" + std::to_string(static_cast<int>(entry.level)),
      "SYSLOG_IDENTIFIER=alembic_exporter",
      std::string("CODE_FILE=") + location.file_name(),
      "CODE_LINE=" + std::to_string(location.line()),
      std::string("CODE_FUNC=") + location.function_name(),
  };
  if (!entry.message_id.empty()) fields.push_back("MESSAGE_ID=" + std::string(entry.message_id));
  for (const auto& [name, value] : entry.fields) fields.push_back(name + '=' + value);
  std::vector<iovec> vectors;
  vectors.reserve(fields.size());
  for (auto& field : fields) vectors.push_back({field.data(), field.size()});
  sd_journal_sendv(vectors.data(), static_cast<int>(vectors.size()));
}

}  // namespace

LogBackend choose_log_backend(std::string_view setting, std::optional<std::string> journal_stream) {
  if (setting == "journald") return LogBackend::journald;
  if (setting == "stderr") return LogBackend::stderr_lines;
  return journal_stream ? LogBackend::journald : LogBackend::stderr_lines;
}

bool stderr_is_journal(const std::optional<std::string>& journal_stream) {
  if (!journal_stream) return false;
  struct stat status {};
  if (fstat(STDERR_FILENO, &status) != 0) return false;
  return *journal_stream == std::to_string(status.st_dev) + ':' + std::to_string(status.st_ino);
}

std::string stderr_line(const LogEntry& entry, std::optional<std::string> timestamp) {
  std::string line = timestamp ? *timestamp + ' ' : std::string();
  return line + std::string(to_string(entry.level)) + ' ' + full_message(entry) + '\n';
}

Logger::Logger(LogBackend backend, bool stderr_timestamps)
    : backend_(backend), stderr_timestamps_(stderr_timestamps) {}

void Logger::write(const LogEntry& entry, std::source_location location) const {
  if (backend_ == LogBackend::journald) {
    send_to_journal(entry, location);
    return;
  }
  const std::string line =
      stderr_line(entry, stderr_timestamps_
                             ? std::optional(core::format_rfc3339(std::chrono::system_clock::now()))
                             : std::nullopt);
  // One write per line keeps lines whole when several threads log.
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

void Logger::log(LogLevel level, std::string component, std::string message,
                 std::source_location location) const {
  write({level, std::move(component), std::move(message), {}, {}}, location);
}

}  // namespace alembic_exporter::systemd
