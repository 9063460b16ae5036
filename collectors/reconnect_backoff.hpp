#pragma once

#include <chrono>

namespace alembic_exporter {

/// How long to wait before the next connection attempt after `consecutive_failures` (>= 1)
/// failed ones: `initial` doubled per further failure, capped at `maximum`, then scaled into
/// [1/2, 1] of that by `jitter` (in [0, 1]) so that many components do not retry in lockstep.
std::chrono::milliseconds reconnect_delay(int consecutive_failures,
                                          std::chrono::milliseconds initial,
                                          std::chrono::milliseconds maximum, double jitter);

}  // namespace alembic_exporter
