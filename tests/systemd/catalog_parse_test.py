"""journalctl accepts the catalog: it compiles into a catalog database that lists every entry."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

CATALOG = os.environ["CATALOG"]


def journalctl(root, *arguments):
    return subprocess.run([os.environ["JOURNALCTL"], f"--root={root}", *arguments],
                          capture_output=True, text=True, check=False)


class CatalogParseTest(unittest.TestCase):
    def test_update_catalog_accepts_it_and_lists_every_entry(self):
        with open(CATALOG, encoding="utf-8") as file:
            entries = re.findall(r"^-- (\S+)\nSubject: (.*)$", file.read(), re.MULTILINE)
        self.assertEqual(len(entries), 16)
        with tempfile.TemporaryDirectory() as root:
            catalog_dir = os.path.join(root, "usr/lib/systemd/catalog")
            os.makedirs(catalog_dir)
            shutil.copy(CATALOG, catalog_dir)

            update = journalctl(root, "--update-catalog")
            self.assertEqual((update.returncode, update.stderr), (0, ""))
            listing = journalctl(root, "--list-catalog")
            self.assertEqual((listing.returncode, listing.stderr), (0, ""))

        listed = sorted(listing.stdout.splitlines())
        self.assertEqual(listed, sorted(f"{message_id} alembic_exporter: {subject}"
                                        for message_id, subject in entries))


if __name__ == "__main__":
    unittest.main()
