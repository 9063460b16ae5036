#pragma once

#include <string>

#include "daemon/core/snapshot.hpp"

namespace alembic_exporter::systemd {

/// One line for systemd's STATUS=: `3 components: 2 up-to-date, 1 behind`.
std::string status_summary(const core::Snapshot& snapshot, std::size_t configured_components);

}  // namespace alembic_exporter::systemd
