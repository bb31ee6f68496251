"""covering index for where-is: scan_components (component_id, scan_id, scope, direct)

Revision ID: 0004_where_index
Revises: 0003_service_state
"""

from __future__ import annotations

from alembic import op

revision = "0004_where_index"
down_revision = "0003_service_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scan_components", schema=None) as batch_op:
        batch_op.create_index("ix_scan_components_where", ["component_id", "scan_id", "scope", "direct"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scan_components", schema=None) as batch_op:
        batch_op.drop_index("ix_scan_components_where")
