"""The journald MESSAGE_IDs of daemon/systemd/message_ids.hpp, as tests look entries up by them."""

import os
import re

SOURCE_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")


def read_source(*path):
    with open(os.path.join(SOURCE_ROOT, *path)) as handle:
        return handle.read()


def message_id(name):
    """An id of daemon/systemd/message_ids.hpp by its name, checked to have a catalog entry."""
    found = re.search(rf'\b{name} = "([0-9a-f]{{32}})"',
                      read_source("daemon", "systemd", "message_ids.hpp"))
    assert found and f"-- {found.group(1)}\n" in read_source("systemd",
                                                            "alembic-exporter.catalog"), name
    return found.group(1)
