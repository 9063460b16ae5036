"""Alembic script directories of many shapes, made by the real alembic, for conformance tests.

Small named shapes are built with the alembic CLI (AlembicProject). A CLI call costs ~0.2 s and
reloads every revision, so the big random DAG is made in-process with the function the CLI ends in,
`ScriptDirectory.generate_revision` (same template, same head/splice/depends_on resolution, one
revision map kept loaded). The messy tree is written by hand: things alembic accepts that a
template never produces.
"""

import contextlib
import io
import os
import random
import textwrap
from dataclasses import dataclass, field

from alembic.script import ScriptDirectory

from harness.alembic_project import AlembicProject

# Offline (`--sql`) runs need a dialect but never connect.
OFFLINE_URL = "postgresql://localhost/offline"


@dataclass
class Tree:
    name: str
    ini: str
    script_location: str
    version_locations: list = field(default_factory=list)  # empty: <script_location>/versions


def _project(root, name):
    return AlembicProject(os.path.join(root, name), OFFLINE_URL)


def _tree(name, project, version_locations=()):
    return Tree(name, project.ini, project.script_dir, list(version_locations))


def linear(root):
    project = _project(root, "linear")
    for message in ["create users", "add email", "add index", "drop legacy"]:
        project.revision(message)
    return _tree("linear", project)


def branches_and_merges(root):
    """A branch point, a merge of two heads, three heads merged at once, then one more."""
    project = _project(root, "merges")
    base = project.revision("base")
    left = project.revision("left")
    right = project.revision("right", head=base, splice=True)
    merged = project.merge([left, right], "merge left and right")
    heads = [project.revision(f"fan {index}", head=merged, splice=index > 0)
             for index in range(3)]
    heads[1] = project.revision("fan 1 more", head=heads[1])
    project.merge(heads, "merge three")
    project.revision("after merges")
    return _tree("merges", project)


def labels_and_dependencies(root):
    """Two labelled bases; depends_on a revision id and a branch label across them."""
    project = _project(root, "labels")
    core = project.revision("core base", branch_label="core")
    core2 = project.revision("core two", head=core)
    plugin = project.revision("plugin base", head="base", branch_label="plugin")
    project.revision("plugin needs core two", head=plugin, depends_on=core2)
    project.revision("core three", head="core@head", depends_on="plugin")
    project.revision("plugin three", head="plugin@head", depends_on="core")
    return _tree("labels", project)


def unmerged_heads(root):
    """Three heads that nobody merged, one of them a second base."""
    project = _project(root, "unmerged")
    base = project.revision("base")
    project.revision("one")
    project.revision("two", head=base, splice=True)
    project.revision("three", head="base", branch_label="other")
    return _tree("unmerged", project)


def version_paths(root):
    """Two version locations, one nested inside the other (not walked by alembic 1.8.1)."""
    project = _project(root, "paths")
    main = os.path.join(project.script_dir, "versions")
    nested = os.path.join(main, "nested")
    extra = os.path.join(project.root, "extra_versions")
    # The template's `version_path_separator = os  # ...` only parses when unused.
    project.set_option("version_path_separator", "space")
    project.set_option("version_locations", f"{main} {nested} {extra}")
    first = project.revision("first", version_path=main)
    project.revision("nested child", version_path=nested)
    project.revision("extra base", head="base", branch_label="extra", version_path=extra)
    project.revision("extra child", head="extra@head", depends_on=first)
    return _tree("paths", project, [main, nested, extra])


def random_dag(root, seed, size=300, cli_revisions=4, depends_rate=0.06):
    """Random branching, merges of 2-3 heads, depends_on across branches and on labels, a second
    base; the first `cli_revisions` through the CLI, the rest in-process (see module docstring)."""
    rng = random.Random(seed)
    project = _project(root, f"random_{seed}")
    created = [project.revision(f"cli {index}", rev_id=f"{rng.getrandbits(48):012x}")
               for index in range(cli_revisions)]
    heads = [created[-1]]
    labels = []
    script = ScriptDirectory(project.script_dir)

    def generate(message, head, **options):
        with contextlib.redirect_stdout(io.StringIO()):  # "Generating ... done"
            revision = script.generate_revision(f"{rng.getrandbits(48):012x}", message,
                                                refresh=True, head=head, config="config",
                                                **options).revision
        created.append(revision)
        return revision

    while len(created) < size:
        roll = rng.random()
        depends_on = None
        if rng.random() < depends_rate:
            depends_on = rng.choice(labels) if labels and rng.random() < 0.3 \
                else rng.choice(created)
        if roll < 0.10:  # branch off an older revision
            parent = rng.choice(created[-40:])
            label = None
            if rng.random() < 0.3:
                label = f"branch{len(labels)}"
                labels.append(label)
            heads = [head for head in heads if head != parent]
            heads.append(generate(f"branch {len(created)}", parent, splice=True,
                                  branch_labels=label, depends_on=depends_on))
        elif roll < 0.12:  # a new base
            label = f"base{len(labels)}"
            labels.append(label)
            heads.append(generate(f"base {len(created)}", "base", branch_labels=label))
        elif roll < 0.25 and len(heads) > 1:
            merged = rng.sample(heads, min(len(heads), rng.choice([2, 2, 3])))
            heads = [head for head in heads if head not in merged]
            heads.append(generate(f"merge {len(created)}", tuple(merged)))
        else:
            index = rng.randrange(len(heads))
            heads[index] = generate(f"step {len(created)}", heads[index],
                                    depends_on=depends_on)
    return _tree(f"random_{seed}", project)


MESSY_FILES = {
    # Template-free: annotated assignments, a docstring that names other revisions.
    "0001_initial.py": '''\
        """initial schema

        Revision ID: ffffffffffff
        Revises: 0000
        """
        from typing import Sequence, Union

        revision: str = "0001"
        down_revision: Union[str, None] = None
        branch_labels: Union[str, Sequence[str], None] = None
        depends_on: Union[str, Sequence[str], None] = None
        ''',
    # A commented-out parent and a docstring that lies about it.
    "second.py": """\
        '''add accounts table

        Revises: 9999
        '''
        # down_revision = 'zzzz'
        revision = '0002'
        down_revision = '0001'
        """,
    # A one-element tuple and an id with an underscore.
    "abc_def.py": '''\
        """side branch"""
        revision = "abc_def"
        down_revision = ("0002",)
        branch_labels = ("side",)
        ''',
    # A list, a label given as a plain string, mixed quoting.
    "x0003.py": '''\
        r"""Add ünïcode column

        Longer description that alembic history does not show.
        """
        import sqlalchemy as sa

        revision = 'x0003'
        down_revision = ["0002"]
        branch_labels = "other_side"
        depends_on = None


        def helper():
            revision = "not-this-one"  # function scope, not the module's
            return revision
        ''',
    # A merge written the way black formats it.
    "merge_it.py": '''\
        """merge side and other side"""
        revision = "MERGE01"
        down_revision = (
            "abc_def",
            "x0003",
        )
        branch_labels = None
        depends_on = None
        ''',
    # depends_on a branch label, in a list.
    "last.py": '''\
        """needs side"""
        revision = "last0001"
        down_revision = "MERGE01"
        depends_on = ["side"]
        ''',
    # A head of its own in a file with no docstring.
    "nodoc.py": """\
        revision = "nodoc1"
        down_revision = "0002"
        """,
    # Not revisions: alembic 1.8.1 lists only `*.py` directly in the directory, minus names
    # starting with `__init__` or `.#`.
    "README": "This directory holds migrations.\n",
    ".keep": "",
    "__init__.py": "",
    "__init__backup.py": "revision = 'ignored1'\ndown_revision = None\n",
    ".#last.py": "garbage that would not parse (((\n",
    "notes.py.orig": "revision = 'ignored2'\n",
    "utils/helpers.py": "def helper():\n    return 1\n",
    "__pycache__/second.cpython-311.pyc": "",
}


# alembic builds a migration step only from a module with both functions.
MIGRATION_FUNCTIONS = "\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"


def messy(root):
    """Hand-written files with the oddities alembic accepts; see MESSY_FILES."""
    project = _project(root, "messy")
    versions = os.path.join(project.script_dir, "versions")
    for name, text in MESSY_FILES.items():
        path = os.path.join(versions, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = textwrap.dedent(text)
        if "revision = " in text or "revision: str" in text:
            text += MIGRATION_FUNCTIONS
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return _tree("messy", project)


def all_trees(root, seed=1):
    """Every shape above, the random DAG with `seed`."""
    return [linear(root), branches_and_merges(root), labels_and_dependencies(root),
            unmerged_heads(root), version_paths(root), messy(root), random_dag(root, seed)]
