#include "collectors/alembic/revision_graph.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace alembic_exporter::alembic {
namespace {

using Ids = std::vector<std::string>;

Revision rev(std::string id, Ids down = {}, Ids depends_on = {}, Ids labels = {}) {
  Revision revision;
  revision.path = "versions/" + id + ".py";
  revision.id = std::move(id);
  revision.down_revisions = std::move(down);
  revision.depends_on = std::move(depends_on);
  revision.branch_labels = std::move(labels);
  revision.lines = {.revision = 3, .down_revision = 4, .depends_on = 5, .branch_labels = 6};
  return revision;
}

Ids pending(const RevisionGraph& graph, const Ids& current) {
  return graph.plan_upgrade(current).pending;
}

// Expected orders below are what alembic 1.8.1 prints for `upgrade heads` on the same graph
// (RevisionMap.iterate_revisions("heads", current, implicit_base=True), reversed).

TEST_CASE("linear history") {
  const RevisionGraph graph({rev("a"), rev("b", {"a"}), rev("c", {"b"})});
  CHECK(graph.findings().empty());
  CHECK(graph.heads() == Ids{"c"});
  CHECK(graph.bases() == Ids{"a"});
  CHECK(pending(graph, {}) == Ids{"a", "b", "c"});
  CHECK(pending(graph, {"a"}) == Ids{"b", "c"});
  CHECK(pending(graph, {"c"}).empty());
  CHECK(graph.plan_upgrade(Ids{"a"}).unreached_heads == Ids{"c"});
  CHECK(graph.plan_upgrade(Ids{"c"}).unreached_heads.empty());
  REQUIRE(graph.find("b") != nullptr);
  CHECK(graph.find("b")->path == "versions/b.py");
  CHECK(graph.find("zzz") == nullptr);
}

TEST_CASE("two branches: alembic's order, and a database at one or both heads") {
  const RevisionGraph graph({rev("a"), rev("b", {"a"}), rev("c", {"a"})});
  CHECK(graph.heads() == Ids{"b", "c"});
  CHECK(pending(graph, {}) == Ids{"a", "c", "b"});
  CHECK(pending(graph, {"a"}) == Ids{"c", "b"});
  CHECK(pending(graph, {"b"}) == Ids{"c"});
  CHECK(pending(graph, {"c"}) == Ids{"b"});
  CHECK(pending(graph, {"b", "c"}).empty());
  CHECK(graph.plan_upgrade(Ids{"b"}).unreached_heads == Ids{"c"});
}

TEST_CASE("input order breaks ties as alembic's load order does") {
  const RevisionGraph graph({rev("a"), rev("c", {"a"}), rev("b", {"a"})});
  CHECK(pending(graph, {}) == Ids{"a", "b", "c"});
}

TEST_CASE("merge of two heads counts once, also from a merge parent") {
  const RevisionGraph graph({rev("a"), rev("b", {"a"}), rev("c", {"a"}), rev("m", {"b", "c"})});
  CHECK(graph.heads() == Ids{"m"});
  CHECK(pending(graph, {}) == Ids{"a", "c", "b", "m"});
  CHECK(pending(graph, {"b"}) == Ids{"c", "m"});
  CHECK(pending(graph, {"c"}) == Ids{"b", "m"});
  CHECK(pending(graph, {"b", "c"}) == Ids{"m"});
  CHECK(pending(graph, {"m"}).empty());
}

TEST_CASE("merge of three heads") {
  const RevisionGraph graph({rev("a"), rev("b", {"a"}), rev("c", {"a"}), rev("d", {"a"}),
                             rev("e", {"d"}), rev("m", {"b", "c", "e"})});
  CHECK(graph.heads() == Ids{"m"});
  CHECK(pending(graph, {}) == Ids{"a", "d", "e", "c", "b", "m"});
  CHECK(pending(graph, {"b", "e"}) == Ids{"c", "m"});
  CHECK(pending(graph, {"d"}) == Ids{"e", "c", "b", "m"});
}

TEST_CASE("depends_on a branch label means the revision declaring it") {
  const RevisionGraph graph({rev("a", {}, {}, {"core"}), rev("b", {"a"}),
                             rev("x", {}, {}, {"plugin"}), rev("y", {"x"}, {"core"})});
  CHECK(graph.findings().empty());
  CHECK(graph.heads() == Ids{"b", "y"});
  CHECK(graph.bases() == Ids{"a", "x"});
  CHECK(pending(graph, {}) == Ids{"a", "x", "y", "b"});
  CHECK(pending(graph, {"x"}) == Ids{"a", "y", "b"});
  CHECK(pending(graph, {"y"}) == Ids{"b"});
}

TEST_CASE("depends_on a label in the middle of a branch") {
  const RevisionGraph graph({rev("a"), rev("b", {"a"}, {}, {"lab"}), rev("c", {"b"}), rev("x"),
                             rev("y", {"x"}, {"lab"})});
  CHECK(pending(graph, {}) == Ids{"a", "b", "x", "y", "c"});
  CHECK(pending(graph, {"y"}) == Ids{"c"});
  CHECK(pending(graph, {"b"}) == Ids{"x", "y", "c"});
}

TEST_CASE("depends_on a revision id: alembic heads still lists the dependency") {
  const RevisionGraph graph({rev("a"), rev("b", {"a"}), rev("x"), rev("y", {"x"}, {"b"})});
  CHECK(graph.heads() == Ids{"b", "y"});
  CHECK(pending(graph, {}) == Ids{"a", "b", "x", "y"});
  CHECK(pending(graph, {"x"}) == Ids{"a", "b", "y"});
  CHECK(pending(graph, {"b"}) == Ids{"x", "y"});
  CHECK(pending(graph, {"y"}).empty());
  CHECK(graph.plan_upgrade(Ids{"b"}).unreached_heads == Ids{"y"});
}

TEST_CASE("a dependency already depended on below is normalized away") {
  const RevisionGraph graph({rev("a"), rev("x"), rev("b", {"a"}, {"x"}), rev("c", {"b"}, {"x"})});
  CHECK(pending(graph, {}) == Ids{"x", "a", "b", "c"});
}

TEST_CASE("several bases") {
  const RevisionGraph graph({rev("a1"), rev("a2"), rev("b1", {"a1"}), rev("b2", {"a2"})});
  CHECK(graph.bases() == Ids{"a1", "a2"});
  CHECK(graph.heads() == Ids{"b1", "b2"});
  CHECK(pending(graph, {}) == Ids{"a2", "b2", "a1", "b1"});
  CHECK(pending(graph, {"b1"}) == Ids{"a2", "b2"});
  CHECK(pending(graph, {"a2", "b1"}) == Ids{"b2"});
}

TEST_CASE("empty script directory") {
  const RevisionGraph graph({});
  CHECK(graph.heads().empty());
  CHECK(graph.bases().empty());
  const UpgradePlan plan = graph.plan_upgrade(Ids{"abc"});
  CHECK(plan.unknown_revisions == Ids{"abc"});
  CHECK(plan.pending.empty());
}

TEST_CASE("unknown database revisions are listed and left out") {
  const RevisionGraph graph({rev("a"), rev("b", {"a"}), rev("c", {"b"})});
  const UpgradePlan plan = graph.plan_upgrade(Ids{"zz", "b", "0bad", "zz"});
  CHECK(plan.unknown_revisions == Ids{"0bad", "zz"});
  CHECK(plan.pending == Ids{"c"});
}

TEST_CASE("database revisions resolve like alembic: ids, branch labels, unique prefixes") {
  const RevisionGraph graph({rev("1a2b3c4d5e6f"), rev("1a2bffff0000", {"1a2b3c4d5e6f"}),
                             rev("9f8e7d6c5b4a", {"1a2bffff0000"}, {}, {"tip"})});
  CHECK(pending(graph, {"1a2b3c"}) == Ids{"1a2bffff0000", "9f8e7d6c5b4a"});
  CHECK(pending(graph, {"tip"}).empty());
  CHECK(graph.plan_upgrade(Ids{"1a2b"}).unknown_revisions == Ids{"1a2b"});  // ambiguous
  CHECK(graph.plan_upgrade(Ids{"9f8e"}).unknown_revisions.empty());
}

TEST_CASE("a duplicate id names both files; the byte-smallest path wins") {
  Revision copy = rev("b", {"a"});
  copy.path = "versions/zz_copy.py";
  Revision original = rev("b", {"a"});
  const RevisionGraph graph({rev("a"), copy, original, rev("c", {"b"})});
  REQUIRE(graph.findings().size() == 1);
  const ScriptFinding& finding = graph.findings().front();
  CHECK(finding.kind == ScriptFinding::Kind::duplicate_revision);
  CHECK(finding.path == "versions/zz_copy.py");
  CHECK(finding.line == 3);
  CHECK(finding.message.find("versions/b.py") != std::string::npos);
  CHECK(graph.revisions().size() == 4);
  CHECK(graph.find("b")->path == "versions/b.py");
  CHECK(graph.heads() == Ids{"c"});
  CHECK(pending(graph, {"a"}) == Ids{"b", "c"});
}

TEST_CASE("dangling down_revision and depends_on are findings and are ignored") {
  const RevisionGraph graph(
      {rev("a"), rev("b", {"a", "gone"}), rev("c", {"b"}, {"nowhere"}), rev("d", {"lab"})});
  REQUIRE(graph.findings().size() == 3);
  for (const auto& finding : graph.findings()) {
    CHECK(finding.kind == ScriptFinding::Kind::dangling_reference);
  }
  CHECK(graph.findings()[0].path == "versions/b.py");
  CHECK(graph.findings()[0].line == 4);
  CHECK(graph.findings()[0].message.find("gone") != std::string::npos);
  CHECK(graph.findings()[1].path == "versions/c.py");
  CHECK(graph.findings()[1].line == 5);
  CHECK(graph.findings()[2].path == "versions/d.py");
  CHECK(graph.heads() == Ids{"c", "d"});
  CHECK(graph.bases() == Ids{"a"});  // d names a parent, so alembic does not call it a base
  CHECK(pending(graph, {"a"}) == Ids{"d", "b", "c"});
}

TEST_CASE("a cycle is one finding, and planning still ends") {
  const RevisionGraph graph(
      {rev("a"), rev("b", {"a", "d"}), rev("c", {"b"}), rev("d", {"c"}), rev("e", {"d"})});
  REQUIRE(graph.findings().size() == 1);
  const ScriptFinding& finding = graph.findings().front();
  CHECK(finding.kind == ScriptFinding::Kind::cycle);
  CHECK(finding.path == "versions/b.py");
  CHECK(finding.line == 4);
  CHECK(finding.message.find("b, c, d") != std::string::npos);
  CHECK(graph.heads() == Ids{"e"});
  CHECK(pending(graph, {}).size() == 5);
  CHECK(pending(graph, {"a"}).size() == 4);
  CHECK(pending(graph, {"c"}) == Ids{"e"});  // everything in the cycle is below c
  CHECK(pending(graph, {"e"}).empty());
}

TEST_CASE("a dependency shared with a revision in a cycle is still applied") {
  const RevisionGraph graph({rev("a", {}, {"d"}), rev("d", {"a"}), rev("x", {"a"}, {"d"})});
  CHECK(graph.findings().size() == 1);
  Ids all = pending(graph, {});
  std::sort(all.begin(), all.end());
  CHECK(all == Ids{"a", "d", "x"});
}

TEST_CASE("a revision that is its own parent or dependency") {
  const RevisionGraph graph({rev("a"), rev("b", {"b"}), rev("c", {"a"}, {"c"})});
  REQUIRE(graph.findings().size() == 2);
  CHECK(graph.findings()[0].kind == ScriptFinding::Kind::cycle);
  CHECK(graph.findings()[0].path == "versions/b.py");
  CHECK(graph.findings()[0].line == 4);
  CHECK(graph.findings()[1].path == "versions/c.py");
  CHECK(graph.findings()[1].line == 5);
  CHECK(graph.findings()[1].message.find("depends_on") != std::string::npos);
  CHECK(graph.heads() == Ids{"c"});
  CHECK(pending(graph, {"a"}).size() == 2);
}

TEST_CASE("a branch label used twice or equal to an id") {
  const RevisionGraph graph(
      {rev("a", {}, {}, {"lab"}), rev("b", {"a"}, {}, {"lab"}), rev("c", {"b"}, {}, {"a"})});
  REQUIRE(graph.findings().size() == 2);
  CHECK(graph.findings()[0].kind == ScriptFinding::Kind::duplicate_branch_label);
  CHECK(graph.findings()[0].path == "versions/b.py");
  CHECK(graph.findings()[0].line == 6);
  CHECK(graph.findings()[1].path == "versions/c.py");
}

TEST_CASE("10 000 revisions with branches, merges and dependencies") {
  std::vector<Revision> revisions;
  revisions.push_back(rev("r0"));
  for (int index = 1; index < 10000; ++index) {
    const std::string id = "r" + std::to_string(index);
    if (index % 100 == 50) {
      revisions.push_back(
          rev(id, {"r" + std::to_string(index - 1), "r" + std::to_string(index - 40)}));
    } else if (index % 100 == 10) {
      revisions.push_back(rev(id, {"r" + std::to_string(index - 10)}));  // a side branch
    } else if (index % 97 == 0) {
      revisions.push_back(
          rev(id, {"r" + std::to_string(index - 1)}, {"r" + std::to_string(index - 90)}));
    } else {
      revisions.push_back(rev(id, {"r" + std::to_string(index - 1)}));
    }
  }
  const RevisionGraph graph(std::move(revisions));
  CHECK(graph.findings().empty());
  const Ids all = pending(graph, {});
  CHECK(all.size() == 10000);
  CHECK(all.front() == "r0");
  CHECK(pending(graph, {"r9999"}).size() < 10000);
}

TEST_CASE("issue 15: values only known at import time are warnings, not findings") {
  Revision contract = rev("c1", {"a"});
  contract.branch_labels_at_import = Revision::ImportTimeValue{5, 18, "labels unknown"};
  Revision expand = rev("e1", {"a"}, {"c1"});
  expand.depends_on_at_import = Revision::ImportTimeValue{9, 14, "depends unknown"};
  const RevisionGraph graph({rev("a"), contract, expand});
  CHECK(graph.findings().empty());
  REQUIRE(graph.warnings().size() == 2);
  CHECK(graph.warnings()[0].kind == ScriptFinding::Kind::dynamic_branch_labels);
  CHECK(graph.warnings()[0].path == "versions/c1.py");
  CHECK(graph.warnings()[0].line == 5);
  CHECK(graph.warnings()[0].column == 18);
  CHECK(graph.warnings()[1].kind == ScriptFinding::Kind::dynamic_depends_on);
  CHECK(is_warning(graph.warnings()[1].kind));
  CHECK_FALSE(is_warning(ScriptFinding::Kind::dangling_reference));
  // The known part still counts: e1 depends on c1, so a database at e1 has c1 too.
  CHECK(pending(graph, {"e1"}).empty());
  CHECK(graph.heads() == Ids{"c1", "e1"});
}

TEST_CASE("issue 15: a reference to a label set at import time is an error that says so") {
  Revision contract = rev("c1", {"a"});
  contract.branch_labels_at_import = Revision::ImportTimeValue{5, 18, "labels unknown"};
  const RevisionGraph graph({rev("a"), contract, rev("e1", {"a"}, {"contract"})});
  REQUIRE(graph.findings().size() == 1);
  CHECK(graph.findings()[0].kind == ScriptFinding::Kind::dangling_reference);
  CHECK(graph.findings()[0].message ==
        "depends_on contract of revision e1 is neither a revision id nor a branch label in the "
        "script directory; it may be a label set at import time: the branch_labels of revision "
        "c1 are only known when alembic imports the file");
  // Without an import-time label anywhere, the message stays as it was.
  const RevisionGraph plain({rev("a"), rev("e1", {"a"}, {"contract"})});
  CHECK(plain.findings()[0].message ==
        "depends_on contract of revision e1 is neither a revision id nor a branch label in the "
        "script directory");
}

}  // namespace
}  // namespace alembic_exporter::alembic
