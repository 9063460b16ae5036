#include "collectors/alembic/revision_graph.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "collectors/alembic/joined.hpp"

namespace alembic_exporter::alembic {
namespace {

using Index = std::uint32_t;
constexpr Index none = std::numeric_limits<Index>::max();

bool contains(std::span<const Index> nodes, Index node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

/// Strongly connected components (Tarjan, iterative so that long histories cannot overflow the
/// stack). Returns the component of every node; `cyclic[c]` says whether component c has a cycle.
template <typename Parents>
std::vector<Index> strongly_connected_components(std::size_t count, Parents parents,
                                                 std::vector<char>& cyclic) {
  std::vector<Index> component(count, none);
  std::vector<Index> order(count, none);
  std::vector<Index> low(count, 0);
  std::vector<char> on_stack(count, 0);
  std::vector<Index> stack;
  std::vector<std::pair<Index, std::size_t>> frames;  // node, next edge to visit
  Index next_order = 0;
  Index components = 0;
  for (Index root = 0; root < count; ++root) {
    if (order[root] != none) continue;
    frames.emplace_back(root, 0);
    order[root] = low[root] = next_order++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!frames.empty()) {
      auto& [node, edge] = frames.back();
      const std::span<const Index> edges = parents(node);
      if (edge < edges.size()) {
        const Index next = edges[edge++];
        if (order[next] == none) {
          order[next] = low[next] = next_order++;
          stack.push_back(next);
          on_stack[next] = 1;
          frames.emplace_back(next, 0);
        } else if (on_stack[next]) {
          low[node] = std::min(low[node], order[next]);
        }
        continue;
      }
      const Index finished = node;
      frames.pop_back();
      if (!frames.empty()) {
        low[frames.back().first] = std::min(low[frames.back().first], low[finished]);
      }
      if (low[finished] != order[finished]) continue;
      std::size_t members = 0;
      Index member;
      do {
        member = stack.back();
        stack.pop_back();
        on_stack[member] = 0;
        component[member] = components;
        ++members;
      } while (member != finished);
      cyclic.push_back(members > 1 || contains(parents(finished), finished));
      ++components;
    }
  }
  return component;
}

}  // namespace

RevisionGraph::RevisionGraph(std::vector<Revision> revisions)
    : revisions_(std::move(revisions)), active_(revisions_.size(), 1) {
  index_revisions();
  map_branch_labels();
  resolve_references();
  build_plan_edges(detect_cycles());
  collect_warnings();

  const auto count = static_cast<Index>(revisions_.size());
  std::vector<char> has_versioned_child(count, 0);
  for (const Index parent : down_.targets) has_versioned_child[parent] = 1;
  for (Index node = 0; node < count; ++node) {
    if (!active_[node]) continue;
    if (!has_versioned_child[node]) heads_.push_back(node);
    if (revisions_[node].down_revisions.empty()) bases_.push_back(revisions_[node].id);
    if (children_.of(node).empty()) real_heads_.push_back(node);
  }
  std::sort(heads_.begin(), heads_.end(),
            [this](Index a, Index b) { return revisions_[a].id < revisions_[b].id; });
  std::sort(bases_.begin(), bases_.end());
  std::sort(findings_.begin(), findings_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.column, a.message) <
           std::tie(b.path, b.line, b.column, b.message);
  });
}

std::vector<RevisionGraph::Index> RevisionGraph::detect_cycles() {
  const auto count = static_cast<Index>(revisions_.size());
  // Both kinds of edge: alembic detects cycles through down_revision and depends_on alike.
  Adjacency references;
  references.offsets.assign(1, 0);
  for (Index node = 0; node < count; ++node) {
    references.targets.insert(references.targets.end(), down_.of(node).begin(),
                              down_.of(node).end());
    references.targets.insert(references.targets.end(), depends_.of(node).begin(),
                              depends_.of(node).end());
    references.offsets.push_back(static_cast<Index>(references.targets.size()));
  }
  std::vector<char> cyclic;
  std::vector<Index> component = strongly_connected_components(
      count, [&references](Index node) { return references.of(node); }, cyclic);

  std::map<Index, std::vector<Index>> cycles;
  for (Index node = 0; node < count; ++node) {
    if (cyclic[component[node]]) cycles[component[node]].push_back(node);
  }
  for (const auto& [scc, members] : cycles) {
    std::vector<std::string_view> ids;
    Index reported = members.front();
    for (const Index member : members) {
      ids.push_back(revisions_[member].id);
      if (revisions_[member].path < revisions_[reported].path) reported = member;
    }
    std::sort(ids.begin(), ids.end());
    const auto parents = down_.of(reported);
    const bool through_down = std::any_of(parents.begin(), parents.end(), [&](Index parent) {
      return component[parent] == component[reported];
    });
    const Revision& at = revisions_[reported];
    add_finding(ScriptFinding::Kind::cycle, reported,
                through_down ? at.lines.down_revision : at.lines.depends_on,
                members.size() == 1
                    ? "revision " + at.id + " names itself in " +
                          (through_down ? "down_revision" : "depends_on")
                    : "cycle through down_revision/depends_on among revisions " + joined(ids));
  }
  return component;
}

void RevisionGraph::add_finding(ScriptFinding::Kind kind, Index node, int line,
                                std::string message) {
  findings_.push_back({kind, revisions_[node].path, line, 0, std::move(message)});
}

void RevisionGraph::index_revisions() {
  const auto count = static_cast<Index>(revisions_.size());
  by_id_.reserve(count);
  // The byte-smallest path keeps a duplicated id, so that the outcome does not depend on the
  // directory listing order (alembic keeps whichever file it happens to list last).
  for (Index node = 0; node < count; ++node) {
    const auto [it, inserted] = by_id_.try_emplace(revisions_[node].id, node);
    if (!inserted && revisions_[node].path < revisions_[it->second].path) it->second = node;
  }
  for (Index node = 0; node < count; ++node) {
    const Index kept = by_id_.at(revisions_[node].id);
    if (kept == node) continue;
    active_[node] = 0;
    add_finding(
        ScriptFinding::Kind::duplicate_revision, node, revisions_[node].lines.revision,
        "revision id " + revisions_[node].id + " is also defined in " + revisions_[kept].path);
  }
}

void RevisionGraph::map_branch_labels() {
  const auto count = static_cast<Index>(revisions_.size());
  for (Index node = 0; node < count; ++node) {
    if (!active_[node]) continue;
    for (const auto& label : revisions_[node].branch_labels) {
      const auto id = by_id_.find(label);
      const auto taken = by_label_.find(label);
      if (id == by_id_.end() && taken == by_label_.end()) {
        by_label_.emplace(label, node);
        continue;
      }
      const Index owner = id != by_id_.end() ? id->second : taken->second;
      add_finding(ScriptFinding::Kind::duplicate_branch_label, node,
                  revisions_[node].lines.branch_labels,
                  "branch label " + label + " of revision " + revisions_[node].id +
                      " is already used by revision " + revisions_[owner].id);
    }
  }
}

const std::vector<std::pair<std::string_view, RevisionGraph::Index>>& RevisionGraph::sorted_keys()
    const {
  std::call_once(sorted_keys_made_, [this] {
    sorted_keys_.reserve(by_id_.size() + by_label_.size());
    for (const auto& [id, node] : by_id_) sorted_keys_.emplace_back(id, node);
    for (const auto& [label, node] : by_label_) sorted_keys_.emplace_back(label, node);
    std::sort(sorted_keys_.begin(), sorted_keys_.end());
  });
  return sorted_keys_;
}

void RevisionGraph::resolve_references() {
  const auto count = static_cast<Index>(revisions_.size());
  down_.offsets.assign(1, 0);
  depends_.offsets.assign(1, 0);
  for (Index node = 0; node < count; ++node) {
    const Revision& revision = revisions_[node];
    if (active_[node]) {
      for (const auto& parent : revision.down_revisions) {
        if (const auto it = by_id_.find(parent); it != by_id_.end()) {
          down_.targets.push_back(it->second);
        } else {
          add_finding(ScriptFinding::Kind::dangling_reference, node, revision.lines.down_revision,
                      "down_revision " + parent + " of revision " + revision.id +
                          " is not a revision id in the script directory");
        }
      }
      for (const auto& dependency : revision.depends_on) {
        if (const auto it = by_id_.find(dependency); it != by_id_.end()) {
          depends_.targets.push_back(it->second);
        } else if (const auto label = by_label_.find(dependency); label != by_label_.end()) {
          depends_.targets.push_back(label->second);
        } else {
          add_finding(ScriptFinding::Kind::dangling_reference, node, revision.lines.depends_on,
                      "depends_on " + dependency + " of revision " + revision.id +
                          " is neither a revision id nor a branch label in the script directory" +
                          import_time_labels_note());
        }
      }
    }
    down_.offsets.push_back(static_cast<Index>(down_.targets.size()));
    depends_.offsets.push_back(static_cast<Index>(depends_.targets.size()));
  }
}

void RevisionGraph::collect_warnings() {
  for (Index node = 0; node < revisions_.size(); ++node) {
    if (!active_[node]) continue;
    const Revision& revision = revisions_[node];
    for (const auto& [kind, value] :
         {std::pair(ScriptFinding::Kind::dynamic_branch_labels, &revision.branch_labels_at_import),
          std::pair(ScriptFinding::Kind::dynamic_depends_on, &revision.depends_on_at_import)}) {
      if (*value)
        warnings_.push_back(
            {kind, revision.path, (*value)->line, (*value)->column, (*value)->message});
    }
  }
  std::sort(warnings_.begin(), warnings_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.column, a.message) <
           std::tie(b.path, b.line, b.column, b.message);
  });
}

std::string RevisionGraph::import_time_labels_note() const {
  std::vector<std::string_view> setters;
  for (Index node = 0; node < revisions_.size(); ++node) {
    if (active_[node] && revisions_[node].branch_labels_at_import) {
      setters.push_back(revisions_[node].id);
    }
  }
  if (setters.empty()) return {};
  std::sort(setters.begin(), setters.end());
  return "; it may be a label set at import time: the branch_labels of revision " +
         joined(setters) + " are only known when alembic imports the file";
}

void RevisionGraph::build_plan_edges(const std::vector<Index>& component) {
  const auto count = static_cast<Index>(revisions_.size());
  // An edge inside a strongly connected component closes a cycle; leaving those out keeps every
  // traversal below finite while all other edges still count.
  const auto append = [&component](Adjacency& adjacency, std::size_t begin, Index node,
                                   Index parent) {
    if (component[node] == component[parent]) return;
    const auto first = adjacency.targets.begin() + static_cast<std::ptrdiff_t>(begin);
    if (std::find(first, adjacency.targets.end(), parent) == adjacency.targets.end()) {
      adjacency.targets.push_back(parent);
    }
  };

  versioned_parents_.offsets.assign(1, 0);
  all_parents_.offsets.assign(1, 0);
  for (Index node = 0; node < count; ++node) {
    const std::size_t versioned = versioned_parents_.targets.size();
    const std::size_t all = all_parents_.targets.size();
    for (const Index parent : down_.of(node)) {
      append(versioned_parents_, versioned, node, parent);
      append(all_parents_, all, node, parent);
    }
    for (const Index parent : depends_.of(node)) append(all_parents_, all, node, parent);
    versioned_parents_.offsets.push_back(static_cast<Index>(versioned_parents_.targets.size()));
    all_parents_.offsets.push_back(static_cast<Index>(all_parents_.targets.size()));
  }

  children_.offsets.assign(count + 1, 0);
  for (const Index parent : all_parents_.targets) ++children_.offsets[parent + 1];
  for (Index node = 0; node < count; ++node) children_.offsets[node + 1] += children_.offsets[node];
  children_.targets.resize(all_parents_.targets.size());
  std::vector<Index> fill(children_.offsets.begin(), children_.offsets.end() - 1);
  for (Index node = 0; node < count; ++node) {
    for (const Index parent : all_parents_.of(node)) children_.targets[fill[parent]++] = node;
  }

  std::vector<Index> dependents(count, 0);
  for (const Index dependency : depends_.targets) ++dependents[dependency];
  std::vector<Index> stamp(count, 0);
  normalized_parents_.offsets.assign(1, 0);
  for (Index node = 0; node < count; ++node) {
    const std::size_t begin = normalized_parents_.targets.size();
    for (const Index parent : versioned_parents_.of(node)) {
      append(normalized_parents_, begin, node, parent);
    }
    for (const Index parent : normalized_dependencies(node, dependents, stamp)) {
      append(normalized_parents_, begin, node, parent);
    }
    normalized_parents_.offsets.push_back(static_cast<Index>(normalized_parents_.targets.size()));
  }
}

// alembic's `_normalize_depends_on`: a dependency that a revision below (along down_revision only)
// depends on too is dropped, which changes where `_topological_sort` walks next.
std::vector<RevisionGraph::Index> RevisionGraph::normalized_dependencies(
    Index node, const std::vector<Index>& dependents, std::vector<Index>& stamp) const {
  std::vector<Index> kept;
  bool shared = false;
  for (const Index dependency : depends_.of(node)) {
    if (!contains(all_parents_.of(node), dependency) || contains(kept, dependency)) continue;
    kept.push_back(dependency);
    shared = shared || dependents[dependency] > 1;
  }
  if (!shared) return kept;
  const Index generation = node + 1;
  std::vector<Index> todo(versioned_parents_.of(node).begin(), versioned_parents_.of(node).end());
  while (!todo.empty() && !kept.empty()) {
    const Index ancestor = todo.back();
    todo.pop_back();
    if (stamp[ancestor] == generation) continue;
    stamp[ancestor] = generation;
    // Only an edge the plan keeps may stand in for this one; an edge closing a cycle is gone.
    std::erase_if(kept, [&](Index dependency) {
      return contains(depends_.of(ancestor), dependency) &&
             contains(all_parents_.of(ancestor), dependency);
    });
    for (const Index parent : versioned_parents_.of(ancestor)) todo.push_back(parent);
  }
  return kept;
}

const Revision* RevisionGraph::find(std::string_view id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &revisions_[it->second];
}

std::vector<std::string> RevisionGraph::heads() const {
  std::vector<std::string> ids;
  ids.reserve(heads_.size());
  for (const Index node : heads_) ids.push_back(revisions_[node].id);
  return ids;
}

std::vector<std::string> RevisionGraph::bases() const { return bases_; }

// `RevisionMap._revision_for_ident`: an exact id or branch label, else the one key (id or label)
// longer than three characters that starts with `revision`.
std::int64_t RevisionGraph::resolve_database_revision(std::string_view revision) const {
  if (const auto it = by_id_.find(revision); it != by_id_.end()) return it->second;
  if (const auto it = by_label_.find(revision); it != by_label_.end()) return it->second;
  if (revision.empty()) return -1;
  std::int64_t found = -1;
  const auto& keys = sorted_keys();
  auto it =
      std::lower_bound(keys.begin(), keys.end(), std::pair<std::string_view, Index>(revision, 0));
  for (; it != keys.end() && it->first.starts_with(revision); ++it) {
    if (it->first.size() <= 3) continue;
    if (found >= 0) return -1;
    found = it->second;
  }
  return found;
}

std::vector<char> RevisionGraph::ancestors_or_self(std::span<const Index> starts) const {
  std::vector<char> seen(revisions_.size(), 0);
  std::vector<Index> todo(starts.begin(), starts.end());
  while (!todo.empty()) {
    const Index node = todo.back();
    todo.pop_back();
    if (seen[node]) continue;
    seen[node] = 1;
    // Every edge, cycles included: what is below a revision in a cycle is the whole cycle.
    for (const Index parent : down_.of(node)) {
      if (!seen[parent]) todo.push_back(parent);
    }
    for (const Index parent : depends_.of(node)) {
      if (!seen[parent]) todo.push_back(parent);
    }
  }
  return seen;
}

UpgradePlan RevisionGraph::plan_upgrade(std::span<const std::string> database_revisions) const {
  UpgradePlan plan;
  std::vector<Index> current;
  for (const auto& revision : database_revisions) {
    const std::int64_t node = resolve_database_revision(revision);
    if (node < 0) {
      plan.unknown_revisions.push_back(revision);
    } else {
      current.push_back(static_cast<Index>(node));
    }
  }
  std::sort(plan.unknown_revisions.begin(), plan.unknown_revisions.end());
  plan.unknown_revisions.erase(
      std::unique(plan.unknown_revisions.begin(), plan.unknown_revisions.end()),
      plan.unknown_revisions.end());

  const std::vector<char> applied = ancestors_or_self(current);
  std::vector<char> todo(revisions_.size(), 0);
  for (std::size_t node = 0; node < revisions_.size(); ++node) {
    todo[node] = active_[node] && !applied[node];
  }
  plan.pending = apply_order(todo);
  for (const Index head : heads_) {
    if (!applied[head]) plan.unreached_heads.push_back(revisions_[head].id);
  }
  return plan;
}

// alembic's `_topological_sort` followed by `reversed()` in `_upgrade_revs`. alembic keeps the
// ancestor set of every head it walks and recomputes it at each merge, which is quadratic; this
// uses two facts instead: `todo` is closed under descendants, so a candidate is held back by
// another head exactly when one of its children is not emitted yet, and the head alembic then
// switches to is the first in list order among the candidate's not yet emitted descendants.
std::vector<std::string> RevisionGraph::apply_order(const std::vector<char>& todo) const {
  const auto count = static_cast<Index>(revisions_.size());
  std::vector<char> waiting(todo);
  std::vector<Index> unemitted_children(count, 0);
  for (Index node = 0; node < count; ++node) {
    if (todo[node]) unemitted_children[node] = static_cast<Index>(children_.of(node).size());
  }
  std::vector<char> is_head(count, 0);
  std::vector<Index> heads;
  for (const Index head : real_heads_) {
    if (todo[head]) {
      heads.push_back(head);
      is_head[head] = 1;
    }
  }

  std::vector<Index> above(count, 0);
  Index generation = 0;
  std::vector<Index> walk;
  const auto first_head_above = [&](Index candidate, std::size_t own) -> std::size_t {
    ++generation;
    const std::size_t first_possible = own == 0 ? 1 : 0;
    walk.assign(1, candidate);
    while (!walk.empty()) {
      const Index node = walk.back();
      walk.pop_back();
      if (above[node] == generation) continue;
      above[node] = generation;
      if (first_possible < heads.size() && node == heads[first_possible]) return first_possible;
      for (const Index child : children_.of(node)) {
        if (waiting[child] && above[child] != generation) walk.push_back(child);
      }
    }
    for (std::size_t index = 0; index < heads.size(); ++index) {
      if (index != own && above[heads[index]] == generation) return index;
    }
    return own;
  };

  std::vector<std::string> order;
  std::size_t current = 0;
  while (!heads.empty()) {
    const Index candidate = heads[current];
    if (unemitted_children[candidate] > 0) {
      const std::size_t next = first_head_above(candidate, current);
      if (next != current) {
        current = next;
        continue;
      }
    }
    order.push_back(revisions_[candidate].id);
    waiting[candidate] = 0;
    is_head[candidate] = 0;
    for (const Index parent : all_parents_.of(candidate)) {
      if (todo[parent]) --unemitted_children[parent];
    }
    std::vector<Index> added;
    for (const Index parent : normalized_parents_.of(candidate)) {
      if (waiting[parent] && !is_head[parent]) added.push_back(parent);
    }
    if (added.empty()) {
      heads.erase(heads.begin() + static_cast<std::ptrdiff_t>(current));
      current = current > 0 ? current - 1 : 0;
      continue;
    }
    heads[current] = added.front();
    heads.insert(heads.end(), added.begin() + 1, added.end());
    for (const Index parent : added) is_head[parent] = 1;
  }
  std::reverse(order.begin(), order.end());
  return order;
}

}  // namespace alembic_exporter::alembic
