#include "daemon/systemd/notify_status_line.hpp"

#include <map>

#include "collectors/enum_table.hpp"

namespace alembic_exporter::systemd {
namespace {

constexpr EnumTable<State, std::string_view, all_states.size()> phrases = {{
    {State::up_to_date, "up-to-date"},
    {State::behind, "behind"},
    {State::diverged, "diverged"},
    {State::no_revision, "no revision"},
    {State::unknown_revision, "unknown revision"},
    {State::unreachable, "unreachable"},
    {State::script_error, "script error"},
}};
static_assert(has_rows_for(phrases, all_states));

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
               std::string(value_of(phrases, state));
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
