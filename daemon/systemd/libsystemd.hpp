#pragma once

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

namespace alembic_exporter::systemd {

/// The libsystemd functions the daemon calls, resolved from libsystemd.so.0 with dlopen on first
/// use: --version, status, check-config and a serve outside systemd never load libsystemd and
/// the six compression and crypto libraries it links (docs/BENCHMARKS.md, "Start-up").
struct Libsystemd {
  decltype(&sd_notify) notify;
  decltype(&sd_watchdog_enabled) watchdog_enabled;
  decltype(&sd_journal_sendv) journal_sendv;
};

/// Loads libsystemd once (thread-safe); throws std::runtime_error naming the loader's error when
/// it or one of the functions is missing.
const Libsystemd& libsystemd();

}  // namespace alembic_exporter::systemd
