#pragma once

namespace alembic_exporter::core {

/// Process exit codes of every subcommand (PRODUCT.md §3; 64, 70, 75 and 78 are sysexits.h).
enum class ExitCode : int {
  ok = 0,
  behind = 1,
  inconsistent = 2,
  unreachable = 3,
  usage = 64,
  software = 70,
  /// `wait`: the deadline passed before every component arrived (sysexits EX_TEMPFAIL).
  timed_out = 75,
  config = 78,
};

inline int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace alembic_exporter::core
