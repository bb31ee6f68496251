"""service state: a key/value table for what the service remembers between runs

Revision ID: 0003_service_state
Revises: 0002_portfolio
Create Date: 2026-11-24 03:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_service_state"
down_revision = "0002_portfolio"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_state",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_service_state")),
    )


def downgrade() -> None:
    op.drop_table("service_state")
