#include "daemon/systemd/service_notifier.hpp"

#include <dlfcn.h>
#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>

#include "tests/unit/temporary_directory.hpp"

namespace alembic_exporter::systemd {
namespace {

bool libsystemd_loaded() {
  void* library = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_NOLOAD);
  if (library == nullptr) return false;
  dlclose(library);  // drops only the reference RTLD_NOLOAD added
  return true;
}

/// A datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : fd_(socket(AF_UNIX, SOCK_DGRAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof(address.sun_path));
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
  }
  ~NotifySocket() { close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  std::string receive() const {
    char buffer[512];
    const ssize_t size = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    REQUIRE(size >= 0);
    return {buffer, static_cast<std::size_t>(size)};
  }

 private:
  int fd_;
};

// Test cases run in file order: this one must run before any loads libsystemd.
TEST_CASE("outside systemd, notifications and the watchdog query do not load libsystemd") {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  const ServiceNotifier notifier;
  notifier.ready("ready");
  notifier.status_line("checking");
  notifier.watchdog();
  CHECK_FALSE(notifier.watchdog_interval().has_value());
  CHECK_FALSE(libsystemd_loaded());
}

TEST_CASE("under systemd, READY=1 and the status reach the notify socket through libsystemd") {
  const testing::TemporaryDirectory directory;
  const NotifySocket socket(directory.path("notify"));
  setenv("NOTIFY_SOCKET", directory.path("notify").c_str(), 1);
  ServiceNotifier().ready("3 components up to date");
  unsetenv("NOTIFY_SOCKET");
  CHECK(socket.receive() == "READY=1\nSTATUS=3 components up to date");
  CHECK(libsystemd_loaded());
}

TEST_CASE("the watchdog interval is systemd's WATCHDOG_USEC for this process") {
  setenv("WATCHDOG_USEC", "2500000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  CHECK(ServiceNotifier().watchdog_interval() == std::chrono::microseconds(2500000));
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  CHECK_FALSE(ServiceNotifier().watchdog_interval().has_value());
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
}

}  // namespace
}  // namespace alembic_exporter::systemd
