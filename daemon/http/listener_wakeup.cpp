#include "daemon/http/listener_wakeup.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace alembic_exporter::http {
namespace {

void poke(const BoundListener& listener) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(listener.port));
  // A wildcard bind is reachable on loopback.
  const std::string host = listener.host == "0.0.0.0" ? "127.0.0.1" : listener.host;
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) return;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return;
  // Non-blocking: the SYN is what wakes the poll; the outcome does not matter.
  [[maybe_unused]] const int result =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  ::close(fd);
}

}  // namespace

void wake_listeners_until(const std::vector<BoundListener>& listeners, std::stop_token stop) {
  while (!stop.stop_requested()) {
    for (const auto& listener : listeners) poke(listener);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace alembic_exporter::http
