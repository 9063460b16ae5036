"""`meson install` puts the binary, unit, catalog and man page under the configured prefix."""

import json
import os
import subprocess
import tempfile
import unittest

BUILD_ROOT = os.environ["BUILD_ROOT"]


def meson(*arguments):
    result = subprocess.run([os.environ["MESON"], *arguments], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"meson {' '.join(arguments)} failed:\n{result.stderr}")
    return result.stdout


def build_options():
    return {option["name"]: option["value"]
            for option in json.loads(meson("introspect", "--buildoptions", BUILD_ROOT))}


class InstallLayoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        options = build_options()
        cls.prefix = options["prefix"]
        cls.bindir = os.path.join(cls.prefix, options["bindir"])
        cls.mandir = os.path.join(cls.prefix, options["mandir"])
        cls.datadir = os.path.join(cls.prefix, options["datadir"])
        cls.staging = tempfile.TemporaryDirectory()
        cls.destdir = cls.staging.name
        meson("install", "-C", BUILD_ROOT, "--destdir", cls.destdir, "--no-rebuild", "--quiet")

    @classmethod
    def tearDownClass(cls):
        cls.staging.cleanup()

    def installed(self, path):
        """The staged copy of `path`, asserting that it was installed."""
        staged = self.destdir + path
        self.assertTrue(os.path.isfile(staged), f"{path} not installed")
        return staged

    def test_binary_in_bindir(self):
        self.assertTrue(os.access(self.installed(f"{self.bindir}/alembic_exporter"), os.X_OK))

    def test_unit_in_prefix_unit_dir_runs_the_installed_binary(self):
        unit = self.installed(f"{self.prefix}/lib/systemd/system/alembic-exporter.service")
        with open(unit, encoding="utf-8") as file:
            exec_start = [line for line in file if line.startswith("ExecStart=")]
        self.assertEqual(len(exec_start), 1)
        self.assertTrue(exec_start[0].startswith(f"ExecStart={self.bindir}/alembic_exporter serve "),
                        exec_start[0])

    def test_catalog_in_prefix_catalog_dir(self):
        self.installed(f"{self.prefix}/lib/systemd/catalog/alembic-exporter.catalog")

    def test_system_user_in_prefix_sysusers_dir(self):
        with open(self.installed(f"{self.prefix}/lib/sysusers.d/alembic-exporter.conf"),
                  encoding="utf-8") as file:
            users = [line.split()[:2] for line in file if line.startswith("u ")]
        self.assertEqual(users, [["u", "alembic-exporter"]])

    def test_man_page_in_section_1(self):
        self.installed(f"{self.mandir}/man1/alembic_exporter.1")

    def test_systemd_guide_in_doc_dir(self):
        self.installed(f"{self.datadir}/doc/alembic-exporter/SYSTEMD.md")

    def test_example_configs_in_doc_dir(self):
        for example in ("backend.ai.yaml", "minimal.yaml"):
            self.installed(f"{self.datadir}/doc/alembic-exporter/examples/{example}")

    def test_nothing_lands_outside_the_prefix(self):
        staged_prefix = os.path.normpath(self.destdir + self.prefix) + os.sep
        for directory, _, files in os.walk(self.destdir):
            for name in files:
                self.assertTrue(os.path.join(directory, name).startswith(staged_prefix),
                                os.path.join(directory, name))


if __name__ == "__main__":
    unittest.main()
