#include "collectors/component_status.hpp"

namespace alembic_exporter {

std::string_view to_string(State state) {
  switch (state) {
    case State::script_error:
      return "script_error";
    case State::unreachable:
      return "unreachable";
    case State::diverged:
      return "diverged";
    case State::unknown_revision:
      return "unknown_revision";
    case State::no_revision:
      return "no_revision";
    case State::behind:
      return "behind";
    case State::up_to_date:
      return "up_to_date";
  }
  return "unknown";
}

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

}  // namespace alembic_exporter
