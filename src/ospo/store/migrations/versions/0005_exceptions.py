"""exceptions: waivers and denials kept in the store; findings name the exception behind their state

Revision ID: 0005_exceptions
Revises: 0004_where_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_exceptions"
down_revision = "0004_where_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exceptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("license", sa.String(length=200), nullable=True),
        sa.Column("purl", sa.String(length=1000), nullable=True),
        sa.Column("versions", sa.String(length=300), nullable=True),
        sa.Column("vulnerability", sa.String(length=200), nullable=True),
        sa.Column("finding_state", sa.String(length=20), nullable=True),
        sa.Column("justification", sa.String(length=100), nullable=True),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("scope_name", sa.String(length=300), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("approved_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=320), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exceptions")),
    )
    with op.batch_alter_table("exceptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exceptions_expires"), ["expires"], unique=False)
        batch_op.create_index(batch_op.f("ix_exceptions_scope_name"), ["scope_name"], unique=False)
    # Findings accepted or declared not affected before this revision keep their state
    # without an exception: nothing revokes them, and an accepted risk still lapses on its date.
    with op.batch_alter_table("vulnerability_findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exception", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_vulnerability_findings_exception"), ["exception"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vulnerability_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vulnerability_findings_exception"))
        batch_op.drop_column("exception")
    with op.batch_alter_table("exceptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exceptions_scope_name"))
        batch_op.drop_index(batch_op.f("ix_exceptions_expires"))
    op.drop_table("exceptions")
