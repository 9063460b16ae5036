#include "collectors/connection_slots.hpp"

#include <utility>

namespace alembic_exporter {

bool ConnectionSlots::try_acquire() {
  // Nobody waits while a slot is free (release() grants at once), so this never overtakes.
  if (in_use_ >= capacity_) return false;
  ++in_use_;
  return true;
}

ConnectionSlots::Waiter ConnectionSlots::wait(std::function<void()> granted) {
  return waiters_.insert(waiters_.end(), std::move(granted));
}

void ConnectionSlots::withdraw(Waiter waiter) { waiters_.erase(waiter); }

void ConnectionSlots::release() {
  --in_use_;
  grant_free_slots();
}

void ConnectionSlots::set_capacity(std::size_t capacity) {
  capacity_ = capacity;
  grant_free_slots();
}

void ConnectionSlots::grant_free_slots() {
  while (in_use_ < capacity_ && !waiters_.empty()) {
    auto granted = std::move(waiters_.front());
    waiters_.pop_front();
    ++in_use_;
    granted();
  }
}

}  // namespace alembic_exporter
