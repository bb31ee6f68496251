"""covering index for where-is: scan_components (component_id, scan_id, scope, direct), replacing (component_id)

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
        # the single-column index is a prefix of the new one: drop it, one less to maintain
        batch_op.drop_index("ix_scan_components_component_id")


def downgrade() -> None:
    with op.batch_alter_table("scan_components", schema=None) as batch_op:
        batch_op.create_index("ix_scan_components_component_id", ["component_id"], unique=False)
        batch_op.drop_index("ix_scan_components_where")
