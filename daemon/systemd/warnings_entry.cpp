#include "daemon/systemd/warnings_entry.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "daemon/systemd/message_ids.hpp"

namespace alembic_exporter::systemd {

LogEntry warnings_entry(const ComponentStatus& status) {
  const auto& warnings = status.script_warnings;
  LogEntry entry;
  entry.level = LogLevel::notice;
  entry.component = status.component;
  entry.message_id = message_ids::script_warnings_changed;
  if (warnings.empty()) {
    entry.message = "no script warnings any more";
  } else {
    entry.message = std::to_string(warnings.size()) +
                    (warnings.size() == 1 ? " script warning" : " script warnings") +
                    " (first: " + format_problem(warnings.front()) + ")";
  }
  std::vector<std::string> kinds;
  for (const auto& warning : warnings) {
    if (std::find(kinds.begin(), kinds.end(), warning.kind) == kinds.end()) {
      kinds.push_back(warning.kind);
    }
  }
  std::sort(kinds.begin(), kinds.end());
  std::string kind_list;
  for (const auto& kind : kinds) kind_list += (kind_list.empty() ? "" : ",") + kind;
  entry.fields = {{"ALEMBIC_COMPONENT", status.component},
                  {"ALEMBIC_WARNINGS", std::to_string(warnings.size())},
                  {"ALEMBIC_WARNING_KINDS", kind_list}};
  return entry;
}

}  // namespace alembic_exporter::systemd
