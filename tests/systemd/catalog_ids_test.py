"""daemon/systemd/message_ids.hpp and the journald catalog define the same message ids, one per event."""

import os
import re
import unittest

SOURCE_ROOT = os.environ["SOURCE_ROOT"]


def read(relative_path):
    with open(os.path.join(SOURCE_ROOT, relative_path), encoding="utf-8") as file:
        return file.read()


def header_ids():
    """{constant name: id} of message_ids.hpp."""
    pattern = r'inline constexpr std::string_view (\w+) = "([^"]*)";'
    return dict(re.findall(pattern, read("daemon/systemd/message_ids.hpp")))


def catalog_ids():
    """The ids of the catalog's entries, in file order (duplicates kept)."""
    return re.findall(r"^-- (\S+)$", read("systemd/alembic-exporter.catalog"), re.MULTILINE)


def state_labels():
    """The State enumerators of component_status.hpp, which are the state labels."""
    body = re.search(r"enum class State \{(.*?)\};", read("collectors/component_status.hpp"),
                     re.DOTALL).group(1)
    return re.findall(r"^\s*(\w+),", body, re.MULTILINE)


class CatalogIdsTest(unittest.TestCase):
    def test_header_and_catalog_list_the_same_ids(self):
        in_catalog = catalog_ids()
        self.assertEqual(len(in_catalog), len(set(in_catalog)), "an id appears twice in the catalog")
        self.assertEqual(sorted(header_ids().values()), sorted(in_catalog))

    def test_ids_are_distinct_128_bit_hex(self):
        ids = list(header_ids().values())
        self.assertEqual(len(ids), len(set(ids)))
        for message_id in ids:
            self.assertRegex(message_id, r"^[0-9a-f]{32}$")

    def test_every_event_kind_has_an_id(self):
        self.assertEqual(len(state_labels()), 7)
        expected = {"state_" + label for label in state_labels()}
        expected |= {"config_reloaded", "config_rejected", "started", "stopping",
                     "migration_started", "migration_ended", "script_warnings_changed",
                     "target_appeared", "target_disappeared"}
        self.assertEqual(set(header_ids()), expected)


if __name__ == "__main__":
    unittest.main()
