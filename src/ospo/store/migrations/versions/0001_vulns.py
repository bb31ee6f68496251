"""vulnerability database: advisories, packages, findings, sources

Revision ID: 0001_vulns
Revises: (none)
Create Date: 2026-11-24 02:04:11.989861
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_vulns"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advisories",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("vector", sa.String(length=300), nullable=True),
        sa.Column("published", sa.String(length=40), nullable=True),
        sa.Column("modified", sa.String(length=40), nullable=False),
        sa.Column("withdrawn", sa.String(length=40), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisories")),
    )
    op.create_table(
        "import_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("location", sa.String(length=1000), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_sources")),
        sa.UniqueConstraint("location", name=op.f("uq_import_sources_location")),
    )
    op.create_table(
        "vulnerability_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project", sa.String(length=1000), nullable=False),
        sa.Column("purl", sa.String(length=1000), nullable=False),
        sa.Column("vuln_id", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("fixed_versions", sa.JSON(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=True),
        sa.Column("state_owner", sa.String(length=200), nullable=True),
        sa.Column("state_expires", sa.Date(), nullable=True),
        sa.Column("justification", sa.String(length=100), nullable=True),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vulnerability_findings")),
        sa.UniqueConstraint("project", "purl", "vuln_id", name=op.f("uq_vulnerability_findings_project_purl_vuln_id")),
    )
    with op.batch_alter_table("vulnerability_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vulnerability_findings_project"), ["project"], unique=False)

    op.create_table(
        "advisory_packages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("advisory_id", sa.String(length=200), nullable=False),
        sa.Column("ecosystem", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("affected", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisory_id"],
            ["advisories.id"],
            name=op.f("fk_advisory_packages_advisory_id_advisories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisory_packages")),
    )
    with op.batch_alter_table("advisory_packages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_advisory_packages_advisory_id"), ["advisory_id"], unique=False)
        batch_op.create_index("ix_advisory_packages_ecosystem_name", ["ecosystem", "name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("advisory_packages", schema=None) as batch_op:
        batch_op.drop_index("ix_advisory_packages_ecosystem_name")
        batch_op.drop_index(batch_op.f("ix_advisory_packages_advisory_id"))

    op.drop_table("advisory_packages")
    with op.batch_alter_table("vulnerability_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vulnerability_findings_project"))

    op.drop_table("vulnerability_findings")
    op.drop_table("import_sources")
    op.drop_table("advisories")
