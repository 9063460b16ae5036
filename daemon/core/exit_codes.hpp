#pragma once

namespace alembic_exporter::core {

/// Process exit codes of every subcommand (docs/CONTRACT.md "Exit codes"; 64 and up are
/// sysexits.h).
enum class ExitCode : int {
  ok = 0,
  behind = 1,
  inconsistent = 2,
  unreachable = 3,
  usage = 64,
  /// `serve` could not run, e.g. a listen address is taken (EX_UNAVAILABLE).
  unavailable = 69,
  software = 70,
  /// `wait`: the deadline passed before every component arrived (sysexits EX_TEMPFAIL).
  timed_out = 75,
  config = 78,
};

inline int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace alembic_exporter::core
