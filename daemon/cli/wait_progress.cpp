#include "daemon/cli/wait_progress.hpp"

#include <algorithm>

#include "daemon/core/migration_text.hpp"
#include "daemon/core/time_format.hpp"

namespace alembic_exporter::cli {
namespace {

std::optional<std::int64_t> migration_pid(const ComponentStatus& status) {
  return status.migration ? std::optional(status.migration->pid) : std::nullopt;
}

/// `behind (3 pending)`, `unreachable (Connection refused to ...)`, `up_to_date`.
std::string state_with_detail(const ComponentStatus& status) {
  std::string text(to_string(status.state));
  if (status.state == State::behind && status.pending) {
    text += " (" + std::to_string(*status.pending) + " pending)";
  } else if ((status.state == State::unreachable || status.state == State::script_error) &&
             !status.detail.empty()) {
    text += " (" + status.detail + ")";
  }
  return text;
}

/// `30s`, `4m10s`.
std::string short_duration(std::chrono::seconds duration) {
  const auto minutes = duration.count() / 60;
  const auto seconds = duration.count() % 60;
  if (minutes == 0) return std::to_string(seconds) + "s";
  return std::to_string(minutes) + "m" + (seconds == 0 ? "" : std::to_string(seconds) + "s");
}

}  // namespace

bool worth_reporting(const ComponentStatus* before, const ComponentStatus& now) {
  return before == nullptr || before->state != now.state || before->pending != now.pending ||
         migration_pid(*before) != migration_pid(now);
}

std::string change_line(const ComponentStatus* before, const ComponentStatus& now) {
  std::string line = core::format_rfc3339(now.checked_at) + " " + now.component + ": ";
  if (before != nullptr && before->state != now.state) {
    line += std::string(to_string(before->state)) + " → ";
  }
  line += state_with_detail(now);
  if (now.migration) line += "; migration running " + core::describe_migration(*now.migration);
  return line;
}

bool all_arrived(std::span<const std::optional<ComponentStatus>> latest,
                 std::span<const State> until) {
  return std::all_of(latest.begin(), latest.end(), [&](const std::optional<ComponentStatus>& s) {
    return s && std::find(until.begin(), until.end(), s->state) != until.end();
  });
}

std::string progress_line(std::span<const std::optional<ComponentStatus>> latest,
                          std::chrono::seconds elapsed, std::chrono::seconds timeout) {
  std::string line = "waiting " + short_duration(elapsed) + "/" + short_duration(timeout) + ":";
  for (const auto& status : latest) {
    if (!status) continue;
    line += " " + status->component + " " + state_with_detail(*status) +
            (status->migration ? " [migrating]" : "") + ",";
  }
  line.pop_back();
  return line;
}

}  // namespace alembic_exporter::cli
