#include "daemon/render/status_json.hpp"

#include "daemon/core/time_format.hpp"
#include "daemon/render/json_writer.hpp"

namespace alembic_exporter::render {
namespace {

void write_optional_text(JsonWriter& json, const std::string& text) {
  if (text.empty()) {
    json.null();
  } else {
    json.value(text);
  }
}

void write_revisions(JsonWriter& json, const std::vector<RevisionRef>& refs) {
  json.begin_array();
  for (const auto& ref : refs) {
    json.begin_object().key("revision").value(ref.revision).key("message");
    write_optional_text(json, ref.message);
    json.end_object();
  }
  json.end_array();
}

void write_problem(JsonWriter& json, const ScriptProblem& problem) {
  json.begin_object()
      .key("kind")
      .value(problem.kind)
      .key("file")
      .value(problem.file)
      .key("line")
      .value(std::int64_t{problem.line})
      .key("column")
      .value(std::int64_t{problem.column})
      .key("message")
      .value(problem.message)
      .end_object();
}

void write_component(JsonWriter& json, const ComponentStatus& status) {
  json.begin_object().key("name").value(status.component);
  // Only for discovered targets, so a configured component's object is as it always was.
  if (!status.target_database.empty()) json.key("database").value(status.target_database);
  if (!status.target_schema.empty()) json.key("schema").value(status.target_schema);
  json.key("state").value(to_string(status.state));
  json.key("reason");
  write_optional_text(json, status.reason);
  json.key("detail");
  write_optional_text(json, status.detail);
  json.key("database_read").value(status.database_read);
  json.key("pending");
  if (status.pending) {
    json.value(static_cast<std::int64_t>(*status.pending));
  } else {
    json.null();
  }
  json.key("expected_heads").value(static_cast<std::int64_t>(status.expected_heads));
  json.key("heads");
  write_revisions(json, status.heads);
  json.key("current");
  write_revisions(json, status.current);
  json.key("pending_revisions");
  write_revisions(json, status.pending_revisions);
  json.key("script").begin_object();
  json.key("revisions").value(static_cast<std::int64_t>(status.script_revisions));
  json.key("heads").value(static_cast<std::int64_t>(status.heads.size()));
  json.key("errors").begin_array();
  for (const auto& problem : status.script_problems) write_problem(json, problem);
  json.end_array();
  json.key("warnings").begin_array();
  for (const auto& warning : status.script_warnings) write_problem(json, warning);
  json.end_array().end_object();
  json.key("migration");
  if (status.migration) {
    json.begin_object().key("pid").value(status.migration->pid);
    json.key("started_at").value(core::format_rfc3339(status.migration->started_at));
    json.key("application_name");
    write_optional_text(json, status.migration->application_name);
    json.end_object();
  } else {
    json.null();
  }
  json.key("checked_at").value(core::format_rfc3339(status.checked_at));
  json.key("check_duration_seconds").value(status.check_duration.count());
  json.end_object();
}

}  // namespace

std::string render_status_json(std::span<const ComponentStatus> statuses) {
  JsonWriter json;
  json.begin_object().key("components").begin_array();
  for (const auto& status : statuses) write_component(json, status);
  json.end_array().end_object();
  return json.text() + '\n';
}

}  // namespace alembic_exporter::render
