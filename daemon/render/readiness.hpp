#pragma once

#include <string>
#include <vector>

#include "daemon/core/snapshot.hpp"

namespace alembic_exporter::render {

/// An HTTP answer to `/ready`.
struct ReadyResponse {
  int status = 200;
  std::string body;  ///< one JSON line
};

/// Pure: 200 when every selected component's last check found it in one of its `ready_states`,
/// 503 when one was not (or has not been checked yet), 404 naming the first selected name that
/// is not configured. A discovering component is ready when every one of its targets is (and
/// its discovery does not fail); one that listed no target is. `selected` empty means every
/// configured component. The body is `{"ready":bool,"components":[{"name","state","pending",
/// "ready"}]}`, one entry per target with its `database` (and `schema`) for a discovering
/// component (`state` and `pending` null where unknown) or, for 404, `{"error":"..."}`.
ReadyResponse readiness(const core::Snapshot& snapshot, const std::vector<std::string>& selected);

}  // namespace alembic_exporter::render
