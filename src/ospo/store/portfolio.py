"""Tables of the portfolio: who owns what, what each project ships, and every scan of it.

Components are stored once per purl; a scan links to the components it found with the
per-scan facts (scope, licence, verdict). `projects.latest_scan_id` points at the newest
scan so "where do we ship X today?" is one indexed join, not a search through history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement

from ospo.store.base import Base

# Binary JSON on PostgreSQL: the dashboard reads a few numbers out of every scan's summary
# (trends over every scan, licence counts over the latest ones), and `json` is re-parsed
# from text for each one of them (about seven times slower on 30,000 scans).
SUMMARY_JSON = JSON().with_variant(JSONB(), "postgresql")
# The severity ratings a summary counts vulnerabilities under (ospo.vulns.severity's; the
# store does not import the vulnerability package).
RATINGS = ("critical", "high", "medium", "low", "none", "unknown")


class SummaryCount(ColumnElement[int]):
    """The sum of `summary[section][key]` over `keys` (missing ones 0), as SQL each database
    accepts in a generated column: JSON operators on PostgreSQL, json_extract on SQLite."""

    inherit_cache = True

    def __init__(self, section: str, keys: tuple[str, ...]) -> None:
        self.section = section
        self.keys = keys
        self.type = Integer()


@compiles(SummaryCount, "postgresql")
def _summary_count_postgresql(element: SummaryCount, compiler: SQLCompiler, **kw: Any) -> str:
    return " + ".join(
        f"COALESCE(CAST(summary -> '{element.section}' ->> '{key}' AS INTEGER), 0)" for key in element.keys
    )


@compiles(SummaryCount)
def _summary_count_default(element: SummaryCount, compiler: SQLCompiler, **kw: Any) -> str:
    return " + ".join(
        f"COALESCE(CAST(json_extract(summary, '$.{element.section}.{key}') AS INTEGER), 0)" for key in element.keys
    )


class TeamRow(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact: Mapped[str | None] = mapped_column(String(300), default=None)


class UserRow(Base):
    """A person who logs in, or the owner of API tokens; `role` is admin/reviewer/engineer/viewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    password_hash: Mapped[str | None] = mapped_column(String(500), default=None)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    """A machine credential: only a hash is stored; the token is shown once at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(20), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class SessionRow(Base):
    """A browser session: the cookie carries the id, the table keeps its hash and CSRF secret."""

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProductRow(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    distribution: Mapped[str] = mapped_column(String(20), default="distributed")
    description: Mapped[str] = mapped_column(Text, default="")


class ProjectRow(Base):
    """A repository (or any scanned tree); belongs to at most one product."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    repository_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), default=None, index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    # Not a foreign key: projects and scans would refer to each other; ingest keeps it right.
    latest_scan_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class ReleaseRow(Base):
    """A released version of a product, frozen to the scans it was built from."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("product_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScanRow(Base):
    """One scan (or imported SBOM) of a project; idempotent by the content hash."""

    __tablename__ = "scans"
    __table_args__ = (UniqueConstraint("project_id", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    release_id: Mapped[int | None] = mapped_column(
        ForeignKey("releases.id", ondelete="SET NULL"), default=None, index=True
    )
    content_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20), default="scan")  # scan, cyclonedx, spdx
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    distribution: Mapped[str] = mapped_column(String(20), default="distributed")
    verdict: Mapped[str | None] = mapped_column(String(10), default=None)
    component_count: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(SUMMARY_JSON, default=dict)
    # Figures of the summary the portfolio trend adds up over every scan, computed by the
    # database whenever the summary is written (ingest, a review decision, re-evaluation):
    # reading three integers of 30,000 scans is ten times cheaper than three JSON paths.
    denied: Mapped[int] = mapped_column(Integer, Computed(SummaryCount("verdicts", ("deny",))))
    to_review: Mapped[int] = mapped_column(Integer, Computed(SummaryCount("verdicts", ("review",))))
    vulnerabilities: Mapped[int] = mapped_column(Integer, Computed(SummaryCount("vulnerabilities", RATINGS)))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ComponentRow(Base):
    """A package version, once per purl across the whole portfolio."""

    __tablename__ = "components"
    __table_args__ = (Index("ix_components_ecosystem_namespace_name", "ecosystem", "namespace", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    purl: Mapped[str] = mapped_column(String(1000), unique=True)
    base_purl: Mapped[str] = mapped_column(String(1000), index=True)  # purl without version
    ecosystem: Mapped[str] = mapped_column(String(40))
    namespace: Mapped[str | None] = mapped_column(String(300), default=None)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str | None] = mapped_column(String(200), default=None)


class ScanComponentRow(Base):
    """A component as one scan saw it: scope, directness, concluded licence and verdict."""

    __tablename__ = "scan_components"
    # Covers "where is X": from a component to the scans shipping it without touching the
    # table (index-only on PostgreSQL), the join that dominates the query otherwise. On
    # PostgreSQL it also carries licence and verdict (INCLUDE: stored, not ordered by), so
    # a package's page over thousands of projects reads no table row either.
    # `flagged` holds only the links waiting for a decision or denied (a few per cent): the
    # dashboard counts and lists them per latest scan without reading every link.
    __table_args__ = (
        Index(
            "ix_scan_components_where",
            "component_id",
            "scan_id",
            "scope",
            "direct",
            postgresql_include=["license", "verdict"],
        ),
        Index(
            "ix_scan_components_flagged",
            "scan_id",
            "verdict",
            postgresql_where=text("verdict IN ('deny', 'review')"),
            sqlite_where=text("verdict IN ('deny', 'review')"),
        ),
    )

    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id", ondelete="CASCADE"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), default="runtime")
    direct: Mapped[bool | None] = mapped_column(Boolean, default=None)
    license: Mapped[str | None] = mapped_column(String(1000), default=None)
    license_source: Mapped[str | None] = mapped_column(String(20), default=None)
    verdict: Mapped[str | None] = mapped_column(String(10), default=None)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    exception: Mapped[str | None] = mapped_column(String(100), default=None)


class ExceptionRow(Base):
    """A decision kept in the store: a waiver (verdict allow) or a recorded denial (deny).

    It names what it is about (a licence, a purl pattern with an optional version range, or
    a vulnerability id, in the policy file's waiver terms) and where it applies (scope all,
    or one product or project by name: findings name projects by string, so do we). Rows are
    never deleted: revoking stamps who and when, and `expires` is the last day it applies.
    """

    __tablename__ = "exceptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # license, component, vulnerability
    verdict: Mapped[str] = mapped_column(String(10), default="allow")  # allow (waiver) or deny
    license: Mapped[str | None] = mapped_column(String(200), default=None)
    purl: Mapped[str | None] = mapped_column(String(1000), default=None)
    versions: Mapped[str | None] = mapped_column(String(300), default=None)
    vulnerability: Mapped[str | None] = mapped_column(String(200), default=None)
    finding_state: Mapped[str | None] = mapped_column(String(20), default=None)  # accepted-risk, not-affected
    justification: Mapped[str | None] = mapped_column(String(100), default=None)
    scope: Mapped[str] = mapped_column(String(20), default="all")  # all, product, project
    scope_name: Mapped[str | None] = mapped_column(String(300), default=None, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    approved_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_by: Mapped[str | None] = mapped_column(String(320), default=None)
    revoke_reason: Mapped[str | None] = mapped_column(Text, default=None)


class AuditRow(Base):
    """Append-only: who did what, when. Never updated or deleted by ospo."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(1000), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ServiceStateRow(Base):
    """Small named values the service keeps between runs, e.g. the fingerprint of the policy
    and advisories the stored decisions were last made with."""

    __tablename__ = "service_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
