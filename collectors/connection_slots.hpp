#pragma once

#include <cstddef>
#include <functional>
#include <list>

namespace alembic_exporter {

/// The checks one database server admits at once (`max_connections`): at most `capacity` slots
/// are held, and readers that find none free wait in FIFO order. Counting only; the caller holds
/// a slot from the moment it is granted until it calls release(). Not thread-safe: use it on one
/// io_context's thread.
class ConnectionSlots {
 public:
  using Waiter = std::list<std::function<void()>>::iterator;

  explicit ConnectionSlots(std::size_t capacity) : capacity_(capacity) {}
  ConnectionSlots(const ConnectionSlots&) = delete;
  ConnectionSlots& operator=(const ConnectionSlots&) = delete;

  /// Takes a slot when one is free.
  bool try_acquire();
  /// Queues `granted`, which runs (from release() or set_capacity()) once it holds a slot.
  Waiter wait(std::function<void()> granted);
  /// Leaves the queue without having taken a slot; `waiter` must still be queued.
  void withdraw(Waiter waiter);
  /// Gives a slot back and grants it to the first waiter, if any.
  void release();
  /// A reload's new cap: a larger one grants waiters at once; a smaller one lets the slots held
  /// beyond it run out.
  void set_capacity(std::size_t capacity);

  std::size_t in_use() const { return in_use_; }
  std::size_t waiting() const { return waiters_.size(); }

 private:
  void grant_free_slots();

  std::size_t capacity_;
  std::size_t in_use_ = 0;
  std::list<std::function<void()>> waiters_;
};

}  // namespace alembic_exporter
