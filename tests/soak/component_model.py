"""What each component's state must be, computed from what the soak did to it (never read from
the daemon): its revision chain, the revision in its version table, a broken revision file, and
whether the server runs; plus what the daemon has logged for it so far."""

import glob
import os

STATES = ("up_to_date", "behind", "diverged", "no_revision", "unknown_revision", "unreachable",
          "script_error")


class ComponentModel:
    """One component: `project` is its AlembicProject with a linear chain `project.revisions`;
    `database_at` indexes that chain (None while the version table is dropped)."""

    def __init__(self, name, project, database_at):
        self.name = name
        self.project = project
        self.database_at = database_at
        self.broken_file = None  # (path, original text) while a revision file is broken
        self.active = True  # in the daemon's configuration
        self.interval = None  # a per-component interval override, e.g. "700ms"
        self.logged_state = None  # the state of the last transition logged
        self.logged_changes = 0  # "a → b" transitions logged (not first checks)

    @property
    def revisions(self):
        return self.project.revisions

    @property
    def pending(self):
        current = -1 if self.database_at is None else self.database_at
        return len(self.revisions) - 1 - current

    def state(self, server_up):
        # docs/CONTRACT.md precedence: script_error > unreachable > ... > no_revision > behind.
        if self.broken_file is not None:
            return "script_error"
        if not server_up:
            return "unreachable"
        if self.database_at is None:
            return "no_revision"
        return "behind" if self.pending else "up_to_date"

    def expected_samples(self, server_up):
        """{(metric, extra labels): value or None for absent} for a settled component."""
        state = self.state(server_up)
        samples = {("alembic_status", (("state", candidate),)): float(candidate == state)
                   for candidate in STATES}
        samples[("alembic_up", ())] = float(server_up)
        samples[("alembic_state_changes_total", ())] = float(self.logged_changes)
        samples[("alembic_pending_migrations", ())] = (
            float(self.pending) if state in ("up_to_date", "behind", "no_revision") else None)
        if server_up:
            samples[("alembic_current_revisions_count", ())] = float(self.database_at is not None)
        if self.broken_file is None:
            samples[("alembic_heads_count", ())] = 1.0
            samples[("alembic_script_revisions", ())] = float(len(self.revisions))
        return samples

    # -- what the soak does to it ---------------------------------------------------------

    def revision_file(self, revision):
        (path,) = glob.glob(os.path.join(self.project.script_dir, "versions", f"{revision}_*.py"))
        return path

    def add_revision(self, message):
        self.revisions.append(self.project.revision(message))

    def break_file(self, revision, damage):
        path = self.revision_file(revision)
        with open(path) as handle:
            original = handle.read()
        try:  # Python itself is the judge of what breaks the file
            compile(original + damage, path, "exec")
        except SyntaxError:
            pass
        else:
            raise ValueError(f"{damage!r} does not break {path}")
        _replace(path, original + damage)
        self.broken_file = (path, original)

    def fix_file(self):
        path, original = self.broken_file
        _replace(path, original)
        self.broken_file = None


def _replace(path, text):
    """Writes by rename, so that a check never reads a half-written file (which would be a
    script error of its own, not the one the soak means to cause)."""
    temporary = path + ".soak-tmp"
    with open(temporary, "w") as handle:
        handle.write(text)
    os.replace(temporary, path)
