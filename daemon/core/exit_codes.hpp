#pragma once

namespace alembic_exporter::core {

/// Process exit codes of every subcommand (PRODUCT.md §3; 64 and 78 are sysexits.h).
enum class ExitCode : int {
  ok = 0,
  behind = 1,
  inconsistent = 2,
  unreachable = 3,
  usage = 64,
  software = 70,
  config = 78,
};

inline int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace alembic_exporter::core
