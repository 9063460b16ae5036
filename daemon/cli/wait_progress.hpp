#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "collectors/component_status.hpp"

namespace alembic_exporter::cli {

/// Whether `now` tells a person something `before` did not: another state, another pending
/// count, or a migration that started, ended or changed hands. Always true without `before`.
bool worth_reporting(const ComponentStatus* before, const ComponentStatus& now);

/// One line of `wait`'s log: `manager: behind (3 pending)`, `manager: behind → up_to_date`,
/// with `; migration running since ... (pid N)` while one runs, prefixed by the check's time.
std::string change_line(const ComponentStatus* before, const ComponentStatus& now);

/// Whether every target has a result in one of the `until` states.
bool all_arrived(std::span<const std::optional<ComponentStatus>> latest,
                 std::span<const State> until);

/// The live line on a terminal: `waiting 12s/10m: manager behind (3 pending), appproxy ...`.
std::string progress_line(std::span<const std::optional<ComponentStatus>> latest,
                          std::chrono::seconds elapsed, std::chrono::seconds timeout);

}  // namespace alembic_exporter::cli
