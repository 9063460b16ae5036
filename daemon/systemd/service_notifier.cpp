#include "daemon/systemd/service_notifier.hpp"

#include <stdlib.h>
#include <time.h>

#include <string>

#include "daemon/systemd/libsystemd.hpp"

namespace alembic_exporter::systemd {
namespace {

// Both functions are no-ops without these variables (sd_notify(3), sd_watchdog_enabled(3)):
// checked here so that a serve outside systemd never loads libsystemd.
void notify(const std::string& state) {
  if (getenv("NOTIFY_SOCKET") != nullptr) libsystemd().notify(0, state.c_str());
}

}  // namespace

void ServiceNotifier::ready(std::string_view status_line) const {
  notify("READY=1\nSTATUS=" + std::string(status_line));
}

void ServiceNotifier::status_line(std::string_view line) const {
  notify("STATUS=" + std::string(line));
}

void ServiceNotifier::reloading() const {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1000000LL + now.tv_nsec / 1000;
  notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void ServiceNotifier::stopping() const { notify("STOPPING=1"); }

void ServiceNotifier::watchdog() const { notify("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> ServiceNotifier::watchdog_interval() const {
  uint64_t usec = 0;
  if (getenv("WATCHDOG_USEC") == nullptr) return std::nullopt;
  if (libsystemd().watchdog_enabled(0, &usec) <= 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace alembic_exporter::systemd
