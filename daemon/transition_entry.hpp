#pragma once

#include "component_history.hpp"
#include "log_entry.hpp"

namespace alembic_exporter {

/// Pure: the journald entry for a state transition (PRODUCT.md §4 "Logging and systemd"):
/// `manager: up_to_date → behind (2 pending)` with PRIORITY info for a recovery, warning for
/// behind/no_revision, err for the rest, the state's MESSAGE_ID and the ALEMBIC_* fields.
LogEntry transition_entry(const Transition& transition);

}  // namespace alembic_exporter
