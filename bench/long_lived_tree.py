"""A script directory shaped like a long-lived project, written by the real alembic.

Mostly linear history; now and then a short side branch that is merged back (about 6 % of the
revisions are merges); about 1 % carry a depends_on on an older revision; one head at the end,
reached by `BEHIND_TAIL` plain steps so a database stamped at `tail_start` is that many behind.
Files come from alembic's own `ScriptDirectory.generate_revision` (the function `alembic
revision` ends in, same template and file names), kept in-process because a CLI call per revision
would take minutes at 10 000 (see tests/integration/harness/tree_generator.py).
"""

import contextlib
import io
import json
import os
import random
import sys

from alembic.script import ScriptDirectory

from harness.alembic_project import AlembicProject

BEHIND_TAIL = 5
SHAPE_FILE = "bench_shape.json"


def generate(root, size, seed=11):
    """Writes an alembic project of `size` revisions under `root`; returns its shape summary.
    Reuses a project a previous call left complete (the shape file is written last)."""
    shape_path = os.path.join(root, SHAPE_FILE)
    if os.path.exists(shape_path):
        with open(shape_path) as handle:
            return json.load(handle)
    project = AlembicProject(root)
    script = ScriptDirectory(project.script_dir)
    rng = random.Random(seed)
    created = []
    counts = {"merges": 0, "branches": 0, "depends_on": 0}

    def add(message, head, **options):
        with contextlib.redirect_stdout(io.StringIO()):  # "Generating ... done"
            revision = script.generate_revision(f"{rng.getrandbits(48):012x}", message,
                                                refresh=True, head=head, **options).revision
        created.append(revision)
        return revision

    heads = [add("initial schema", "base")]
    while len(created) < size - BEHIND_TAIL - 1:
        if len(heads) > 1 and rng.random() < 0.35:
            counts["merges"] += 1
            heads = [add(f"merge {len(created)}", tuple(heads))]
        elif len(heads) == 1 and rng.random() < 0.07:
            counts["branches"] += 1
            fork = heads[0]
            heads = [add(f"hotfix {len(created)}", fork),
                     add(f"step {len(created)}", fork, splice=True)]
        else:
            depends_on = None
            if len(created) > 20 and rng.random() < 0.01:
                counts["depends_on"] += 1
                depends_on = rng.choice(created[:-10])
            index = rng.randrange(len(heads))
            heads[index] = add(f"step {len(created)}", heads[index], depends_on=depends_on)
    if len(heads) > 1:
        counts["merges"] += 1
        heads = [add(f"merge {len(created)}", tuple(heads))]
    while len(created) < size - BEHIND_TAIL:
        heads = [add(f"step {len(created)}", heads[0])]
    tail_start = heads[0]
    for _ in range(BEHIND_TAIL):
        heads = [add(f"step {len(created)}", heads[0])]
    shape = dict(counts, revisions=len(created), head=heads[0], tail_start=tail_start,
                 ini=project.ini, script_location=project.script_dir,
                 versions=os.path.join(project.script_dir, "versions"))
    with open(shape_path, "w") as handle:
        json.dump(shape, handle, indent=2)
    return shape


if __name__ == "__main__":
    print(json.dumps(generate(sys.argv[1], int(sys.argv[2])), indent=2))
