#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <random>

#include "collectors/collector.hpp"

namespace alembic_exporter::core {

/// Runs one component's checks on the event loop: one right after start(), then one every
/// interval ±10 % (so hundreds of components do not fire together). A check never overlaps
/// itself, and a slow one delays only its own component.
class ComponentRunner {
 public:
  using OnResult = std::function<void(ComponentStatus)>;

  ComponentRunner(asio::io_context& io, std::unique_ptr<Collector> collector,
                  std::chrono::milliseconds interval, OnResult on_result);
  /// Stops: a running check is cancelled and its result dropped.
  ~ComponentRunner();
  ComponentRunner(const ComponentRunner&) = delete;
  ComponentRunner& operator=(const ComponentRunner&) = delete;

  /// The first check after `first_delay` (0: now).
  void start(std::chrono::milliseconds first_delay = std::chrono::milliseconds(0));

 private:
  void run_check();
  void schedule(std::chrono::milliseconds delay);
  std::chrono::milliseconds next_delay();

  asio::steady_timer timer_;
  std::unique_ptr<Collector> collector_;
  std::chrono::milliseconds interval_;
  OnResult on_result_;
  std::minstd_rand random_;
  /// Expires with the runner: callbacks that outlive it see it gone and do nothing.
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace alembic_exporter::core
