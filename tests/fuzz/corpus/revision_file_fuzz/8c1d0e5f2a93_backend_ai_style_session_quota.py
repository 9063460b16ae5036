"""add-session-quota

Revision ID: 0000deadbeef
Revises: this line is stale and must not be trusted
Create Date: 2024-11-02 17:45:10.123456

"""

import enum
import textwrap
from typing import Final

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Part of: 24.12.0


class QuotaScope(enum.StrEnum):
    USER = "user"
    PROJECT = "project"

    def describe(self) -> str:
        revision = "not-this-one"  # a local, not the module's
        return f"{self.value!r:>10} ({revision})"


DEFAULT_LIMIT: Final = 1 << 30
SQL = textwrap.dedent(
    """
    UPDATE sessions SET quota = {limit}  -- revision = 'nope'
    WHERE down_revision IS NULL;
    """
)

# revision identifiers, used by Alembic.
revision = "8c1d0e5f2a93"
down_revision = (
    "3f2c9a1b7e44",  # audit log
    "20aa4b6c8d0e",  # session priority
    "5e7f9a1b3c5d",  # Ümlaut-bearing comment: quota für Benutzer
)
branch_labels = None
depends_on = ["3f2c9a1b7e44"]


def upgrade() -> None:
    quota_scope = postgresql.ENUM(*(s.value for s in QuotaScope), name="quotascope")
    quota_scope.create(op.get_bind())
    op.add_column("sessions", sa.Column("quota", sa.BigInteger(), nullable=True))
    op.execute(SQL.format(limit=DEFAULT_LIMIT))
    op.execute(f"COMMENT ON COLUMN sessions.quota IS '{QuotaScope.USER.describe()}'")


def downgrade() -> None:
    op.drop_column("sessions", "quota")
    op.execute("DROP TYPE quotascope")
