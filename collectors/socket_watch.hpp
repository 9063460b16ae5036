#pragma once

#include <sys/types.h>

#include <asio.hpp>
#include <functional>

namespace alembic_exporter {

/// Lets Asio wait for readiness of a client library's socket (libpq, Connector/C) without ever
/// owning it. Asio watches a dup() of the library's descriptor, so the library closing or
/// replacing its socket (next host or address, SSL retry) can never leave Asio's epoll
/// registration on a descriptor number that was reused.
class SocketWatch {
 public:
  enum class Direction { read, write };

  explicit SocketWatch(asio::io_context& io);
  SocketWatch(const SocketWatch&) = delete;
  SocketWatch& operator=(const SocketWatch&) = delete;

  /// Watches `libpq_socket` from now on; re-registers only when it is another socket than the
  /// one watched (compared by inode: a new socket may reuse the old descriptor number).
  asio::error_code follow(int libpq_socket);

  /// Whether the socket is ready for `direction` now (a poll that does not wait).
  bool ready_now(Direction direction);

  /// Calls `ready` once the socket is ready for `direction` or the wait failed. Level-triggered:
  /// Asio's epoll reactor is edge-triggered and libpq may leave data it has not read in the
  /// socket, so a socket that is ready already completes at once (through the io_context).
  void wait(Direction direction, std::function<void(asio::error_code)> ready);

  /// Stops watching; pending waits complete with asio::error::operation_aborted.
  void close();

 private:
  asio::io_context& io_;
  asio::posix::stream_descriptor descriptor_;
  ino_t inode_ = 0;
};

}  // namespace alembic_exporter
