#include "daemon/systemd/service_notifier.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <string>

namespace alembic_exporter::systemd {
namespace {

void notify(const std::string& state) { sd_notify(0, state.c_str()); }

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
  if (sd_watchdog_enabled(0, &usec) <= 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace alembic_exporter::systemd
