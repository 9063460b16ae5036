#include "daemon/render/readiness.hpp"

#include <algorithm>

#include "daemon/render/json_writer.hpp"

namespace alembic_exporter::render {
namespace {

const core::ComponentSnapshot* checked(const core::Snapshot& snapshot, const std::string& name) {
  for (const auto& component : snapshot.components) {
    if (component->status.component == name) return component.get();
  }
  return nullptr;
}

bool accepted(const core::ComponentSnapshot& component) {
  return std::find(component.ready_states.begin(), component.ready_states.end(),
                   component.status.state) != component.ready_states.end();
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
  std::vector<const core::ComponentSnapshot*> found;
  for (const auto& name : names) found.push_back(checked(snapshot, name));
  const bool all_ready =
      std::all_of(found.begin(), found.end(),
                  [](const core::ComponentSnapshot* c) { return c != nullptr && accepted(*c); });
  JsonWriter json;
  json.begin_object().key("ready").value(all_ready).key("components").begin_array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const core::ComponentSnapshot* component = found[i];
    json.begin_object().key("name").value(names[i]).key("state");
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
  json.end_array().end_object();
  return {all_ready ? 200 : 503, json.text() + '\n'};
}

}  // namespace alembic_exporter::render
