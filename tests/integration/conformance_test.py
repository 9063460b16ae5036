"""alembic_exporter agrees with alembic 1.8.1 on heads and on what `upgrade heads` would apply.

Trees come from harness.tree_generator (built by the real alembic); the expected answers from
harness.alembic_oracle (alembic in-process, cross-checked here against `alembic upgrade --sql`).
Every tree is asked from many database states: none, every single revision, every pair of heads,
all heads, and random antichains (sets where no revision is below another: what a version table
can hold).
"""

import itertools
import json
import os
import random
import subprocess
import tempfile
import unittest

from harness import tree_generator
from harness.alembic_oracle import Oracle, OracleError, load, upgrade_sql_order

SEED = int(os.environ.get("CONFORMANCE_SEED", "1"))
_trees = None


def setUpModule():
    global _trees, _work
    _work = tempfile.TemporaryDirectory(prefix="conformance.")
    _trees = [(tree, Oracle(load(script_location=tree.script_location,
                                 version_locations=tree.version_locations)))
              for tree in tree_generator.all_trees(_work.name, SEED)]


def tearDownModule():
    _work.cleanup()


def current_sets(oracle, rng, antichains=30):
    revisions = oracle.revisions()
    heads = oracle.heads()
    sets = [[]] + [[revision] for revision in revisions]
    sets += [list(pair) for pair in itertools.combinations(heads, 2)]
    if len(heads) > 2:
        sets.append(heads)
    below = {revision: oracle.ancestors_or_self(revision) for revision in revisions}
    for _ in range(antichains * 10):
        if antichains == 0 or len(revisions) < 3:
            break
        pick = rng.sample(revisions, rng.choice([2, 3, 4]))
        if all(a not in below[b] for a in pick for b in pick if a != b):
            sets.append(pick)
            antichains -= 1
    return sets


def expected_state(heads, current, pending):
    if len(heads) > 1:
        return "diverged"
    if not current:
        return "no_revision"
    return "behind" if pending else "up_to_date"


def run_status(tree, current):
    command = [os.environ["ALEMBIC_EXPORTER"], "status", "--script-location", tree.script_location,
               "--current", ",".join(current) or "none", "--output", "json"]
    if tree.version_locations:
        command += ["--version-locations", ",".join(tree.version_locations)]
    return subprocess.run(command, capture_output=True, text=True)


class OracleAndGeneratorTest(unittest.TestCase):
    """The parts that do not need alembic_exporter: the trees and the oracle itself."""

    def test_oracle_order_is_what_alembic_upgrade_sql_runs(self):
        rng = random.Random(SEED)
        for tree, oracle in _trees:
            starts = [None] + rng.sample(oracle.revisions(), 2)
            for start in starts:
                with self.subTest(tree=tree.name, start=start):
                    self.assertEqual(upgrade_sql_order(tree.ini, start),
                                     oracle.pending([start] if start else []))

    def test_trees_have_their_shapes(self):
        shapes = {tree.name: oracle for tree, oracle in _trees}
        revisions = {name: [oracle.map.get_revision(rev) for rev in oracle.revisions()]
                     for name, oracle in shapes.items()}
        counts = {name: (len(revisions[name]), len(oracle.heads()), len(oracle.script.get_bases()))
                  for name, oracle in shapes.items()}
        self.assertEqual(counts["linear"], (4, 1, 1))
        self.assertEqual(counts["merges"], (10, 1, 1))
        self.assertEqual(counts["labels"], (6, 2, 2))
        self.assertEqual(counts["unmerged"], (4, 3, 2))
        self.assertEqual(counts["paths"], (4, 2, 2))
        self.assertEqual(counts["messy"], (7, 2, 1))
        self.assertEqual(counts[f"random_{SEED}"][0], 300)
        self.assertIn(3, [len(rev._versioned_down_revisions) for rev in revisions["merges"]])
        self.assertEqual(sorted(shapes["messy"].heads()), ["last0001", "nodoc1"])
        random_revisions = revisions[f"random_{SEED}"]
        self.assertIn(3, [len(rev._versioned_down_revisions) for rev in random_revisions])
        self.assertGreater(sum(1 for rev in random_revisions if rev.dependencies), 5)
        self.assertGreater(sum(1 for rev in random_revisions if rev.branch_labels), 5)
        paths = [rev.path for rev in revisions["paths"]]
        self.assertTrue(any(os.sep + "nested" + os.sep in path for path in paths))
        self.assertTrue(any("extra_versions" in path for path in paths))

    def test_random_trees_follow_the_seed(self):
        with tempfile.TemporaryDirectory() as work:
            first = tree_generator.random_dag(os.path.join(work, "a"), 7, size=30)
            again = tree_generator.random_dag(os.path.join(work, "b"), 7, size=30)
            ids = [sorted(Oracle(load(script_location=tree.script_location)).revisions())
                   for tree in (first, again)]
            self.assertEqual(ids[0], ids[1])

    def test_alembic_refuses_unknown_and_overlapping_revisions(self):
        tree, oracle = next((tree, oracle) for tree, oracle in _trees if tree.name == "linear")
        with self.assertRaises(OracleError):
            oracle.pending(["0badc0ffee00"])
        revisions = oracle.revisions()
        with self.assertRaises(OracleError):
            oracle.pending([revisions[0], revisions[-1]])


class ConformanceTest(unittest.TestCase):
    """`alembic_exporter status --current` against the oracle."""

    def setUp(self):
        probe = run_status(_trees[0][0], [])
        if probe.returncode == 64:
            self.skipTest("alembic_exporter status has no --script-location/--current yet: "
                          + probe.stderr.strip()[:200])

    def status(self, tree, current):
        result = run_status(tree, current)
        self.assertIn(result.returncode, (0, 1, 2), result.stderr)
        document = json.loads(result.stdout)
        self.assertEqual(len(document["components"]), 1)
        return document["components"][0]

    def test_heads_and_pending_match_alembic(self):
        rng = random.Random(SEED)
        for tree, oracle in _trees:
            heads = oracle.heads()
            deterministic = oracle.order_is_deterministic()
            for current in current_sets(oracle, rng):
                with self.subTest(tree=tree.name, current=current):
                    expected = oracle.pending(current)
                    component = self.status(tree, current)
                    self.assertEqual(component["script"]["errors"], [])
                    self.assertEqual([head["revision"] for head in component["heads"]], heads)
                    pending = [entry["revision"] for entry in component["pending_revisions"]]
                    if deterministic:
                        self.assertEqual(pending, expected)
                    else:
                        self.assertEqual(sorted(pending), sorted(expected))
                    self.assertEqual(component["pending"], len(expected))
                    self.assertEqual(component["state"],
                                     expected_state(heads, current, expected))
                    for entry in component["pending_revisions"]:
                        doc = oracle.message(entry["revision"])
                        if "\n" not in doc:
                            self.assertEqual(entry["message"] or "", doc)

    def test_recursive_version_locations_find_nested_revisions(self):
        # alembic 1.8.1 cannot walk subdirectories: it is given the nested one explicitly, and
        # walks in its own listing order, so only the sets are compared.
        tree = next(tree for tree, _ in _trees if tree.name == "paths")
        versions = os.path.join(tree.script_location, "versions")
        oracle = Oracle(load(script_location=tree.script_location,
                             version_locations=[versions, os.path.join(versions, "nested")]))
        result = subprocess.run(
            [os.environ["ALEMBIC_EXPORTER"], "status", "--script-location", tree.script_location,
             "--recursive-version-locations", "--current", "none", "--output", "json"],
            capture_output=True, text=True)
        component = json.loads(result.stdout)["components"][0]
        self.assertEqual(component["script"]["errors"], [])
        self.assertEqual([head["revision"] for head in component["heads"]], oracle.heads())
        self.assertEqual(sorted(entry["revision"] for entry in component["pending_revisions"]),
                         sorted(oracle.pending([])))
        self.assertEqual(component["script"]["revisions"], 2)

    def test_unknown_database_revision(self):
        tree, _ = _trees[0]
        component = self.status(tree, ["0badc0ffee00"])
        self.assertEqual(component["state"], "unknown_revision")


if __name__ == "__main__":
    unittest.main()
