#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace alembic_exporter::systemd {

/// sd_notify(3) for Type=notify; every call is a no-op when NOTIFY_SOCKET is unset.
class ServiceNotifier {
 public:
  /// READY=1 with the STATUS= line.
  void ready(std::string_view status_line) const;
  /// STATUS=: one line for `systemctl status`.
  void status_line(std::string_view line) const;
  /// RELOADING=1 with MONOTONIC_USEC, as systemd ≥ 253 expects for Type=notify-reload.
  void reloading() const;
  void stopping() const;
  void watchdog() const;
  /// WATCHDOG_USEC when the watchdog is enabled for this process.
  std::optional<std::chrono::microseconds> watchdog_interval() const;
};

}  // namespace alembic_exporter::systemd
