#include "collectors/component_status.hpp"

#include "collectors/enum_table.hpp"

namespace alembic_exporter {

namespace {

constexpr EnumTable<State, std::string_view, all_states.size()> state_names = {{
    {State::up_to_date, "up_to_date"},
    {State::behind, "behind"},
    {State::diverged, "diverged"},
    {State::no_revision, "no_revision"},
    {State::unknown_revision, "unknown_revision"},
    {State::unreachable, "unreachable"},
    {State::script_error, "script_error"},
}};
static_assert(has_rows_for(state_names, all_states));

}  // namespace

std::string_view to_string(State state) { return value_of(state_names, state); }

std::optional<State> state_from_string(std::string_view label) {
  for (const State state : all_states) {
    if (to_string(state) == label) return state;
  }
  return std::nullopt;
}

std::string state_labels() {
  std::string labels;
  for (const State state : all_states) {
    labels += (labels.empty() ? "" : ", ") + std::string(to_string(state));
  }
  return labels;
}

std::string format_problem(const ScriptProblem& problem) {
  std::string text = problem.file;
  if (problem.line > 0) text += ':' + std::to_string(problem.line);
  if (problem.column > 0) text += ':' + std::to_string(problem.column);
  return text.empty() ? problem.message : text + ": " + problem.message;
}

std::string target_key(std::string_view component, std::string_view database,
                       std::string_view schema) {
  std::string key(component);
  if (!database.empty()) (key += '/') += database;
  if (!schema.empty()) (key += '/') += schema;
  return key;
}

std::string target_key(const ComponentStatus& status) {
  return target_key(status.component, status.target_database, status.target_schema);
}

}  // namespace alembic_exporter
