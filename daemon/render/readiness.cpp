#include "daemon/render/readiness.hpp"

#include <algorithm>
#include <utility>

#include "daemon/render/json_writer.hpp"

namespace alembic_exporter::render {
namespace {

/// The last checks of the component: one for a configured component, one per target (and the
/// component's own while its discovery fails) for a discovering one.
std::vector<const core::ComponentSnapshot*> checked(const core::Snapshot& snapshot,
                                                    const std::string& name) {
  std::vector<const core::ComponentSnapshot*> found;
  for (const auto& component : snapshot.components) {
    if (component->status.component == name) found.push_back(component.get());
  }
  return found;
}

bool listed(const core::Snapshot& snapshot, const std::string& name) {
  return std::any_of(snapshot.discovered_targets.begin(), snapshot.discovered_targets.end(),
                     [&](const auto& entry) { return entry.first == name; });
}

bool accepted(const core::ComponentSnapshot& component) {
  return std::find(component.ready_states.begin(), component.ready_states.end(),
                   component.status.state) != component.ready_states.end();
}

void write_entry(JsonWriter& json, const std::string& name,
                 const core::ComponentSnapshot* component) {
  json.begin_object().key("name").value(name);
  if (component != nullptr && !component->status.target_database.empty()) {
    json.key("database").value(component->status.target_database);
  }
  if (component != nullptr && !component->status.target_schema.empty()) {
    json.key("schema").value(component->status.target_schema);
  }
  json.key("state");
  if (component != nullptr) {
    json.value(to_string(component->status.state));
  } else {
    json.null();
  }
  json.key("pending");
  if (component != nullptr && component->status.pending) {
    json.value(static_cast<std::int64_t>(*component->status.pending));
  } else {
    json.null();
  }
  json.key("ready").value(component != nullptr && accepted(*component)).end_object();
}

}  // namespace

ReadyResponse readiness(const core::Snapshot& snapshot, const std::vector<std::string>& selected) {
  const std::vector<std::string>& names = selected.empty() ? snapshot.configured : selected;
  for (const auto& name : names) {
    if (std::find(snapshot.configured.begin(), snapshot.configured.end(), name) ==
        snapshot.configured.end()) {
      JsonWriter json;
      json.begin_object().key("error").value("unknown component '" + name + "'").end_object();
      return {404, json.text() + '\n'};
    }
  }
  // One entry per target; an unchecked component is one entry without a state.
  std::vector<std::pair<const std::string*, const core::ComponentSnapshot*>> entries;
  for (const auto& name : names) {
    const auto found = checked(snapshot, name);
    // A discovering component that listed no target has nothing to wait for.
    if (found.empty() && !listed(snapshot, name)) entries.emplace_back(&name, nullptr);
    for (const auto* component : found) entries.emplace_back(&name, component);
  }
  const bool all_ready = std::all_of(entries.begin(), entries.end(), [](const auto& entry) {
    return entry.second != nullptr && accepted(*entry.second);
  });
  JsonWriter json;
  json.begin_object().key("ready").value(all_ready).key("components").begin_array();
  for (const auto& [name, component] : entries) write_entry(json, *name, component);
  json.end_array().end_object();
  return {all_ready ? 200 : 503, json.text() + '\n'};
}

}  // namespace alembic_exporter::render
