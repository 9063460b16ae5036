#pragma once

#include <string>

#include "daemon/core/snapshot.hpp"

namespace alembic_exporter::systemd {

/// The sd_notify STATUS= line (what `systemctl status` shows):
/// `3 components: 2 up-to-date, 1 behind`.
std::string notify_status_line(const core::Snapshot& snapshot, std::size_t configured_components);

}  // namespace alembic_exporter::systemd
