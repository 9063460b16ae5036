#pragma once

#include "collectors/component_status.hpp"
#include "daemon/systemd/log_entry.hpp"

namespace alembic_exporter::systemd {

/// Pure: the journald entry logged when a component's set of script warnings changes (issue 15):
/// `manager: 2 script warnings (first: versions/c1.py:5:18: ...)`, or `manager: no script
/// warnings any more`. PRIORITY notice: warnings never change the state. Fields
/// ALEMBIC_COMPONENT, ALEMBIC_WARNINGS (the count) and ALEMBIC_WARNING_KINDS.
LogEntry warnings_entry(const ComponentStatus& status);

}  // namespace alembic_exporter::systemd
