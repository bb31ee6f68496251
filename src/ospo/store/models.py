"""Tables of the vulnerability database: advisories, affected packages, findings, sources.

Names are plural nouns prefixed by what they belong to only where ambiguous
(`advisory_packages`, `vulnerability_findings`), leaving room for `teams`, `products`,
`scans` and `components` tables that the service adds later; `vulnerability_findings.project`
is a plain string scope now and can gain a foreign key to `products` in a later migration.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ospo.store.base import Base


class AdvisoryRow(Base):
    """One OSV record, as imported; `raw` keeps the whole record for reports and re-parsing."""

    __tablename__ = "advisories"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16), default="unknown")
    score: Mapped[float | None] = mapped_column(default=None)
    vector: Mapped[str | None] = mapped_column(String(300), default=None)
    published: Mapped[str | None] = mapped_column(String(40), default=None)
    modified: Mapped[str] = mapped_column(String(40), default="")
    withdrawn: Mapped[str | None] = mapped_column(String(40), default=None)
    source: Mapped[str] = mapped_column(String(500), default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    packages: Mapped[list[AdvisoryPackageRow]] = relationship(
        back_populates="advisory", cascade="all, delete-orphan", passive_deletes=True
    )


class AdvisoryPackageRow(Base):
    """One `affected[]` entry: the package (ecosystem + normalised name) and its ranges."""

    __tablename__ = "advisory_packages"
    __table_args__ = (Index("ix_advisory_packages_ecosystem_name", "ecosystem", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    advisory_id: Mapped[str] = mapped_column(ForeignKey("advisories.id", ondelete="CASCADE"), index=True)
    ecosystem: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))
    affected: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    advisory: Mapped[AdvisoryRow] = relationship(back_populates="packages")


class ImportSourceRow(Base):
    """Where advisories came from, with HTTP validators so an unchanged feed is not fetched."""

    __tablename__ = "import_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location: Mapped[str] = mapped_column(String(1000), unique=True)
    etag: Mapped[str | None] = mapped_column(String(500), default=None)
    last_modified: Mapped[str | None] = mapped_column(String(100), default=None)
    imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    records: Mapped[int] = mapped_column(Integer, default=0)


class VulnerabilityFindingRow(Base):
    """One vulnerability in one component of one project, with its SLA state.

    `vuln_id` is the canonical id of the alias group (CVE first); `aliases` the other ids, so
    a re-import that adds a GHSA or PYSEC record for the same CVE keeps the finding's
    first-seen date. `state` is open, fixed, accepted-risk or not-affected; `exception` names
    the exception that justifies an accepted-risk or not-affected state (``ospo-<id>`` for
    one in the store, else the policy file's waiver id), so revoking it reopens the finding.
    """

    __tablename__ = "vulnerability_findings"
    # purl: a package's findings (a range on "base@"); vuln_id: an advisory's findings;
    # due: the most urgent first without sorting every open finding; sla: every column the
    # dashboard's counts per severity need, read without the table.
    __table_args__ = (
        UniqueConstraint("project", "purl", "vuln_id"),
        Index("ix_vulnerability_findings_purl", "purl"),
        Index("ix_vulnerability_findings_vuln_id", "vuln_id"),
        Index("ix_vulnerability_findings_due", "due"),
        Index("ix_vulnerability_findings_sla", "severity", "state", "due", "state_expires"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project: Mapped[str] = mapped_column(String(1000), index=True)
    purl: Mapped[str] = mapped_column(String(1000))
    vuln_id: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    severity: Mapped[str] = mapped_column(String(16), default="unknown")
    score: Mapped[float | None] = mapped_column(default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    fixed_versions: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due: Mapped[date | None] = mapped_column(Date, default=None)
    state: Mapped[str] = mapped_column(String(20), default="open")
    state_reason: Mapped[str | None] = mapped_column(Text, default=None)
    state_owner: Mapped[str | None] = mapped_column(String(200), default=None)
    state_expires: Mapped[date | None] = mapped_column(Date, default=None)
    justification: Mapped[str | None] = mapped_column(String(100), default=None)
    fixed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    exception: Mapped[str | None] = mapped_column(String(100), default=None, index=True)
