#include "collectors/socket_watch.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace alembic_exporter {
namespace {

asio::error_code last_error() { return {errno, asio::system_category()}; }

}  // namespace

SocketWatch::SocketWatch(asio::io_context& io) : io_(io), descriptor_(io) {}

asio::error_code SocketWatch::follow(int libpq_socket) {
  struct stat status {};
  if (libpq_socket < 0) return asio::error::bad_descriptor;
  if (::fstat(libpq_socket, &status) != 0) return last_error();
  if (descriptor_.is_open() && status.st_ino == inode_) return {};
  close();
  const int copy = ::dup(libpq_socket);
  if (copy < 0) return last_error();
  asio::error_code error;
  descriptor_.assign(copy, error);
  if (error) {
    ::close(copy);
    return error;
  }
  inode_ = status.st_ino;
  return {};
}

bool SocketWatch::ready_now(Direction direction) {
  pollfd probe{descriptor_.native_handle(),
               static_cast<short>(direction == Direction::read ? POLLIN : POLLOUT), 0};
  return ::poll(&probe, 1, 0) > 0;
}

void SocketWatch::wait(Direction direction, std::function<void(asio::error_code)> ready) {
  if (ready_now(direction)) {
    asio::post(io_, [ready = std::move(ready)] { ready({}); });
    return;
  }
  descriptor_.async_wait(direction == Direction::read ? asio::posix::descriptor_base::wait_read
                                                      : asio::posix::descriptor_base::wait_write,
                         std::move(ready));
}

void SocketWatch::close() {
  asio::error_code ignored;
  descriptor_.close(ignored);
  inode_ = 0;
}

}  // namespace alembic_exporter
