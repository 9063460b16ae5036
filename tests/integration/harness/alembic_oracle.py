"""What alembic 1.8.1 itself says about a script directory: heads and `upgrade heads` pending.

Runs alembic in-process on the same code path as `alembic upgrade heads`: `command.upgrade` hands
`ScriptDirectory._upgrade_revs("heads", current)` to the migration context, which calls it with
the database's revisions; the steps it returns are applied in order.

Command line (prints JSON):
    alembic_oracle.py (--ini FILE | --script-location DIR [--version-locations A,B])
                      [--current REV[,REV...]]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import warnings

from alembic import util
from alembic.config import Config
from alembic.script import ScriptDirectory

ALEMBIC = ["/usr/bin/python3", "-m", "alembic"]


class OracleError(Exception):
    """alembic refused: unknown or overlapping revisions, broken scripts."""


def load(*, ini=None, script_location=None, version_locations=None):
    """A ScriptDirectory as `alembic -c ini` builds it, or for a directory and locations."""
    if ini is not None:
        return ScriptDirectory.from_config(Config(ini))
    return ScriptDirectory(script_location, version_locations=version_locations or None)


class Oracle:
    """alembic's answers for one script directory; the revision map is loaded once."""

    def __init__(self, script):
        self.script = script
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # duplicate ids and dangling parents only warn
            try:
                self.map = script.revision_map
                self.map.heads  # loads every revision file
            except Exception as error:  # alembic raises anything from KeyError to CommandError
                raise OracleError(f"{type(error).__name__}: {error}") from error

    def revisions(self):
        """Every revision id, in alembic's load order."""
        return [rev for rev in self.map._revision_map if isinstance(rev, str)
                and self.map._revision_map[rev].revision == rev]

    def heads(self):
        """What `alembic heads` prints, in byte order."""
        return sorted(self.script.get_heads())

    def message(self, revision):
        """`Script.doc`, what `alembic history` shows after the comma."""
        return self.script.get_revision(revision).doc

    def pending(self, current):
        """Revision ids `alembic upgrade heads` applies from `current`, in apply order."""
        try:
            steps = self.script._upgrade_revs("heads", tuple(current))
        except util.CommandError as error:
            raise OracleError(str(error)) from error
        return [step.revision.revision for step in steps]

    def ancestors_or_self(self, revision):
        """Revisions at or below `revision`, following down_revision and depends_on."""
        return {rev.revision for rev in
                self.map._get_ancestor_nodes([self.map.get_revision(revision)])}

    def order_is_deterministic(self):
        """False when alembic walks a Python set (two or more effective depends_on entries of one
        revision), whose iteration order changes from one interpreter run to the next."""
        return all(len(self.map.get_revision(rev)._normalized_resolved_dependencies) < 2
                   for rev in self.revisions())


def upgrade_sql_order(ini, start=None, cwd=None):
    """Revision ids that the real `alembic upgrade [start:]heads --sql` runs, in order."""
    target = f"{start}:heads" if start else "heads"
    result = subprocess.run(ALEMBIC + ["-c", ini, "upgrade", target, "--sql"],
                            cwd=cwd or os.path.dirname(ini), capture_output=True, text=True)
    if result.returncode != 0:
        raise OracleError(result.stderr.strip().splitlines()[-1])
    return re.findall(r"^-- Running upgrade .*-> (\S+)$", result.stdout, re.MULTILINE)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini")
    parser.add_argument("--script-location")
    parser.add_argument("--version-locations", default="")
    parser.add_argument("--current", default="")
    args = parser.parse_args(argv)
    locations = [location for location in args.version_locations.split(",") if location]
    current = [revision for revision in args.current.split(",") if revision]
    try:
        oracle = Oracle(load(ini=args.ini, script_location=args.script_location,
                             version_locations=locations))
        document = {"heads": oracle.heads(), "pending": oracle.pending(current),
                    "order_deterministic": oracle.order_is_deterministic()}
    except OracleError as error:
        document = {"error": str(error)}
    print(json.dumps(document, indent=2))
    return 1 if "error" in document else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
