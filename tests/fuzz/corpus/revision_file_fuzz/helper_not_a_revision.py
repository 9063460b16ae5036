"""Helpers shared by the migrations of this directory.

Usage: ``from helpers import add_timestamps``; a migration then declares
``revision = "..."`` and ``down_revision = "..."`` as usual.
"""

import sqlalchemy as sa


def add_timestamps(op, table: str) -> None:
    revision = "not a module-level assignment"
    op.add_column(table, sa.Column("created_at", sa.DateTime(), nullable=False))
    op.add_column(table, sa.Column("updated_at", sa.DateTime(), nullable=True))
    return revision
