"""Issue 15: `status` finds a project configured by pyproject.toml as alembic >= 1.16 does.

Debian's alembic 1.8.1 cannot read pyproject.toml, so where the scripts are is derived from
alembic 1.19's source, not asked from it: `CommandLine._inis_from_config` (config.py:974: `-c` once
or twice, ALEMBIC_CONFIG, else alembic.ini and pyproject.toml in the current directory),
`Config.get_alembic_option` (config.py:463: the ini's option wins over `[tool.alembic]`) and
`Config.get_version_locations_list` (config.py:558: the ini's string split on path_separator, else
the TOML's list; `%(here)s` is the file's directory). alembic 1.8.1 is then asked about the
script directory those rules give, and `status` must agree with it on heads and pending.
"""

import json
import os
import subprocess
import tempfile
import textwrap
import unittest

from harness.alembic_oracle import Oracle, load
from harness.tree_generator import MIGRATION_FUNCTIONS

PYPROJECT = """\
[project]
name = "app"

[tool.alembic]
script_location = "%(here)s/migrations"
version_locations = ["%(here)s/migrations/versions", "%(here)s/more_versions"]
"""

REVISIONS = {
    "migrations/versions/a1.py": 'revision = "a1"\ndown_revision = None\n',
    "migrations/versions/b2.py": 'revision = "b2"\ndown_revision = "a1"\n',
    "more_versions/c3.py": 'revision = "c3"\ndown_revision = "b2"\n',
    "other/versions/x1.py": 'revision = "x1"\ndown_revision = None\n',
}


def write(root, name, text):
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


class PyprojectConfigTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.TemporaryDirectory(prefix="pyproject.")
        self.root = os.path.realpath(self.work.name)
        write(self.root, "pyproject.toml", PYPROJECT)
        for name, text in REVISIONS.items():
            write(self.root, name, text + MIGRATION_FUNCTIONS)

    def tearDown(self):
        self.work.cleanup()

    def status(self, *arguments, env=None, cwd=None):
        result = subprocess.run(
            [os.environ["ALEMBIC_EXPORTER"], "status", "--current", "none", "--output", "json",
             *arguments],
            capture_output=True, text=True, cwd=cwd or self.root,
            env={**os.environ, **(env or {})})
        return result

    def component(self, *arguments, **kwargs):
        result = self.status(*arguments, **kwargs)
        self.assertIn(result.returncode, (0, 1, 2), result.stderr)
        return json.loads(result.stdout)["components"][0]

    def assert_matches_alembic(self, component, script_location, version_locations):
        oracle = Oracle(load(script_location=script_location, version_locations=version_locations))
        self.assertEqual(component["script"]["errors"], [])
        self.assertEqual([head["revision"] for head in component["heads"]], oracle.heads())
        self.assertEqual([entry["revision"] for entry in component["pending_revisions"]],
                         oracle.pending([]))

    def test_pyproject_in_the_current_directory_is_read_by_default(self):
        component = self.component()
        self.assert_matches_alembic(component, os.path.join(self.root, "migrations"),
                                    [os.path.join(self.root, "migrations/versions"),
                                     os.path.join(self.root, "more_versions")])
        self.assertEqual(component["pending"], 3)

    def test_c_names_the_pyproject_and_alembic_config_too(self):
        elsewhere = os.path.join(self.root, "elsewhere")
        os.makedirs(elsewhere)
        toml = os.path.join(self.root, "pyproject.toml")
        self.assertEqual(self.component("-c", toml, cwd=elsewhere)["pending"], 3)
        self.assertEqual(self.component(env={"ALEMBIC_CONFIG": toml}, cwd=elsewhere)["pending"], 3)

    def test_ini_options_win_and_the_ini_may_hold_only_the_url(self):
        write(self.root, "alembic.ini", "[alembic]\nsqlalchemy.url = postgresql://db/app\n")
        self.assertEqual(self.component("-c", "alembic.ini", "-c", "pyproject.toml")["pending"], 3)
        write(self.root, "app.ini", "[alembic]\nscript_location = %(here)s/other\n")
        component = self.component("-c", "app.ini", "-c", "pyproject.toml")
        # The ini's script_location wins; its version_locations is unset, so the TOML's list
        # still applies (get_version_locations_list falls back to it).
        self.assert_matches_alembic(component, os.path.join(self.root, "other"),
                                    [os.path.join(self.root, "migrations/versions"),
                                     os.path.join(self.root, "more_versions")])
        write(self.root, "app.ini", "[alembic]\nscript_location = %(here)s/other\n"
                                    "version_locations = %(here)s/other/versions\n"
                                    "path_separator = os\n")
        component = self.component("-c", "app.ini", "-c", "pyproject.toml")
        self.assert_matches_alembic(component, os.path.join(self.root, "other"),
                                    [os.path.join(self.root, "other/versions")])
        self.assertEqual([head["revision"] for head in component["heads"]], ["x1"])

    def test_c_twice_for_the_same_kind_is_refused_as_alembic_does(self):
        write(self.root, "alembic.ini", "[alembic]\n")
        twice_ini = self.status("-c", "alembic.ini", "-c", "alembic.ini")
        self.assertEqual(twice_ini.returncode, 64)
        self.assertIn("only one ini file may be indicated", twice_ini.stderr)
        twice_toml = self.status("-c", "pyproject.toml", "-c", "./pyproject.toml")
        self.assertEqual(twice_toml.returncode, 64)
        self.assertIn("pyproject.toml indicated more than once", twice_toml.stderr)

    def test_errors_point_into_the_toml(self):
        write(self.root, "pyproject.toml", textwrap.dedent("""\
            [tool.alembic]
            script_location = "%(here)s/migrations"
            recursive_version_locations = "yes"
            """))
        result = self.status()
        self.assertEqual(result.returncode, 78, result.stderr)  # a configuration error
        self.assertEqual(result.stderr, "alembic_exporter status: pyproject.toml:3:31: "
                                        "recursive_version_locations: expected true or false\n")


if __name__ == "__main__":
    unittest.main()
