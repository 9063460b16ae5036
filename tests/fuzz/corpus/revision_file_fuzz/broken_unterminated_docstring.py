"""fix dangling sessions

Revision ID: 9a8b7c6d5e4f
Revises: 8c1d0e5f2a93
Create Date: 2025-01-07 11:02:33.000001

""

from alembic import op

revision = "9a8b7c6d5e4f"
down_revision = "8c1d0e5f2a93"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM sessions WHERE owner IS NULL")


def downgrade() -> None:
    pass
