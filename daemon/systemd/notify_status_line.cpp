#include "daemon/systemd/notify_status_line.hpp"

#include <map>

namespace alembic_exporter::systemd {
namespace {

std::string_view phrase(State state) {
  switch (state) {
    case State::up_to_date:
      return "up-to-date";
    case State::behind:
      return "behind";
    case State::diverged:
      return "diverged";
    case State::no_revision:
      return "no revision";
    case State::unknown_revision:
      return "unknown revision";
    case State::unreachable:
      return "unreachable";
    case State::script_error:
      return "script error";
  }
  return "unknown";
}

}  // namespace

std::string notify_status_line(const core::Snapshot& snapshot, std::size_t configured_components) {
  std::map<State, std::size_t> counts;
  for (const auto& component : snapshot.components) ++counts[component->status.state];
  std::string summary = std::to_string(configured_components) +
                        (configured_components == 1 ? " component" : " components");
  std::string parts;
  for (const State state : all_states) {
    if (const auto found = counts.find(state); found != counts.end()) {
      parts += (parts.empty() ? "" : ", ") + std::to_string(found->second) + ' ' +
               std::string(phrase(state));
    }
  }
  const std::size_t unchecked =
      configured_components - std::min(configured_components, snapshot.components.size());
  if (unchecked > 0) {
    parts += (parts.empty() ? "" : ", ") + std::to_string(unchecked) + " not checked yet";
  }
  return parts.empty() ? summary : summary + ": " + parts;
}

}  // namespace alembic_exporter::systemd
