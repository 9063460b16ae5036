#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace alembic_exporter::cli {

/// `alembic_exporter wait [options]`: checks the components `status` would report on every
/// `--interval` until each is in one of the `--until` states (exit 0), `--timeout` passes (the
/// final report, exit 75) or SIGINT/SIGTERM arrives (exit 128 + signal). `tty`: `out` is a
/// terminal, so a live progress line is shown between the change lines.
int run_wait_command(std::span<const std::string_view> options, std::ostream& out,
                     std::ostream& err, bool tty);

}  // namespace alembic_exporter::cli
