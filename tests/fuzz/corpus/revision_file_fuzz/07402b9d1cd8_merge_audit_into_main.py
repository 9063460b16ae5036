"""merge audit into main

Revision ID: 07402b9d1cd8
Revises: b92a18ef3e79, 914d61e07842
Create Date: 2026-11-24 20:05:32.045259

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '07402b9d1cd8'
down_revision = ('b92a18ef3e79', '914d61e07842')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
