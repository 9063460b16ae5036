"""A broken script directory gives exactly its problems, each at its file and line."""

import json
import os
import subprocess
import unittest

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "alembic",
                       "lint")


def python_syntax_error(path):
    """Where Python itself reports the syntax error of `path`: (line, column, message)."""
    with open(path) as handle:
        text = handle.read()
    try:
        compile(text, path, "exec")
    except SyntaxError as error:
        return error.lineno, error.offset, error.msg
    raise AssertionError(f"{path} compiles")


class ScriptLintTest(unittest.TestCase):
    def setUp(self):
        result = subprocess.run(
            [os.environ["ALEMBIC_EXPORTER"], "status", "--script-location", FIXTURE,
             "--current", "none", "--output", "json"], capture_output=True, text=True)
        if result.returncode == 64:
            self.skipTest("alembic_exporter status has no --script-location yet: "
                          + result.stderr.strip()[:200])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.component = json.loads(result.stdout)["components"][0]

    def test_state_is_script_error(self):
        self.assertEqual(self.component["state"], "script_error")

    def test_exactly_the_four_problems_at_their_places(self):
        errors = self.component["script"]["errors"]
        for error in errors:
            self.assertEqual(set(error), {"kind", "file", "line", "column", "message"})
        found = sorted((error["kind"], os.path.basename(error["file"]), error["line"])
                       for error in errors)
        self.assertEqual(found, [
            ("cycle", "2000_loop_a.py", 3),
            ("dangling_reference", "3000_orphan.py", 9),
            ("duplicate_revision", "1001_copy.py", 6),
            ("parse_error", "4000_broken.py", 7),
        ])

    def test_syntax_error_is_where_python_puts_it(self):
        broken = os.path.join(FIXTURE, "versions", "4000_broken.py")
        line, column, message = python_syntax_error(broken)
        error = next(e for e in self.component["script"]["errors"] if e["kind"] == "parse_error")
        self.assertEqual((error["line"], error["column"]), (line, column))
        self.assertIn("unterminated string", error["message"])
        self.assertIn("unterminated string", message)

    def test_messages_name_what_is_wrong(self):
        messages = {error["kind"]: error["message"] for error in self.component["script"]["errors"]}
        self.assertIn("1001_child.py", messages["duplicate_revision"])
        self.assertIn("deadbeef0000", messages["dangling_reference"])
        for revision in ("c0ffee000001", "c0ffee000002", "c0ffee000003"):
            self.assertIn(revision, messages["cycle"])


if __name__ == "__main__":
    unittest.main()
