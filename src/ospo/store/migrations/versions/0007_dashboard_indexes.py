"""dashboard at scale: flagged-links partial index, findings by purl/vuln_id/due, scans.summary as jsonb on PostgreSQL

Revision ID: 0007_dashboard_indexes
Revises: 0004_where_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_dashboard_indexes"
down_revision = "0004_where_index"
branch_labels = None
depends_on = None

FLAGGED = "verdict IN ('deny', 'review')"


def upgrade() -> None:
    op.create_index(
        "ix_scan_components_flagged",
        "scan_components",
        ["scan_id", "verdict"],
        unique=False,
        postgresql_where=sa.text(FLAGGED),
        sqlite_where=sa.text(FLAGGED),
    )
    op.create_index("ix_vulnerability_findings_purl", "vulnerability_findings", ["purl"], unique=False)
    op.create_index("ix_vulnerability_findings_vuln_id", "vulnerability_findings", ["vuln_id"], unique=False)
    op.create_index("ix_vulnerability_findings_due", "vulnerability_findings", ["due"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "scans",
            "summary",
            type_=postgresql.JSONB(),
            existing_type=sa.JSON(),
            postgresql_using="summary::jsonb",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "scans",
            "summary",
            type_=sa.JSON(),
            existing_type=postgresql.JSONB(),
            postgresql_using="summary::json",
        )
    op.drop_index("ix_vulnerability_findings_due", table_name="vulnerability_findings")
    op.drop_index("ix_vulnerability_findings_vuln_id", table_name="vulnerability_findings")
    op.drop_index("ix_vulnerability_findings_purl", table_name="vulnerability_findings")
    op.drop_index("ix_scan_components_flagged", table_name="scan_components")
