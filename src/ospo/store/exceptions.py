"""Exceptions kept in the store: waivers and recorded denials that reviewers decide.

The policy file holds the waivers a review board writes by hand; this table holds the ones
people decide in the service (an approval in the review queue, an accepted risk or a
not-affected statement on a finding, an exception made through the API). Both are judged
by the same machinery: re-evaluation turns each row that is in scope for a project into a
policy waiver (or, for a denial, a deny rule) and evaluates as usual, so an expired row
stops applying on its own and a revoked one is simply left out.

A row is referred to as ``ospo-<id>`` wherever a scan or a finding names its exception,
which keeps it apart from the policy file's own waiver ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from ospo.model import OspoError
from ospo.store.engine import Store
from ospo.store.models import VulnerabilityFindingRow
from ospo.store.portfolio import (
    AuditRow,
    ComponentRow,
    ExceptionRow,
    ProductRow,
    ProjectRow,
    ScanComponentRow,
)

KINDS = ("license", "component", "vulnerability")
SCOPES = ("all", "product", "project")
VERDICTS = ("allow", "deny")
FINDING_STATES = ("accepted-risk", "not-affected")
REF_PREFIX = "ospo-"
EXPIRING_DAYS = 30
MAX_REASON = 2000
_VERSION_SAFE = re.compile(r"^[0-9A-Za-z][^\s<>=!,|]*$")


class ExceptionError(OspoError):
    """An exception that cannot be made or changed as asked (the message says why)."""


class ExceptionNotFound(ExceptionError):
    """No exception with that id."""


class ExceptionConflict(ExceptionError):
    """The exception cannot change that way any more (it was revoked already)."""


def ref(exception_id: int) -> str:
    return f"{REF_PREFIX}{exception_id}"


def id_of(reference: str | None) -> int | None:
    """The row id behind ``ospo-<id>``; None for a policy-file waiver id or nothing."""
    if reference and reference.startswith(REF_PREFIX) and reference[len(REF_PREFIX) :].isdigit():
        return int(reference[len(REF_PREFIX) :])
    return None


@dataclass(frozen=True)
class StoredException:
    """One row, detached from its session."""

    id: int
    kind: str
    verdict: str
    license: str | None
    purl: str | None
    versions: str | None
    vulnerability: str | None
    finding_state: str | None
    justification: str | None
    scope: str
    scope_name: str | None
    reason: str
    owner: str
    approved_by: str
    created_at: datetime
    expires: date | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None

    @property
    def ref(self) -> str:
        return ref(self.id)

    def status(self, today: date) -> str:
        """revoked, expired, expiring (within EXPIRING_DAYS) or active."""
        return lifecycle(self.revoked_at is not None, self.expires, today)

    def applies(self, today: date) -> bool:
        return self.status(today) in ("active", "expiring")

    @property
    def target(self) -> str:
        """What it is about, in a few words."""
        parts = [p for p in (self.vulnerability, self.purl, self.versions, self.license) if p]
        return " ".join(parts) or "everything"

    @property
    def where(self) -> str:
        return "everywhere" if self.scope == "all" else f"{self.scope} {self.scope_name}"


def lifecycle(revoked: bool, expires: date | None, today: date) -> str:
    """The status of any waiver (the store's or the policy file's) on `today`."""
    if revoked:
        return "revoked"
    if expires is not None and expires < today:
        return "expired"
    if expires is not None and expires <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "active"


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored one is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _detached(row: ExceptionRow) -> StoredException:
    created = _aware(row.created_at)
    assert created is not None
    return StoredException(
        id=row.id,
        kind=row.kind,
        verdict=row.verdict,
        license=row.license,
        purl=row.purl,
        versions=row.versions,
        vulnerability=row.vulnerability,
        finding_state=row.finding_state,
        justification=row.justification,
        scope=row.scope,
        scope_name=row.scope_name,
        reason=row.reason,
        owner=row.owner,
        approved_by=row.approved_by,
        created_at=created,
        expires=row.expires,
        revoked_at=_aware(row.revoked_at),
        revoked_by=row.revoked_by,
        revoke_reason=row.revoke_reason,
    )


def purl_target(purl: str) -> tuple[str, str | None]:
    """The pattern and exact-version range that single out one component version: the purl
    without version, qualifiers or subpath (decoded and with wildcards escaped, as the
    policy's patterns are matched) and ``=<version>``."""
    head = purl.split("?", 1)[0].split("#", 1)[0]
    name_start = head.rfind("/")
    at = head.find("@", name_start + 1)
    base, version = (head[:at], unquote(head[at + 1 :])) if at != -1 else (head, None)
    pattern = re.sub(r"([*?\[])", r"[\1]", unquote(base))
    if version is None or not version:
        return pattern, None
    if not _VERSION_SAFE.match(version):
        raise ExceptionError(f"the version of {purl} cannot be written as a version range")
    return pattern, f"={version}"


def _text(value: str | None, what: str, limit: int, *, required: bool = False) -> str | None:
    value = (value or "").strip() or None
    if value is None:
        if required:
            raise ExceptionError(f"{what} is required")
        return None
    if len(value) > limit:
        raise ExceptionError(f"{what} is longer than {limit} characters")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ExceptionError(f"{what} contains control characters")
    return value


def check_expiry(expires: date | None, today: date, *, required: bool) -> None:
    if expires is None:
        if required:
            raise ExceptionError("an expiry date is required (accepted risks must end)")
        return
    if expires < today:
        raise ExceptionError(f"the expiry date {expires} is in the past")


def new_exception_in(
    session: Session,
    *,
    kind: str,
    reason: str,
    owner: str,
    actor: str,
    scope: str = "all",
    scope_name: str | None = None,
    verdict: str = "allow",
    license: str | None = None,
    purl: str | None = None,
    versions: str | None = None,
    vulnerability: str | None = None,
    finding_state: str | None = None,
    justification: str | None = None,
    expires: date | None = None,
    now: datetime | None = None,
    audit: bool = True,
) -> ExceptionRow:
    """Validate and add one exception in the caller's transaction (and its audit entry
    unless the caller writes its own). Version ranges are the caller's to validate: their
    syntax belongs to the policy, which the store does not import."""
    now = now or datetime.now(UTC)
    if kind not in KINDS:
        raise ExceptionError(f"kind must be one of {', '.join(KINDS)}")
    if verdict not in VERDICTS:
        raise ExceptionError(f"verdict must be one of {', '.join(VERDICTS)}")
    if scope not in SCOPES:
        raise ExceptionError(f"scope must be one of {', '.join(SCOPES)}")
    scope_name = _text(scope_name, "the scope's name", 300, required=scope != "all") if scope != "all" else None
    license = _text(license, "the licence", 200, required=kind == "license")
    purl = _text(purl, "the purl pattern", 1000, required=kind == "component")
    versions = _text(versions, "the version range", 300)
    vulnerability = _text(vulnerability, "the vulnerability id", 200, required=kind == "vulnerability")
    if purl is not None and purl != "*" and not purl.startswith("pkg:"):
        raise ExceptionError(f"{purl!r} is not a purl pattern (pkg:type/namespace/name, * as wildcard)")
    if versions is not None and purl is None:
        raise ExceptionError("a version range needs a purl pattern")
    if verdict == "deny" and (kind != "component" or purl in (None, "*")):
        raise ExceptionError("a recorded denial names a component (a purl pattern)")
    if kind == "vulnerability":
        if verdict != "allow":
            raise ExceptionError("a vulnerability exception is a waiver (verdict allow)")
        finding_state = finding_state or "accepted-risk"
        if finding_state not in FINDING_STATES:
            raise ExceptionError(f"finding state must be one of {', '.join(FINDING_STATES)}")
        if finding_state == "not-affected" and not justification:
            raise ExceptionError("a not-affected statement needs a justification")
    elif finding_state is not None or justification is not None:
        raise ExceptionError("finding state and justification belong to vulnerability exceptions")
    check_expiry(expires, now.date(), required=finding_state == "accepted-risk")
    row = ExceptionRow(
        kind=kind,
        verdict=verdict,
        license=license,
        purl=purl,
        versions=versions,
        vulnerability=vulnerability,
        finding_state=finding_state,
        justification=_text(justification, "the justification", 100),
        scope=scope,
        scope_name=scope_name,
        reason=_text(reason, "a reason", MAX_REASON, required=True),
        owner=_text(owner, "an owner", 200, required=True),
        approved_by=actor,
        created_at=now,
        expires=expires,
    )
    session.add(row)
    session.flush()
    if audit:
        session.add(
            AuditRow(at=now, actor=actor, action="exception.create", subject=ref(row.id), details=describe(row))
        )
    return row


def describe(row: ExceptionRow) -> dict[str, Any]:
    """The row as the audit log keeps it."""
    return {
        "id": ref(row.id),
        "kind": row.kind,
        "verdict": row.verdict,
        "license": row.license,
        "purl": row.purl,
        "versions": row.versions,
        "vulnerability": row.vulnerability,
        "finding_state": row.finding_state,
        "justification": row.justification,
        "scope": row.scope,
        "scope_name": row.scope_name,
        "reason": row.reason,
        "owner": row.owner,
        "expires": row.expires.isoformat() if row.expires else None,
    }


def revoke_in(
    session: Session, exception_id: int, *, actor: str, reason: str, now: datetime | None = None
) -> ExceptionRow:
    """Stamp a row revoked (with its audit entry); revoking twice is an error."""
    now = now or datetime.now(UTC)
    row = session.get(ExceptionRow, exception_id)
    if row is None:
        raise ExceptionNotFound(f"no exception {ref(exception_id)}")
    if row.revoked_at is not None:
        raise ExceptionConflict(f"exception {ref(exception_id)} was already revoked by {row.revoked_by}")
    row.revoked_at = now
    row.revoked_by = actor
    row.revoke_reason = _text(reason, "a reason", MAX_REASON, required=True)
    session.add(
        AuditRow(
            at=now,
            actor=actor,
            action="exception.revoke",
            subject=ref(row.id),
            details={**describe(row), "revoke_reason": row.revoke_reason},
        )
    )
    return row


def get_exception(store: Store, exception_id: int) -> StoredException | None:
    with store.session() as session:
        row = session.get(ExceptionRow, exception_id)
        return _detached(row) if row is not None else None


def list_exceptions(store: Store, *, verdict: str | None = "allow", limit: int = 10_000) -> list[StoredException]:
    """Newest first; waivers only by default (denials are in the review queue's history)."""
    with store.session() as session:
        stmt = select(ExceptionRow).order_by(ExceptionRow.id.desc()).limit(limit)
        if verdict is not None:
            stmt = stmt.where(ExceptionRow.verdict == verdict)
        return [_detached(r) for r in session.execute(stmt).scalars()]


def _expiring_condition(today: date, days: int = EXPIRING_DAYS) -> Any:
    return (
        ExceptionRow.revoked_at.is_(None),
        ExceptionRow.verdict == "allow",
        ExceptionRow.expires >= today,
        ExceptionRow.expires <= today + timedelta(days=days),
    )


def expiring(store: Store, today: date, days: int = EXPIRING_DAYS, limit: int | None = None) -> list[StoredException]:
    """Waivers in force that end within `days`, soonest first (the first `limit` of them)."""
    with store.session() as session:
        stmt = (
            select(ExceptionRow)
            .where(*_expiring_condition(today, days))
            .order_by(ExceptionRow.expires, ExceptionRow.id)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_detached(r) for r in session.execute(stmt).scalars()]


# The exceptions page's sections: waivers ending within EXPIRING_DAYS (soonest first), the
# other waivers in force, recorded denials, and waivers that ended (newest first each).
SECTIONS = ("expiring", "active", "denials", "ended")


def _section_condition(section: str, today: date) -> Any:
    row = ExceptionRow
    soon = today + timedelta(days=EXPIRING_DAYS)
    if section == "expiring":
        return _expiring_condition(today)
    if section == "active":
        return (row.verdict == "allow", row.revoked_at.is_(None), or_(row.expires.is_(None), row.expires > soon))
    if section == "denials":
        return (row.verdict == "deny",)
    if section == "ended":
        return (row.verdict == "allow", or_(row.revoked_at.is_not(None), row.expires < today))
    raise ValueError(f"section must be one of {', '.join(SECTIONS)}")


def section_counts(store: Store, today: date) -> dict[str, int]:
    """How many exceptions each section of the exceptions page holds."""
    with store.session() as session:
        found = session.execute(
            select(*(func.count().filter(*_section_condition(s, today)) for s in SECTIONS)).select_from(ExceptionRow)
        ).one()
    return {s: int(n) for s, n in zip(SECTIONS, found, strict=True)}


def section_page(
    store: Store, section: str, today: date, *, limit: int = 100, offset: int = 0
) -> list[StoredException]:
    """`limit` exceptions of one section of the exceptions page from `offset`, in its order."""
    row = ExceptionRow
    order = (row.expires, row.id) if section == "expiring" else (row.id.desc(),)
    with store.session() as session:
        stmt = select(row).where(*_section_condition(section, today)).order_by(*order).limit(limit).offset(offset)
        return [_detached(r) for r in session.execute(stmt).scalars()]


def in_scope(session: Session, project: str, product: str | None) -> list[StoredException]:
    """Every row not revoked that reaches `project`: its own, its product's and the
    portfolio-wide ones, the narrowest and newest first (the first matching one explains a
    waived verdict). Expired rows are included so evaluation can say they lapsed."""
    scopes = [(ExceptionRow.scope == "project") & (ExceptionRow.scope_name == project), ExceptionRow.scope == "all"]
    if product is not None:
        scopes.append((ExceptionRow.scope == "product") & (ExceptionRow.scope_name == product))
    rows = session.execute(
        select(ExceptionRow).where(ExceptionRow.revoked_at.is_(None), or_(*scopes)).order_by(ExceptionRow.id.desc())
    ).scalars()
    order = {"project": 0, "product": 1, "all": 2}
    return sorted((_detached(r) for r in rows), key=lambda e: order.get(e.scope, 3))


def active_digest(session: Session, today: date) -> str:
    """The ids of the rows that apply on `today`: changes when one is made, revoked or lapses."""
    ids = session.execute(
        select(ExceptionRow.id)
        .where(ExceptionRow.revoked_at.is_(None), or_(ExceptionRow.expires.is_(None), ExceptionRow.expires >= today))
        .order_by(ExceptionRow.id)
    ).scalars()
    return ",".join(str(i) for i in ids)


def lapsed_between(session: Session, first: date, today: date) -> list[StoredException]:
    """Rows whose last day fell in [first, today): they stopped applying since `first`."""
    rows = session.execute(
        select(ExceptionRow).where(
            ExceptionRow.revoked_at.is_(None), ExceptionRow.expires >= first, ExceptionRow.expires < today
        )
    ).scalars()
    return [_detached(r) for r in rows]


_LIKE_SAFE = re.compile(r"^pkg:[A-Za-z0-9.\-_/:*?]+$")


def _like(pattern: str) -> str | None:
    """A purl pattern as a LIKE pattern on stored (lower-cased) base purls, or None when it
    has characters a stored purl may spell percent-encoded: then it cannot narrow a search."""
    if not _LIKE_SAFE.match(pattern):
        return None
    escaped = pattern.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def affected_projects(store: Store, exceptions: Iterable[StoredException]) -> list[str]:
    """Projects whose latest scan or findings an exception can change: those in its scope,
    narrowed for a wider one to the projects shipping a matching component or licence or
    tracking the vulnerability. A superset is fine (re-evaluation is idempotent); missing
    one is not, so a pattern that cannot be narrowed reaches every project in scope."""
    names: set[str] = set()
    with store.session() as session:
        for exc in exceptions:
            if exc.scope == "project" and exc.scope_name:
                names.add(exc.scope_name)
                continue
            stmt = select(ProjectRow.name).where(ProjectRow.latest_scan_id.is_not(None))
            if exc.scope == "product":
                stmt = stmt.join(ProductRow, ProductRow.id == ProjectRow.product_id).where(
                    ProductRow.name == exc.scope_name
                )
            if exc.kind == "vulnerability" and exc.vulnerability:
                vid = exc.vulnerability.upper()
                tracked = select(VulnerabilityFindingRow.id).where(
                    VulnerabilityFindingRow.project == ProjectRow.name,
                    or_(
                        func.upper(VulnerabilityFindingRow.vuln_id) == vid,
                        func.upper(cast(VulnerabilityFindingRow.aliases, String)).like(f'%"{vid}"%'),
                    ),
                )
                names.update(session.execute(stmt.where(tracked.exists())).scalars())
                continue
            linked = (
                select(ScanComponentRow.scan_id)
                .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
                .where(ScanComponentRow.scan_id == ProjectRow.latest_scan_id)
            )
            like = _like(exc.purl) if exc.purl else None
            if like is not None:
                linked = linked.where(func.lower(ComponentRow.base_purl).like(like, escape="\\"))
            if exc.license:
                linked = linked.where(ScanComponentRow.license.contains(exc.license, autoescape=True))
            names.update(session.execute(stmt.where(linked.exists())).scalars())
    return sorted(names)
