#include "collectors/limited_reader.hpp"

#include <asio/post.hpp>
#include <stdexcept>
#include <utility>

namespace alembic_exporter {

LimitedReader::LimitedReader(asio::io_context& io, std::unique_ptr<VersionReader> inner,
                             std::shared_ptr<ConnectionSlots> slots, std::string endpoint)
    : io_(io), inner_(std::move(inner)), slots_(std::move(slots)), endpoint_(std::move(endpoint)) {}

LimitedReader::~LimitedReader() {
  inner_.reset();  // abandons its read first: the slot given back below is really free
  if (phase_ == Phase::waiting) slots_->withdraw(waiter_);
  // Given back on the next turn of the loop rather than now: at shutdown every reader is
  // destroyed and the loop stopped, and a waiter granted now would start connecting only to be
  // destroyed a moment later.
  if (phase_ == Phase::reading) asio::post(io_, [slots = slots_] { slots->release(); });
}

void LimitedReader::read(std::function<void(ReadOutcome)> done) {
  if (phase_ != Phase::idle) throw std::logic_error("LimitedReader: a read is already in flight");
  done_ = std::move(done);
  if (slots_->try_acquire()) {
    start_reading();
    return;
  }
  phase_ = Phase::waiting;
  waiter_ = slots_->wait([this] { start_reading(); });
}

void LimitedReader::start_reading() {
  phase_ = Phase::reading;
  inner_->read([this](ReadOutcome outcome) {
    phase_ = Phase::idle;
    slots_->release();
    std::exchange(done_, nullptr)(std::move(outcome));
  });
}

void LimitedReader::cancel() {
  if (phase_ == Phase::reading) {
    inner_->cancel();
    return;
  }
  if (phase_ != Phase::waiting) return;
  slots_->withdraw(waiter_);
  phase_ = Phase::cancelled;
  asio::post(io_, [this, alive = std::weak_ptr<const bool>(alive_)] {
    if (alive.expired()) return;
    phase_ = Phase::idle;
    std::exchange(done_, nullptr)(ReadFailure{
        FailureReason::timeout,
        failure_detail(FailureReason::timeout, endpoint_,
                       "cancelled while waiting for a connection slot (max_connections)")});
  });
}

}  // namespace alembic_exporter
