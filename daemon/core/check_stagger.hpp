#pragma once

#include <chrono>
#include <string_view>

namespace alembic_exporter::core {

/// When, after it is found, a discovered target gets its first check: a fixed offset into the
/// interval given by hashing its key (see target_key), so a fleet found at once spreads its
/// checks evenly over the first interval instead of hitting its server together, and a target
/// keeps the same offset across restarts and replicas.
std::chrono::milliseconds first_check_offset(std::string_view target_key,
                                             std::chrono::milliseconds interval);

}  // namespace alembic_exporter::core
