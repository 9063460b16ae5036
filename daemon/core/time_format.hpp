#pragma once

#include <chrono>
#include <string>

namespace alembic_exporter::core {

/// RFC 3339 in UTC with milliseconds: `2026-11-24T20:31:00.123Z`.
std::string format_rfc3339(std::chrono::system_clock::time_point time);

}  // namespace alembic_exporter::core
