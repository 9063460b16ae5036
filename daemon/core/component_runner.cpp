#include "daemon/core/component_runner.hpp"

namespace alembic_exporter::core {

ComponentRunner::ComponentRunner(asio::io_context& io, std::unique_ptr<Collector> collector,
                                 std::chrono::milliseconds interval, OnResult on_result)
    : timer_(io),
      collector_(std::move(collector)),
      interval_(interval),
      on_result_(std::move(on_result)),
      random_(std::random_device{}()) {}

ComponentRunner::~ComponentRunner() {
  alive_.reset();
  timer_.cancel();
  collector_->cancel();
}

void ComponentRunner::start(std::chrono::milliseconds first_delay) {
  if (first_delay.count() > 0) {
    schedule(first_delay);
  } else {
    run_check();
  }
}

void ComponentRunner::schedule(std::chrono::milliseconds delay) {
  timer_.expires_after(delay);
  timer_.async_wait(
      [this, alive = std::weak_ptr<const bool>(alive_)](const std::error_code& error) {
        if (!error && !alive.expired()) run_check();
      });
}

std::chrono::milliseconds ComponentRunner::next_delay() {
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
      static_cast<double>(interval_.count()) * jitter(random_)));
}

void ComponentRunner::run_check() {
  collector_->check([this, alive = std::weak_ptr<const bool>(alive_)](ComponentStatus status) {
    if (alive.expired()) return;
    on_result_(std::move(status));
    schedule(next_delay());
  });
}

}  // namespace alembic_exporter::core
