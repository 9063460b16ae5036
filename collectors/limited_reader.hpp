#pragma once

#include <asio/io_context.hpp>
#include <memory>
#include <string>

#include "collectors/connection_slots.hpp"
#include "collectors/version_reader.hpp"

namespace alembic_exporter {

/// A reader of a database server that reads only while it holds one of the server's slots
/// (`max_connections`), waiting for one in FIFO order otherwise. The inner reader's budget (its
/// `timeout`: connect plus queries) starts when the slot is granted, so waiting never eats into
/// it; the check's duration includes the wait. The slot is held until the inner read finishes,
/// so the cap bounds reads in flight per server: connections being opened and queried at once.
/// An idle kept-alive connection holds no slot.
///
/// cancel() while waiting ends the read with a `timeout` failure and takes no slot; destroying
/// the reader while it waits leaves the queue, while it reads gives its slot back on the next
/// turn of the io_context.
class LimitedReader final : public VersionReader {
 public:
  /// `endpoint` (`host:port`, no credentials) names the server in the failure of a cancelled wait.
  LimitedReader(asio::io_context& io, std::unique_ptr<VersionReader> inner,
                std::shared_ptr<ConnectionSlots> slots, std::string endpoint);
  LimitedReader(const LimitedReader&) = delete;
  LimitedReader& operator=(const LimitedReader&) = delete;
  ~LimitedReader() override;

  void read(std::function<void(ReadOutcome)> done) override;
  void cancel() override;

 private:
  enum class Phase { idle, waiting, reading, cancelled };

  void start_reading();

  asio::io_context& io_;
  std::unique_ptr<VersionReader> inner_;
  std::shared_ptr<ConnectionSlots> slots_;
  std::string endpoint_;
  Phase phase_ = Phase::idle;
  ConnectionSlots::Waiter waiter_{};
  std::function<void(ReadOutcome)> done_;
  /// Expires with the reader: a posted completion of a cancelled wait then does nothing.
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace alembic_exporter
