"""`alembic_exporter check-config` as an operator runs it: every bad fixture gives its golden
`file:line:col: message` lines on stderr and exit 78; a good file prints the normalized
configuration with the password masked and exits 0."""

import glob
import os
import tempfile
import unittest

from harness.exporter import run_exporter
from harness.golden import FIXTURES, assert_golden

CONFIG_FIXTURES = os.path.join(FIXTURES, "config")


class CheckConfigTest(unittest.TestCase):
    def test_every_bad_fixture(self):
        fixtures = sorted(glob.glob(os.path.join(CONFIG_FIXTURES, "bad-*.yaml")))
        self.assertGreater(len(fixtures), 20)
        for path in fixtures:
            name = os.path.basename(path)
            with self.subTest(name):
                result = run_exporter("check-config", "--config", name, cwd=CONFIG_FIXTURES)
                self.assertEqual(result.returncode, 78, result.stderr)
                self.assertEqual(result.stdout, "")
                for line in result.stderr.splitlines():
                    self.assertTrue(line.startswith(name + ":"), line)
                assert_golden(self, f"config/golden/{name[:-len('.yaml')]}.stderr", result.stderr)

    def test_serve_refuses_a_bad_file_the_same_way(self):
        result = run_exporter("serve", "--config", "bad-unknown-key.yaml", cwd=CONFIG_FIXTURES)
        self.assertEqual(result.returncode, 78)
        self.assertIn("did you mean 'interval'?", result.stderr)

    def test_a_bad_web_config_gives_its_golden_problems(self):
        web_fixtures = os.path.realpath(os.path.join(FIXTURES, "web"))
        for name in ("bad-unknown-key.yml", "bad-http2-type.yml", "bad-yaml-syntax.yml"):
            with self.subTest(name), tempfile.TemporaryDirectory() as directory:
                os.makedirs(os.path.join(directory, "migrations", "versions"))
                web_config = os.path.join(web_fixtures, name)
                config = os.path.join(directory, "config.yaml")
                with open(config, "w") as handle:
                    handle.write(f"web_config_file: {web_config}\ncomponents:\n  - name: app\n"
                                 "    script_location: migrations\n    database:\n"
                                 "      url: postgresql://exporter@db.example:5432/app\n")
                result = run_exporter("check-config", "--config", config)
                self.assertEqual(result.returncode, 78, result.stderr)
                with open(os.path.join(web_fixtures, "golden", name[:-4] + ".stderr")) as golden:
                    self.assertEqual(result.stderr, golden.read().replace(name, web_config))

    def test_good_file_is_printed_normalized_with_the_password_masked(self):
        with tempfile.TemporaryDirectory() as directory:
            os.makedirs(os.path.join(directory, "migrations", "versions"))
            config = os.path.join(directory, "config.yaml")
            with open(config, "w") as handle:
                handle.write("interval: 90s\ncomponents:\n  - name: app\n"
                             "    script_location: migrations\n    database:\n"
                             "      url: postgresql://exporter:hunter2@db.example:5432/app\n")
            result = run_exporter("check-config", "--config", config)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("interval: 1m30s", result.stdout)
        self.assertIn("postgresql://exporter:****@db.example:5432/app", result.stdout)
        self.assertIn(os.path.join(directory, "migrations"), result.stdout)
        self.assertNotIn("hunter2", result.stdout + result.stderr)

    def test_missing_config_option_is_a_usage_error(self):
        self.assertEqual(run_exporter("check-config").returncode, 64)


if __name__ == "__main__":
    unittest.main()
