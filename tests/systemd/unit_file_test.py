"""The service unit passes systemd's own checks: `verify` is clean, the sandbox scores well."""

import os
import re
import subprocess
import unittest

# `systemd-analyze security` rates exposure from 0.0 (locked down) to 10.0; the contract is
# "OK" territory with room for the network access the exporter needs.
MAX_EXPOSURE = 1.5


def analyze(*arguments):
    return subprocess.run([os.environ["SYSTEMD_ANALYZE"], *arguments, os.environ["UNIT_FILE"]],
                          capture_output=True, text=True, check=False)


class UnitFileTest(unittest.TestCase):
    def test_verify_is_clean(self):
        # --man=no: the man page is not installed on the machine running the tests.
        result = analyze("verify", "--man=no")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout + result.stderr, "")

    def test_security_exposure_is_low(self):
        result = analyze("security", "--offline=yes")
        self.assertEqual(result.returncode, 0, result.stderr)
        match = re.search(r"Overall exposure level for alembic-exporter\.service: (\d+\.\d+)",
                          result.stdout)
        self.assertIsNotNone(match, result.stdout)
        exposure = float(match.group(1))
        print(f"systemd-analyze security: exposure {exposure} (at most {MAX_EXPOSURE})")
        self.assertLessEqual(exposure, MAX_EXPOSURE, result.stdout)


if __name__ == "__main__":
    unittest.main()
