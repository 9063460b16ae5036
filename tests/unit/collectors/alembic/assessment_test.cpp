#include "collectors/alembic/assessment.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

namespace alembic_exporter::alembic {
namespace {

using Ids = std::vector<std::string>;

Revision rev(std::string id, Ids down = {}) {
  Revision revision;
  revision.path = "versions/" + id + ".py";
  revision.id = std::move(id);
  revision.down_revisions = std::move(down);
  return revision;
}

// a ← b ← c: one head.
std::vector<Revision> linear() { return {rev("a"), rev("b", {"a"}), rev("c", {"b"})}; }
// a ← b and a ← c: two heads where one is expected.
std::vector<Revision> forked() { return {rev("a"), rev("b", {"a"}), rev("c", {"a"})}; }

const ScriptFinding parse_error{ScriptFinding::Kind::parse_error, "versions/b.py", 3, 5,
                                "unterminated string"};

DatabaseReading refused() { return DatabaseFailure{"connection_refused", "refused"}; }
DatabaseReading at(Ids revisions) { return VersionTableContents{std::move(revisions), false}; }
DatabaseReading table_missing() { return VersionTableContents{{}, true}; }

enum class Graph { none, linear, forked };

struct Row {
  std::string holds;  // every condition of the row, strongest first
  Graph graph;
  bool broken_file;
  DatabaseReading reading;
  State state;
  std::string reason;
  std::optional<std::size_t> pending;
};

// The documented precedence (docs/CONTRACT.md, "States"): script_error > unreachable > diverged >
// unknown_revision > no_revision > behind > up_to_date. Each row makes the expected state and
// every weaker one hold at once, so a reordered branch in assess() fails a row.
const std::vector<Row>& precedence_rows() {
  static const std::vector<Row> rows = {
      {"broken file, refused, two heads", Graph::forked, true, refused(), State::script_error,
       "parse_error", std::nullopt},
      {"no script directory, refused", Graph::none, false, refused(), State::script_error,
       "script_error", std::nullopt},
      {"refused, two heads", Graph::forked, false, refused(), State::unreachable,
       "connection_refused", std::nullopt},
      {"two heads, unknown revision", Graph::forked, false, at({"0bad"}), State::diverged, "",
       std::nullopt},
      {"two heads, 2 pending", Graph::forked, false, at({"a"}), State::diverged, "", 2},
      {"unknown revision next to a known one", Graph::linear, false, at({"0bad", "a"}),
       State::unknown_revision, "unknown_revision", std::nullopt},
      {"table missing, 3 pending", Graph::linear, false, table_missing(), State::no_revision,
       "table_missing", 3},
      {"empty table, 3 pending", Graph::linear, false, at({}), State::no_revision, "empty_table",
       3},
      {"2 pending", Graph::linear, false, at({"a"}), State::behind, "", 2},
      {"at the head", Graph::linear, false, at({"c"}), State::up_to_date, "", 0},
  };
  return rows;
}

TEST_CASE("assess() picks the strongest state that holds") {
  for (const Row& row : precedence_rows()) {
    CAPTURE(row.holds);
    std::optional<RevisionGraph> graph;
    if (row.graph == Graph::linear) graph.emplace(linear());
    if (row.graph == Graph::forked) graph.emplace(forked());
    std::vector<ScriptFinding> findings;
    if (row.broken_file) findings.push_back(parse_error);

    const ComponentStatus status =
        assess(graph ? &*graph : nullptr, findings, row.reading, /*expected_heads=*/1);

    CHECK(status.state == row.state);
    CHECK(status.reason == row.reason);
    CHECK(status.pending == row.pending);
    CHECK(status.database_read == std::holds_alternative<VersionTableContents>(row.reading));
  }
}

TEST_CASE("a broken file is the detail of script_error, with its place") {
  const RevisionGraph graph(linear());
  const ComponentStatus status = assess(&graph, std::vector{parse_error}, at({"c"}), 1);
  CHECK(status.state == State::script_error);
  CHECK(status.detail == "versions/b.py:3:5: unterminated string");
  REQUIRE(status.script_problems.size() == 1);
  CHECK(status.script_problems.front().kind == "parse_error");
}

TEST_CASE("an unknown database revision is named in the detail and leaves pending unknown") {
  const RevisionGraph graph(linear());
  const ComponentStatus status = assess(&graph, {}, at({"0bad"}), 1);
  CHECK(status.detail == "Database revision 0bad is not in the migration scripts.");
  CHECK_FALSE(status.pending.has_value());
}

TEST_CASE("two heads are not diverged when two are expected") {
  const RevisionGraph graph(forked());
  CHECK(assess(&graph, {}, at({"b", "c"}), 2).state == State::up_to_date);
  CHECK(assess(&graph, {}, at({"b"}), 2).state == State::behind);
}

}  // namespace
}  // namespace alembic_exporter::alembic
