"""Golden files under tests/fixtures; UPDATE_GOLDEN=1 rewrites them instead of comparing."""

import os

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")


def assert_golden(test, relative_path, actual):
    path = os.path.join(FIXTURES, relative_path)
    if os.environ.get("UPDATE_GOLDEN"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(actual)
        return
    with open(path) as handle:
        expected = handle.read()
    test.assertEqual(actual, expected, f"differs from golden file {relative_path}")
