"""dashboard at scale: indexes for flagged links and findings, trend figures of scans

Flagged-links partial index; findings by purl, vuln_id, due and SLA columns; scans' trend figures as
generated columns; on PostgreSQL scans.summary as jsonb and licence and verdict in the
where-is index (INCLUDE).

Revision ID: 0007_dashboard_indexes
Revises: 0005_exceptions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_dashboard_indexes"
down_revision = "0005_exceptions"
branch_labels = None
depends_on = None

FLAGGED = "verdict IN ('deny', 'review')"
RATINGS = ("critical", "high", "medium", "low", "none", "unknown")
# (column, summary section, keys): the generated columns of scans, as in ospo.store.portfolio
GENERATED = [
    ("denied", "verdicts", ("deny",)),
    ("to_review", "verdicts", ("review",)),
    ("vulnerabilities", "vulnerabilities", RATINGS),
]


def _summary_sum(dialect: str, section: str, keys: tuple[str, ...]) -> str:
    if dialect == "postgresql":
        return " + ".join(f"COALESCE(CAST(summary -> '{section}' ->> '{k}' AS INTEGER), 0)" for k in keys)
    return " + ".join(f"COALESCE(CAST(json_extract(summary, '$.{section}.{k}') AS INTEGER), 0)" for k in keys)


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
    op.create_index(
        "ix_vulnerability_findings_sla",
        "vulnerability_findings",
        ["severity", "state", "due", "state_expires"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "scans",
            "summary",
            type_=postgresql.JSONB(),
            existing_type=sa.JSON(),
            postgresql_using="summary::jsonb",
        )
        op.drop_index("ix_scan_components_where", table_name="scan_components")
        op.create_index(
            "ix_scan_components_where",
            "scan_components",
            ["component_id", "scan_id", "scope", "direct"],
            unique=False,
            postgresql_include=["license", "verdict"],
        )
    dialect = op.get_bind().dialect.name
    for column, section, keys in GENERATED:
        op.add_column(
            "scans",
            sa.Column(
                column,
                sa.Integer(),
                # stored on PostgreSQL (read over every scan); SQLite can only add virtual ones
                sa.Computed(_summary_sum(dialect, section, keys), persisted=True if dialect == "postgresql" else None),
                nullable=False,
            ),
        )


def downgrade() -> None:
    for column, _, _ in GENERATED:
        with op.batch_alter_table("scans") as batch_op:
            batch_op.drop_column(column)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_scan_components_where", table_name="scan_components")
        op.create_index(
            "ix_scan_components_where", "scan_components", ["component_id", "scan_id", "scope", "direct"], unique=False
        )
        op.alter_column(
            "scans",
            "summary",
            type_=sa.JSON(),
            existing_type=postgresql.JSONB(),
            postgresql_using="summary::json",
        )
    op.drop_index("ix_vulnerability_findings_sla", table_name="vulnerability_findings")
    op.drop_index("ix_vulnerability_findings_due", table_name="vulnerability_findings")
    op.drop_index("ix_vulnerability_findings_vuln_id", table_name="vulnerability_findings")
    op.drop_index("ix_vulnerability_findings_purl", table_name="vulnerability_findings")
    op.drop_index("ix_scan_components_flagged", table_name="scan_components")
