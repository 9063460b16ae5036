"""Alembic projects built and driven by the real alembic CLI (`/usr/bin/python3 -m alembic`)."""

import ast
import os
import re
import subprocess

ALEMBIC = ["/usr/bin/python3", "-m", "alembic"]


def _module_assignments(path):
    """Module-level string/None/tuple assignments of a revision file, read with Python's ast."""
    with open(path) as handle:
        tree = ast.parse(handle.read())
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            values[target.id] = ast.literal_eval(value)
    return values


class AlembicProject:
    """`alembic init` in `root`; `script_dir` is the script location, `ini` the config file."""

    def __init__(self, root, url=None, template="generic", script_dir_name="migrations"):
        self.root = root
        self.ini = os.path.join(root, "alembic.ini")
        self.script_dir = os.path.join(root, script_dir_name)
        os.makedirs(root, exist_ok=True)
        self._alembic("init", "-t", template, script_dir_name)
        if url is not None:
            self.set_option("sqlalchemy.url", url)

    def _alembic(self, *args):
        """stdout and stderr of `alembic ARGS`, which logs to stderr."""
        result = self._run(*args)
        return result.stdout + result.stderr

    def _run(self, *args):
        result = subprocess.run(ALEMBIC + ["-c", self.ini, *args] if os.path.exists(self.ini)
                                else ALEMBIC + list(args),
                                cwd=self.root, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"alembic {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    def set_option(self, key, value):
        """Sets `key = value` in the [alembic] section, escaping % as configparser needs."""
        with open(self.ini) as handle:
            text = handle.read()
        line = f"{key} = {value.replace('%', '%%')}"
        # An active setting first: the template also carries commented-out alternatives.
        for pattern in (rf"^{re.escape(key)}\s*=.*$", rf"^#\s*{re.escape(key)}\s*=.*$"):
            text, replaced = re.subn(pattern, lambda _: line, text, count=1, flags=re.MULTILINE)
            if replaced:
                break
        else:
            text = text.replace("[alembic]\n", f"[alembic]\n{line}\n", 1)
        with open(self.ini, "w") as handle:
            handle.write(text)

    def revision(self, message, *, head=None, branch_label=None, depends_on=None, splice=False,
                 version_path=None, rev_id=None):
        """Runs `alembic revision`; returns the new revision id read from the generated file."""
        args = ["revision", "-m", message]
        if head:
            args += ["--head", head]
        if branch_label:
            args += ["--branch-label", branch_label]
        if depends_on:
            args += ["--depends-on", depends_on]
        if splice:
            args.append("--splice")
        if version_path:
            args += ["--version-path", version_path]
        if rev_id:
            args += ["--rev-id", rev_id]
        return self._generated_revision(self._alembic(*args))

    def merge(self, revisions, message="merge"):
        return self._generated_revision(self._alembic("merge", "-m", message, *revisions))

    def _generated_revision(self, output):
        match = re.search(r"Generating (.+?\.py)", output)
        if not match:
            raise RuntimeError(f"no generated file in alembic output:\n{output}")
        return _module_assignments(match.group(1).strip())["revision"]

    def upgrade(self, target="heads"):
        return self._alembic("upgrade", target)

    def upgrade_sql(self, target):
        """The SQL `alembic upgrade TARGET --sql` prints (offline mode: no connection)."""
        return self._run("upgrade", target, "--sql").stdout

    def downgrade(self, target):
        return self._alembic("downgrade", target)

    def stamp(self, *targets):
        return self._alembic("stamp", *targets)

    def heads(self):
        """Head revision ids, as `alembic heads` prints them."""
        return sorted(line.split()[0] for line in self._alembic("heads").splitlines()
                      if line.strip())

    def current(self):
        return sorted(line.split()[0] for line in self._alembic("current").splitlines()
                      if line.strip() and not line.startswith("INFO"))
