#include "collectors/reconnect_backoff.hpp"

#include <algorithm>

namespace alembic_exporter {

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

ConnectBackoff::ConnectBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum)
    : initial_(initial), maximum_(maximum), random_(std::random_device{}()) {}

const ReadFailure* ConnectBackoff::holding() const {
  if (!last_failure_ || std::chrono::steady_clock::now() >= retry_not_before_) return nullptr;
  return &*last_failure_;
}

void ConnectBackoff::failed(const ReadFailure& failure) {
  ++consecutive_failures_;
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  retry_not_before_ = std::chrono::steady_clock::now() +
                      reconnect_delay(consecutive_failures_, initial_, maximum_, jitter(random_));
  last_failure_ = failure;
}

void ConnectBackoff::succeeded() {
  consecutive_failures_ = 0;
  last_failure_.reset();
}

}  // namespace alembic_exporter
