#pragma once

#include <asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include "collectors/collector.hpp"
#include "collectors/component_source.hpp"
#include "collectors/server_slots.hpp"

namespace alembic_exporter {

/// Builds collectors. Collectors made by one factory share what their sources have in common:
/// components whose version locations are the same share one scanner, hence one parsed graph
/// and one set of watches, and every scanner watches through the factory's one inotify
/// instance; a component's own cost is its state. Readers of one database server (PostgreSQL,
/// MySQL/MariaDB; not SQLite) share its `max_connections` slots: at most that many of their
/// reads are in flight at once, the others wait in FIFO order (see LimitedReader). What is
/// shared lives as long as a collector uses it. Not thread-safe: make and run the collectors of
/// one factory on one thread.
class CollectorFactory {
 public:
  explicit CollectorFactory(std::size_t max_connections = default_max_connections);
  ~CollectorFactory();
  CollectorFactory(const CollectorFactory&) = delete;
  CollectorFactory& operator=(const CollectorFactory&) = delete;

  /// The collector for one component, or in one line why the source is unusable
  /// (`alembic.ini:3:1: ...`, `no database URL ...`); the line never contains a password.
  std::variant<std::unique_ptr<Collector>, std::string> make(asio::io_context& io,
                                                             const ComponentSource& source);
  /// A reload's new cap, for the servers in use and those to come.
  void set_max_connections(std::size_t max_connections);

 private:
  struct SharedTrees;
  std::unique_ptr<SharedTrees> trees_;
  std::unique_ptr<ServerSlots> servers_;
};

/// Blocks until the statements of cancelled checks have been cancelled on their servers, at most
/// the readers' cancel grace (250 ms): destroying a collector cancels its check, but the request
/// outlives it briefly, and a process exiting before it is sent leaves the statement running.
/// For shutdown.
void await_cancellations();

}  // namespace alembic_exporter
