#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "collectors/alembic/revision.hpp"

namespace alembic_exporter::alembic {

/// What `alembic upgrade heads` would do from a set of database revisions.
struct UpgradePlan {
  /// Database revisions that resolve to no script revision (byte order). They are left out of
  /// `pending`, which is then computed from the known ones only (alembic itself refuses to run).
  std::vector<std::string> unknown_revisions;
  /// Revisions `alembic upgrade heads` applies, in alembic 1.8.1's apply order; merges count once.
  std::vector<std::string> pending;
  /// `heads()` that are not at or below the database revisions (byte order).
  std::vector<std::string> unreached_heads;
};

/// Immutable graph over parsed revisions, mirroring alembic 1.8.1's `RevisionMap`.
///
/// Problems are `findings()`, never exceptions; the graph still answers where alembic's answer is
/// defined:
/// * duplicate ids: the file with the byte-smallest path wins, the others are ignored;
/// * dangling `down_revision`/`depends_on` references (alembic raises KeyError) are dropped;
/// * cycles and self-parents (alembic raises CycleDetected/LoopDetected): heads, bases and the
///   pending set see every edge (all of a cycle is below each of its members); only the apply
///   order leaves out the edges inside each cycle, so that it is defined and always ends;
/// * a branch label declared twice or equal to a revision id (alembic raises RevisionError):
///   the first declaration in input order wins.
///
/// Resolution as in alembic: `down_revision` names revision ids only; `depends_on` names revision
/// ids or branch labels (a label stands for the revision declaring it), never partial ids; database
/// revisions are ids, branch labels or unique prefixes of them (keys longer than 3 characters), as
/// `RevisionMap.get_revisions` resolves them.
///
/// The input order of `revisions` is alembic's load order (`os.listdir` order per version
/// location); `plan_upgrade()` uses it to break ties exactly as alembic's `_topological_sort` does.
class RevisionGraph {
 public:
  explicit RevisionGraph(std::vector<Revision> revisions);
  // Indices hold string_views into `revisions_`, and the lazily sorted keys a once_flag: a graph
  // is made in place and shared (std::shared_ptr<const RevisionGraph>), never copied or moved.
  RevisionGraph(const RevisionGraph&) = delete;
  RevisionGraph& operator=(const RevisionGraph&) = delete;

  /// Every revision given, duplicates included, in input order.
  const std::vector<Revision>& revisions() const { return revisions_; }
  /// Errors: the graph is not what alembic would build.
  const std::vector<ScriptFinding>& findings() const { return findings_; }
  /// Warnings (`is_warning`): values only known at import time, read as far as they are known.
  const std::vector<ScriptFinding>& warnings() const { return warnings_; }
  /// The revision with exactly this id, or nullptr.
  const Revision* find(std::string_view id) const;
  /// Revisions no other revision names in `down_revision` (what `alembic heads` prints), byte
  /// order.
  std::vector<std::string> heads() const;
  /// Revisions without `down_revision` (`depends_on` does not count, as in alembic), byte order.
  std::vector<std::string> bases() const;
  /// Pending = ancestors-or-self of all heads minus ancestors-or-self of the database revisions,
  /// following `down_revision` and `depends_on`; ordered as `alembic upgrade heads` applies them
  /// (`ScriptDirectory._upgrade_revs("heads", current)`). Where alembic iterates a Python set (a
  /// revision with two or more effective `depends_on` entries) its order is not reproducible;
  /// those dependencies are taken in the order written.
  UpgradePlan plan_upgrade(std::span<const std::string> database_revisions) const;

 private:
  using Index = std::uint32_t;

  /// Edges as one flat array per kind: targets of node `i` are `[offsets[i], offsets[i + 1])`.
  struct Adjacency {
    std::vector<Index> offsets;
    std::vector<Index> targets;
    std::span<const Index> of(Index node) const {
      return {targets.data() + offsets[node], targets.data() + offsets[node + 1]};
    }
  };

  void index_revisions();
  void map_branch_labels();
  void resolve_references();
  /// Reports cycles; returns the strongly connected component of every node.
  std::vector<Index> detect_cycles();
  void build_plan_edges(const std::vector<Index>& component);
  std::vector<Index> normalized_dependencies(Index node, const std::vector<Index>& dependents,
                                             std::vector<Index>& stamp) const;
  std::int64_t resolve_database_revision(std::string_view revision) const;
  std::vector<char> ancestors_or_self(std::span<const Index> starts) const;
  std::vector<std::string> apply_order(const std::vector<char>& todo) const;
  void add_finding(ScriptFinding::Kind kind, Index node, int line, std::string message);
  void collect_warnings();
  /// For a dangling `depends_on`: which revisions set their branch labels at import time.
  std::string import_time_labels_note() const;

  std::vector<Revision> revisions_;
  std::vector<ScriptFinding> findings_;
  std::vector<ScriptFinding> warnings_;
  /// False for the losing copies of a duplicate id.
  std::vector<char> active_;
  std::unordered_map<std::string_view, Index> by_id_;
  std::unordered_map<std::string_view, Index> by_label_;
  /// Ids and branch labels, sorted, for prefix lookups of database revisions: made by the first
  /// lookup that needs one (a database holding an abbreviated id), not with the graph, of whose
  /// construction sorting them was most (22 of 25 M instructions at 10 000 revisions).
  const std::vector<std::pair<std::string_view, Index>>& sorted_keys() const;
  mutable std::once_flag sorted_keys_made_;
  mutable std::vector<std::pair<std::string_view, Index>> sorted_keys_;
  /// Resolved `down_revision` and `depends_on` edges, cycles included.
  Adjacency down_;
  Adjacency depends_;
  /// Acyclic edges to plan with: alembic's `_versioned_down_revisions`, `_all_down_revisions`,
  /// `_normalized_down_revisions`, and the reverse of `all_parents_`.
  Adjacency versioned_parents_;
  Adjacency all_parents_;
  Adjacency normalized_parents_;
  Adjacency children_;
  std::vector<Index> heads_;  ///< byte order of ids
  std::vector<std::string> bases_;
  /// Nodes without children in the plan graph: alembic's `_real_heads`, in input order.
  std::vector<Index> real_heads_;
};

}  // namespace alembic_exporter::alembic
