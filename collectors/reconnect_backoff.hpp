#pragma once

#include <chrono>
#include <optional>
#include <random>

#include "collectors/read_failure.hpp"

namespace alembic_exporter {

/// How long to wait before the next connection attempt after `consecutive_failures` (>= 1)
/// failed ones: `initial` doubled per further failure, capped at `maximum`, then scaled into
/// [1/2, 1] of that by `jitter` (in [0, 1]) so that many components do not retry in lockstep.
std::chrono::milliseconds reconnect_delay(int consecutive_failures,
                                          std::chrono::milliseconds initial,
                                          std::chrono::milliseconds maximum, double jitter);

/// One reader's connection backoff: after a failed attempt, reads report that failure without
/// contacting the server until reconnect_delay() has passed.
class ConnectBackoff {
 public:
  ConnectBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum);

  /// The last failure while its delay runs; nullptr when a connection may be attempted.
  const ReadFailure* holding() const;
  void failed(const ReadFailure& failure);
  void succeeded();

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds maximum_;
  int consecutive_failures_ = 0;
  std::optional<ReadFailure> last_failure_;
  std::chrono::steady_clock::time_point retry_not_before_;
  std::minstd_rand random_;
};

}  // namespace alembic_exporter
