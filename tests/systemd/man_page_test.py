"""The man page renders without groff warnings and documents every command and exit code."""

import os
import re
import subprocess
import unittest

MAN_PAGE = os.environ["MAN_PAGE"]
SOURCE_ROOT = os.environ["SOURCE_ROOT"]


def read_source(relative_path):
    with open(os.path.join(SOURCE_ROOT, relative_path), encoding="utf-8") as file:
        return file.read()


def render():
    return subprocess.run([os.environ["GROFF"], "-man", "-Tutf8", "-P", "-cbou", MAN_PAGE],
                          capture_output=True, text=True, check=True).stdout


class ManPageTest(unittest.TestCase):
    def test_renders_without_warnings(self):
        result = subprocess.run([os.environ["GROFF"], "-man", "-ww", "-z", MAN_PAGE],
                                capture_output=True, text=True, check=False)
        self.assertEqual((result.returncode, result.stderr), (0, ""))

    def test_documents_commands_and_exit_codes(self):
        rendered = render()
        for command in ("status", "serve", "check-config", "wait"):
            self.assertIn(f"alembic_exporter {command}", rendered)
        exit_codes = re.findall(r"^ *\w+ = (\d+),$", read_source("daemon/core/exit_codes.hpp"),
                                re.MULTILINE)
        self.assertEqual(len(exit_codes), 9)
        exit_status = rendered.split("\nEXIT STATUS\n", 1)[1].split("\nENVIRONMENT\n", 1)[0]
        self.assertEqual(re.findall(r"^ {7}(\d+) ", exit_status, re.MULTILINE), exit_codes)

    def test_documents_every_status_option(self):
        rendered = render()
        options = re.findall(r'\{"(--[a-z-]+)", "(-[a-z]|)"',
                             read_source("daemon/cli/status_targets.cpp"))
        self.assertGreater(len(options), 10)
        for long_option, short_option in options:
            # The option's heading line: `--name SECTION` or `-n SECTION, --name SECTION`.
            prefix = rf"{short_option}\b[^\n]*, " if short_option else ""
            self.assertIsNotNone(re.search(rf"\n {{7}}{prefix}{long_option}\b", rendered),
                                 f"{long_option} is not documented")


if __name__ == "__main__":
    unittest.main()
