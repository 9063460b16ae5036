"""Issue 15: trees whose revision attributes are computed at import time, checked against alembic.

Each tree is hand-written with a shape seen in public projects: expand/contract labels imported
from the application package (a small package put on sys.path, as the application would be),
`depends_on = ""`, a depends_on list built at module level partly inside try/except ImportError,
`+=`, annotated assignments, strings where tuples are usual. alembic 1.8.1 loads each tree
in-process (the oracle); `alembic_exporter status --current` must give the same heads, pending set
and apply order from every database state conformance_test.py asks, with no script error and
the expected warnings. Two shapes alembic accepts stay errors here, by design (a `revision` only
known at import time, a depends_on naming a label only known at import time); their messages are
checked.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import unittest

from conformance_test import current_sets, expected_state, run_status
from harness.alembic_oracle import Oracle, OracleError, load
from harness.tree_generator import MIGRATION_FUNCTIONS, Tree

# The application package the expand/contract revisions import their labels from.
LABELS_PACKAGE = {
    "exporter_fixture_app/__init__.py": "",
    "exporter_fixture_app/migration.py": 'EXPAND_BRANCH = "expand"\nCONTRACT_BRANCH = "contract"\n',
}

TREES = {
    "expand_contract": {
        "a0_base.py": """
            revision = "a0"
            down_revision = None
            """,
        "e1_expand.py": """
            from exporter_fixture_app import migration

            revision = "e1"
            down_revision = "a0"
            branch_labels = (migration.EXPAND_BRANCH,)
            """,
        "c1_contract.py": """
            from exporter_fixture_app.migration import CONTRACT_BRANCH

            revision = "c1"
            down_revision = "a0"
            branch_labels = (CONTRACT_BRANCH,)
            depends_on = "e1"
            """,
        "e2_expand.py": """
            revision = "e2"
            down_revision = "e1"
            """,
        "c2_contract.py": """
            revision = "c2"
            down_revision = "c1"
            depends_on = ["e2"]
            """,
    },
    "falsy_depends_on": {
        "f0.py": """
            revision = "f0"
            down_revision = None
            depends_on = []
            """,
        "f1.py": """
            revision = "f1"
            down_revision = "f0"
            branch_labels = ()
            depends_on = ("",)
            """,
        "f2.py": """
            revision = "f2"
            down_revision = ("f1",)
            branch_labels = None
            depends_on = []
            """,
        "g1.py": """
            revision = "g1"
            down_revision = "f0"
            depends_on = ""
            """,
    },
    "module_level_list": {
        "r0.py": """
            revision = "0a1b2c3d4e5f"
            down_revision = None
            """,
        "r1.py": """
            revision = "eb9743315a9d"
            down_revision = "0a1b2c3d4e5f"
            """,
        "r2.py": """
            resolved_depends_on = ["0a1b2c3d4e5f"]
            try:
                import exporter_fixture_missing_package

                resolved_depends_on += ["eb9743315a9d"]
            except ImportError:
                pass

            revision = "f2522cdd5fcd"
            down_revision = None
            branch_labels = ()
            depends_on = resolved_depends_on
            """,
        "r3.py": """
            revision = "1c2d3e4f5a6b"
            down_revision = "f2522cdd5fcd"
            """,
    },
    "names_and_annotations": {
        "n0.py": """
            from typing import Sequence, Union

            revision: str = "n0"
            down_revision: Union[str, None] = None
            branch_labels: Union[str, Sequence[str], None] = "trunk"
            """,
        "n1.py": """
            from typing import Sequence, Union

            PARENT = "n0"
            revision: str = "n1"
            down_revision: Union[str, Sequence[str], None] = PARENT
            """,
        "m1.py": """
            BASE = ("n0",)
            revision = "m" + "1"
            down_revision = BASE + ()
            _depends = ["trunk"]
            _depends += ("n1",)
            depends_on = _depends
            """,
        "m2.py": """
            revision = "m2"
            down_revision = ["m1", "n1"]
            depends_on = {"n0"}
            """,
    },
}

EXPECTED_WARNINGS = {
    "expand_contract": ["dynamic_branch_labels", "dynamic_branch_labels"],
    "falsy_depends_on": [],
    "module_level_list": ["dynamic_depends_on"],
    "names_and_annotations": [],
}

# `status` exits with the state's code (PRODUCT.md §3); warnings never change it.
EXIT_CODES = {"up_to_date": 0, "behind": 1, "no_revision": 1, "diverged": 2}

SEED = int(os.environ.get("CONFORMANCE_SEED", "1"))


def write_files(root, files):
    for name, text in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = textwrap.dedent(text)
        if "revision" in text:
            text += MIGRATION_FUNCTIONS
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)


def make_tree(root, name, files):
    script_location = os.path.join(root, name)
    write_files(os.path.join(script_location, "versions"), files)
    return Tree(name, "", script_location, [])


def status(tree, current):
    result = run_status(tree, current)
    document = json.loads(result.stdout)
    return result.returncode, document["components"][0]


class ImportTimeValuesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory(prefix="import_time.")
        packages = os.path.join(cls.work.name, "site")
        write_files(packages, LABELS_PACKAGE)
        sys.path.insert(0, packages)  # the oracle imports the revision files in-process
        cls.trees = {name: make_tree(cls.work.name, name, files) for name, files in TREES.items()}

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_labels_really_come_from_the_application_package(self):
        oracle = Oracle(load(script_location=self.trees["expand_contract"].script_location))
        self.assertEqual(oracle.map.get_revision("expand").revision, "e1")
        self.assertEqual(oracle.map.get_revision("contract").revision, "c1")

    def test_heads_pending_and_order_match_alembic(self):
        rng = random.Random(SEED)
        checked = 0
        for name, tree in self.trees.items():
            oracle = Oracle(load(script_location=tree.script_location))
            heads = oracle.heads()
            below = {rev: oracle.ancestors_or_self(rev) for rev in oracle.revisions()}
            # Heads joined by depends_on overlap: no version table holds both.
            for current in [c for c in current_sets(oracle, rng)
                            if not any(a != b and a in below[b] for a in c for b in c)]:
                with self.subTest(tree=name, current=current):
                    expected = oracle.pending(current)
                    code, component = status(tree, current)
                    self.assertEqual(component["script"]["errors"], [])
                    self.assertEqual(sorted(w["kind"] for w in component["script"]["warnings"]),
                                     EXPECTED_WARNINGS[name])
                    self.assertEqual([head["revision"] for head in component["heads"]], heads)
                    pending = [entry["revision"] for entry in component["pending_revisions"]]
                    if oracle.order_is_deterministic():
                        self.assertEqual(pending, expected)
                    else:
                        self.assertEqual(sorted(pending), sorted(expected))
                    self.assertEqual(component["pending"], len(expected))
                    state = expected_state(heads, current, expected)
                    self.assertEqual(component["state"], state)
                    # Warnings never change the exit code: it is the state's.
                    self.assertEqual(code, EXIT_CODES[state])
                    checked += 1
        print(f"import-time trees: {len(self.trees)} trees, {checked} database states, "
              "all equal to alembic", file=sys.stderr)
        self.assertGreater(checked, 20)

    def test_warnings_say_what_is_only_known_at_import_time(self):
        _, component = status(self.trees["expand_contract"], [])
        warnings = {w["file"].rsplit("/", 1)[1]: w for w in component["script"]["warnings"]}
        self.assertEqual(warnings["c1_contract.py"]["line"], 6)
        self.assertEqual(warnings["c1_contract.py"]["message"],
                         "branch_labels of revision c1 is only known at import time "
                         "(`CONTRACT_BRANCH` is imported at line 2); the revision is read "
                         "without branch labels")
        _, component = status(self.trees["module_level_list"], [])
        [warning] = component["script"]["warnings"]
        self.assertIn("`resolved_depends_on` is assigned inside `try` at line 6", warning["message"])
        self.assertIn("only the dependencies 0a1b2c3d4e5f are known statically", warning["message"])

    def test_text_report_has_one_note_line_and_verbose_lists_the_warnings(self):
        tree = self.trees["expand_contract"]
        command = [os.environ["ALEMBIC_EXPORTER"], "status", "--script-location",
                   tree.script_location, "--current", "c2,e2", "--plain"]
        plain = subprocess.run(command, capture_output=True, text=True)
        self.assertEqual(plain.returncode, 2, plain.stderr)  # diverged: two heads, one expected
        notes = [line for line in plain.stdout.splitlines() if line.startswith("Note:")]
        self.assertEqual(notes, ["Note: 2 warnings about the migration scripts (values only known "
                                 "when alembic imports them); the status above does not depend "
                                 "on them. Run with --verbose to list them."])
        verbose = subprocess.run(command + ["--verbose"], capture_output=True, text=True)
        self.assertIn("c1_contract.py:6:", verbose.stdout)
        self.assertIn("e1_expand.py:6:", verbose.stdout)

    def test_what_alembic_accepts_but_reading_cannot_know_stays_an_error(self):
        root = os.path.join(self.work.name, "errors")
        dynamic_revision = make_tree(root, "dynamic_revision", {
            "a.py": """
                import uuid

                revision = uuid.uuid4().hex[:12]
                down_revision = None
                """})
        returncode, component = status(dynamic_revision, [])
        self.assertEqual(component["state"], "script_error")
        self.assertEqual(component["script"]["errors"][0]["message"],
                         "revision: only known at import time (`uuid.uuid4().hex[:12]`: `uuid` is "
                         "imported at line 2); the graph cannot be known without it")
        self.assertEqual(returncode, 2)

        # alembic 1.8.1 and 1.19 alike: Revision._is_real_base asks `dependencies is None`.
        empty_base = make_tree(root, "empty_string_base", {
            "a.py": """
                revision = "a"
                down_revision = None
                depends_on = ""
                """})
        with self.assertRaises(OracleError):
            Oracle(load(script_location=empty_base.script_location))
        _, component = status(empty_base, [])
        self.assertEqual(component["state"], "script_error")
        self.assertIn("DependencyCycleDetected", component["script"]["errors"][0]["message"])

        label_reference = make_tree(root, "label_reference", dict(
            TREES["expand_contract"], **{"c3.py": """
                revision = "c3"
                down_revision = "c2"
                depends_on = "expand"
                """}))
        Oracle(load(script_location=label_reference.script_location))  # alembic resolves it
        _, component = status(label_reference, [])
        self.assertEqual(component["state"], "script_error")
        [error] = component["script"]["errors"]
        self.assertEqual(error["kind"], "dangling_reference")
        self.assertIn("it may be a label set at import time: the branch_labels of revision "
                      "c1, e1 are only known when alembic imports the file", error["message"])


if __name__ == "__main__":
    unittest.main()
