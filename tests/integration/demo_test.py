"""`./run demo`'s script brings up the three Backend.AI-like components in their states."""

import os
import subprocess
import sys
import unittest


class DemoTest(unittest.TestCase):
    def test_demo_shows_three_states(self):
        result = subprocess.run([sys.executable, "-m", "harness.demo", "--check"],
                                capture_output=True, text=True, timeout=240,
                                env=dict(os.environ))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("'manager': 'up_to_date'", result.stdout)
        self.assertIn("'accountmgr': 'behind'", result.stdout)
        self.assertIn("'appproxy': 'diverged'", result.stdout)


if __name__ == "__main__":
    unittest.main()
