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

constexpr EnumTable<ScriptFinding::Kind, std::string_view, 7> finding_kind_names = {{
    {ScriptFinding::Kind::parse_error, "parse_error"},
    {ScriptFinding::Kind::unreadable_file, "unreadable_file"},
    {ScriptFinding::Kind::duplicate_revision, "duplicate_revision"},
    {ScriptFinding::Kind::dangling_reference, "dangling_reference"},
    {ScriptFinding::Kind::cycle, "cycle"},
    {ScriptFinding::Kind::duplicate_branch_label, "duplicate_branch_label"},
    {ScriptFinding::Kind::missing_directory, "missing_directory"},
}};

ScriptProblem to_problem(const ScriptFinding& finding) {
  return {to_string(finding.kind), finding.path, finding.line, finding.column, finding.message};
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
  if (graph != nullptr) {
    status.script_revisions = graph->revisions().size();
    status.heads = references(graph, graph->heads());
  }

  const auto* failure = std::get_if<DatabaseFailure>(&reading);
  const auto* contents = std::get_if<VersionTableContents>(&reading);
  status.database_read = contents != nullptr;

  bool unknown_revision = false;
  if (contents != nullptr) {
    std::vector<std::string> current = contents->revisions;
    std::sort(current.begin(), current.end());
    current.erase(std::unique(current.begin(), current.end()), current.end());
    status.current = references(graph, current);
    if (graph != nullptr && findings.empty()) {
      const UpgradePlan plan = graph->plan_upgrade(current);
      unknown_revision = !plan.unknown_revisions.empty();
      if (unknown_revision) {
        status.detail = "Database revision " + plan.unknown_revisions.front() +
                        " is not in the migration scripts.";
      } else {
        status.pending = plan.pending.size();
        status.pending_revisions = references(graph, plan.pending);
      }
    }
  }

  if (graph == nullptr || !findings.empty()) {
    status.state = State::script_error;
    status.reason = findings.empty() ? "script_error" : to_string(findings.front().kind);
    if (!findings.empty()) status.detail = format_problem(status.script_problems.front());
  } else if (failure != nullptr) {
    status.state = State::unreachable;
    status.reason = failure->reason;
    status.detail = failure->detail;
  } else if (status.heads.size() > expected_heads) {
    status.state = State::diverged;
  } else if (unknown_revision) {
    status.state = State::unknown_revision;
    status.reason = "unknown_revision";
  } else if (contents->table_missing || contents->revisions.empty()) {
    status.state = State::no_revision;
    status.reason = contents->table_missing ? "table_missing" : "empty_table";
  } else if (status.pending.value_or(0) > 0) {
    status.state = State::behind;
  } else {
    status.state = State::up_to_date;
  }
  return status;
}

}  // namespace alembic_exporter::alembic
