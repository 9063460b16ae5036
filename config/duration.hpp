#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace alembic_exporter::config {

/// Parses a Prometheus-style duration: one or more `<digits><unit>` with units `h`, `m`, `s`,
/// `ms` in decreasing order, each at most once ("500ms", "30s", "5m", "1h", "1m30s"). Returns
/// nullopt for anything else, including signs, fractions, spaces and values that overflow.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// The text parse_duration reads back as `duration` ("1m30s", "500ms", "0s"); `duration` must not
/// be negative (validated durations never are).
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace alembic_exporter::config
