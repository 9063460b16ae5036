#include "collectors/postgres/reconnect_backoff.hpp"

#include <algorithm>

namespace alembic_exporter::postgres {

std::chrono::milliseconds reconnect_delay(int consecutive_failures,
                                          std::chrono::milliseconds initial,
                                          std::chrono::milliseconds maximum, double jitter) {
  std::chrono::milliseconds delay = std::min(initial, maximum);
  for (int failure = 1; failure < consecutive_failures && delay < maximum; ++failure) {
    delay = std::min(delay * 2, maximum);
  }
  const double scale = 0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(
      static_cast<std::chrono::milliseconds::rep>(static_cast<double>(delay.count()) * scale));
}

}  // namespace alembic_exporter::postgres
