#include "daemon/systemd/log_entry.hpp"

#include "collectors/enum_table.hpp"

namespace alembic_exporter::systemd {

namespace {

constexpr EnumTable<LogLevel, std::string_view, 5> level_names = {{
    {LogLevel::error, "error"},
    {LogLevel::warning, "warning"},
    {LogLevel::notice, "notice"},
    {LogLevel::info, "info"},
    {LogLevel::debug, "debug"},
}};

}  // namespace

std::string_view to_string(LogLevel level) {
  return value_of(level_names, level, std::string_view("info"));
}

std::string full_message(const LogEntry& entry) {
  return entry.component.empty() ? entry.message : entry.component + ": " + entry.message;
}

}  // namespace alembic_exporter::systemd
