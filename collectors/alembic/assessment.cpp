#include "collectors/alembic/assessment.hpp"

#include <algorithm>

#include "collectors/enum_table.hpp"

namespace alembic_exporter::alembic {
namespace {

RevisionRef reference(const RevisionGraph& graph, const std::string& id) {
  const Revision* revision = graph.find(id);
  return {id, revision == nullptr ? std::string() : revision->message};
}

std::vector<RevisionRef> references(const RevisionGraph* graph,
                                    const std::vector<std::string>& ids) {
  std::vector<RevisionRef> refs;
  refs.reserve(ids.size());
  for (const auto& id : ids) {
    refs.push_back(graph == nullptr ? RevisionRef{id, {}} : reference(*graph, id));
  }
  return refs;
}

constexpr EnumTable<ScriptFinding::Kind, std::string_view, 9> finding_kind_names = {{
    {ScriptFinding::Kind::parse_error, "parse_error"},
    {ScriptFinding::Kind::unreadable_file, "unreadable_file"},
    {ScriptFinding::Kind::duplicate_revision, "duplicate_revision"},
    {ScriptFinding::Kind::dangling_reference, "dangling_reference"},
    {ScriptFinding::Kind::cycle, "cycle"},
    {ScriptFinding::Kind::duplicate_branch_label, "duplicate_branch_label"},
    {ScriptFinding::Kind::missing_directory, "missing_directory"},
    {ScriptFinding::Kind::dynamic_branch_labels, "dynamic_branch_labels"},
    {ScriptFinding::Kind::dynamic_depends_on, "dynamic_depends_on"},
}};

ScriptProblem to_problem(const ScriptFinding& finding) {
  return {to_string(finding.kind), finding.path, finding.line, finding.column, finding.message};
}

/// Fills `current`, and `pending` where it is defined; returns whether the database holds a
/// revision the scripts do not know (then `detail` names it).
bool compare_with_database(const RevisionGraph* graph, bool scripts_broken,
                           const VersionTableContents& contents, ComponentStatus& status) {
  std::vector<std::string> current = contents.revisions;
  std::sort(current.begin(), current.end());
  current.erase(std::unique(current.begin(), current.end()), current.end());
  status.current = references(graph, current);
  if (scripts_broken) return false;
  const UpgradePlan plan = graph->plan_upgrade(current);
  if (!plan.unknown_revisions.empty()) {
    status.detail =
        "Database revision " + plan.unknown_revisions.front() + " is not in the migration scripts.";
    return true;
  }
  status.pending = plan.pending.size();
  status.pending_revisions = references(graph, plan.pending);
  return false;
}

/// The state when the scripts and the database were both read, by the precedence of
/// docs/CONTRACT.md "States"; sets `reason` where the state has one.
State state_of_readable(ComponentStatus& status, const VersionTableContents& contents,
                        bool unknown_revision) {
  if (status.heads.size() > status.expected_heads) return State::diverged;
  if (unknown_revision) {
    status.reason = "unknown_revision";
    return State::unknown_revision;
  }
  if (contents.table_missing || contents.revisions.empty()) {
    status.reason = contents.table_missing ? "table_missing" : "empty_table";
    return State::no_revision;
  }
  return status.pending.value_or(0) > 0 ? State::behind : State::up_to_date;
}

}  // namespace

std::string to_string(ScriptFinding::Kind kind) {
  return std::string(value_of(finding_kind_names, kind, std::string_view("unknown")));
}

ComponentStatus assess(const RevisionGraph* graph, std::span<const ScriptFinding> findings,
                       const DatabaseReading& reading, std::size_t expected_heads) {
  ComponentStatus status;
  status.expected_heads = expected_heads;
  std::transform(findings.begin(), findings.end(), std::back_inserter(status.script_problems),
                 to_problem);
  // Warnings are shown, never weighed: nothing below looks at them.
  if (graph != nullptr) {
    std::transform(graph->warnings().begin(), graph->warnings().end(),
                   std::back_inserter(status.script_warnings), to_problem);
  }
  if (graph != nullptr) {
    status.script_revisions = graph->revisions().size();
    status.heads = references(graph, graph->heads());
  }
  const auto* contents = std::get_if<VersionTableContents>(&reading);
  status.database_read = contents != nullptr;
  if (contents != nullptr) status.migration = contents->migration;
  const bool scripts_broken = graph == nullptr || !findings.empty();
  const bool unknown_revision =
      contents != nullptr && compare_with_database(graph, scripts_broken, *contents, status);

  if (scripts_broken) {
    status.state = State::script_error;
    status.reason = findings.empty() ? "script_error" : to_string(findings.front().kind);
    if (!findings.empty()) status.detail = format_problem(status.script_problems.front());
  } else if (const auto* failure = std::get_if<DatabaseFailure>(&reading)) {
    status.state = State::unreachable;
    status.reason = failure->reason;
    status.detail = failure->detail;
  } else {
    status.state = state_of_readable(status, *contents, unknown_revision);
  }
  return status;
}

}  // namespace alembic_exporter::alembic
