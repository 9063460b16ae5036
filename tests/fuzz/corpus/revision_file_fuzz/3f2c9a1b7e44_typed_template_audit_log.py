"""add audit log table

Revision ID: 3f2c9a1b7e44
Revises: 07402b9d1cd8
Create Date: 2025-03-14 09:26:53.589793

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "3f2c9a1b7e44"
down_revision: Union[str, None] = "07402b9d1cd8"
branch_labels: Union[str, Sequence[str], None] = ("audit_log",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("revision", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
