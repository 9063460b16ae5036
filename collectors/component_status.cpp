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

std::string format_problem(const ScriptProblem& problem) {
  std::string text = problem.file;
  if (problem.line > 0) text += ':' + std::to_string(problem.line);
  if (problem.column > 0) text += ':' + std::to_string(problem.column);
  return text.empty() ? problem.message : text + ": " + problem.message;
}

}  // namespace alembic_exporter
