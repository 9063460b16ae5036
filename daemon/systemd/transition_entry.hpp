#pragma once

#include "daemon/core/component_history.hpp"
#include "daemon/systemd/log_entry.hpp"

namespace alembic_exporter::systemd {

/// Pure: the journald entry for a state transition (docs/CONTRACT.md "Logging and systemd"):
/// `manager: up_to_date → behind (2 pending)` with PRIORITY info for a recovery, warning for
/// behind/no_revision, err for the rest, the state's MESSAGE_ID and the ALEMBIC_* fields.
LogEntry transition_entry(const core::Transition& transition);

}  // namespace alembic_exporter::systemd
