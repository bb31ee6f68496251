"""Findings over time: first seen, due date, state; what `ospo vulns list` shows.

Each check of a project records its findings: a new one is opened with its SLA due date; a
known one (matched by canonical id or any alias, so a newly imported GHSA for the same CVE
does not restart the clock) is refreshed; an open one that is no longer found is marked
fixed. States set by people (accepted risk, not affected) are kept across checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from ospo.model import OspoError
from ospo.store import Store, VulnerabilityFindingRow
from ospo.vulns.matcher import Finding
from ospo.vulns.severity import RANK
from ospo.vulns.sla import (
    VEX_JUSTIFICATIONS,
    FindingState,
    SlaPolicy,
    days_left,
    effective_state,
    is_overdue,
)


class FindingNotFound(OspoError):
    """No finding with that project, component and id."""


@dataclass(frozen=True)
class TrackedFinding:
    """A stored finding with its SLA figures computed for `today`."""

    project: str
    purl: str
    vuln_id: str
    aliases: tuple[str, ...]
    severity: str
    score: float | None
    summary: str
    fixed_versions: tuple[str, ...]
    first_seen: datetime
    due: date | None
    state: str
    effective_state: str
    overdue: bool
    days_left: int | None
    reason: str | None
    owner: str | None
    expires: date | None
    justification: str | None


def _tracked(row: VulnerabilityFindingRow | Any, today: date) -> TrackedFinding:
    """A finding with its SLA figures; `row` is a stored finding or a row of its columns."""
    return TrackedFinding(
        project=row.project,
        purl=row.purl,
        vuln_id=row.vuln_id,
        aliases=tuple(row.aliases or ()),
        severity=row.severity,
        score=row.score,
        summary=row.summary,
        fixed_versions=tuple(row.fixed_versions or ()),
        first_seen=row.first_seen,
        due=row.due,
        state=row.state,
        effective_state=effective_state(row.state, row.state_expires, today),
        overdue=is_overdue(row.state, row.due, today, row.state_expires),
        days_left=days_left(row.due, today),
        reason=row.state_reason,
        owner=row.state_owner,
        expires=row.state_expires,
        justification=row.justification,
    )


def record_findings(
    store: Store,
    project: str,
    findings: list[Finding],
    policy: SlaPolicy | None = None,
    now: datetime | None = None,
) -> list[TrackedFinding]:
    """Store this check's findings for `project` and return them with their SLA state."""
    with store.session() as session:
        return record_findings_in(session, project, findings, policy, now)


def record_findings_in(
    session: Session,
    project: str,
    findings: list[Finding],
    policy: SlaPolicy | None = None,
    now: datetime | None = None,
) -> list[TrackedFinding]:
    """`record_findings` inside the caller's transaction (re-evaluation writes a scan's
    decisions and its findings together, or neither)."""
    policy = policy or SlaPolicy()
    now = now or datetime.now(UTC)
    today = now.date()
    out: list[TrackedFinding] = []
    rows = list(
        session.execute(select(VulnerabilityFindingRow).where(VulnerabilityFindingRow.project == project))
        .scalars()
        .all()
    )
    by_alias: dict[tuple[str, str], VulnerabilityFindingRow] = {}
    for row in rows:
        for vid in (row.vuln_id, *(row.aliases or ())):
            by_alias.setdefault((row.purl, vid), row)
    seen: set[int] = set()
    for finding in findings:
        purl = finding.component.purl
        known = next((r for vid in finding.ids if (r := by_alias.get((purl, vid))) is not None), None)
        if known is None:
            row = VulnerabilityFindingRow(
                project=project,
                purl=purl,
                vuln_id=finding.vuln_id,
                first_seen=now,
                due=policy.due_date(today, finding.severity),
                state=FindingState.OPEN.value,
            )
            session.add(row)
            for vid in finding.ids:
                by_alias[(purl, vid)] = row
        else:
            row = known
            if row.state == FindingState.FIXED:
                row.state = FindingState.OPEN.value
                row.fixed_at = None
        if row.severity != finding.severity and row.first_seen is not None:
            row.due = policy.due_date(_as_date(row.first_seen), finding.severity)
        row.aliases = sorted(set(finding.ids) - {row.vuln_id})
        row.severity = finding.severity
        row.score = finding.score
        row.summary = finding.summary[:2000]
        row.fixed_versions = list(finding.fixed_versions)
        row.last_seen = now
        session.flush()
        seen.add(row.id)
        out.append(_tracked(row, today))
    for row in rows:
        if row.id not in seen and row.state == FindingState.OPEN:
            row.state = FindingState.FIXED.value
            row.fixed_at = now
    return out


def _as_date(value: datetime) -> date:
    return value.date()


def set_state(
    store: Store,
    project: str,
    purl: str,
    vuln_id: str,
    state: FindingState,
    *,
    reason: str | None = None,
    owner: str | None = None,
    expires: date | None = None,
    justification: str | None = None,
) -> TrackedFinding:
    """Record a decision: accepted risk needs reason, owner and expiry; not-affected a VEX justification."""
    if state is FindingState.ACCEPTED_RISK and not (reason and owner and expires):
        raise OspoError("accepting a risk needs a reason, an owner and an expiry date")
    if state is FindingState.NOT_AFFECTED and justification not in VEX_JUSTIFICATIONS:
        raise OspoError(f"not-affected needs a justification, one of: {', '.join(VEX_JUSTIFICATIONS)}")
    with store.session() as session:
        rows = session.execute(
            select(VulnerabilityFindingRow).where(
                VulnerabilityFindingRow.project == project, VulnerabilityFindingRow.purl == purl
            )
        ).scalars()
        row = next((r for r in rows if vuln_id == r.vuln_id or vuln_id in (r.aliases or ())), None)
        if row is None:
            raise FindingNotFound(f"no finding {vuln_id} for {purl} in {project}")
        row.state = state.value
        row.state_reason = reason
        row.state_owner = owner
        row.state_expires = expires
        row.justification = justification
        return _tracked(row, datetime.now(UTC).date())


def list_findings(
    store: Store, project: str | None = None, today: date | None = None, include_closed: bool = False
) -> list[TrackedFinding]:
    """Findings, overdue first (most overdue first), then by due date, then severity."""
    today = today or datetime.now(UTC).date()
    with store.session() as session:
        stmt = select(VulnerabilityFindingRow)
        if project is not None:
            stmt = stmt.where(VulnerabilityFindingRow.project == project)
        rows = [_tracked(r, today) for r in session.execute(stmt).scalars()]
    if not include_closed:
        rows = [r for r in rows if r.effective_state == FindingState.OPEN or r.state == FindingState.ACCEPTED_RISK]
    return sorted(
        rows,
        key=lambda r: (
            not r.overdue,
            r.due is None,
            r.due or date.max,
            RANK.get(r.severity, 9),
            r.project,
            r.purl,
            r.vuln_id,
        ),
    )


# --- the dashboard's questions: counts and pages ordered by the database --------------------
#
# A portfolio of 10,000 projects tracks a quarter of a million findings: the dashboard never
# loads them all. The order is `list_findings`' (overdue first, most overdue first, then by
# due date, severity, project, component, id), built in two halves that an index on `due`
# serves without sorting every open finding: the overdue ones, then the others.


@dataclass(frozen=True)
class FindingFilter:
    """Which findings: of one project, of one package (its purl without version, every
    version), or of one vulnerability under any of its ids; all when empty."""

    project: str | None = None
    base_purl: str | None = None
    vuln_ids: tuple[str, ...] | None = None
    include_closed: bool = False

    def conditions(self) -> list[ColumnElement[bool]]:
        row = VulnerabilityFindingRow
        out: list[ColumnElement[bool]] = []
        if not self.include_closed:
            out.append(row.state.in_((FindingState.OPEN.value, FindingState.ACCEPTED_RISK.value)))
        if self.project is not None:
            out.append(row.project == self.project)
        if self.base_purl is not None:
            # every version: "base@..." (a purl of a finding always has a version)
            out.append(and_(row.purl > self.base_purl + "@", row.purl < self.base_purl + "@\U0010ffff"))
        if self.vuln_ids is not None:
            out.append(row.vuln_id.in_(self.vuln_ids))
        return out


# Written so that no NULL (no expiry, no due date) makes them unknown: `~_overdue` must hold
# for every finding that is not overdue.
def _effective_open(today: date) -> ColumnElement[bool]:
    row = VulnerabilityFindingRow
    return or_(
        row.state == FindingState.OPEN.value,
        and_(row.state == FindingState.ACCEPTED_RISK.value, row.state_expires.is_not(None), row.state_expires < today),
    )


def _overdue(today: date) -> ColumnElement[bool]:
    due = VulnerabilityFindingRow.due
    return and_(_effective_open(today), due.is_not(None), due < today)


_RANK = case(
    *((VulnerabilityFindingRow.severity == rating, i) for rating, i in RANK.items()),
    else_=9,
)


@dataclass(frozen=True)
class SeverityCounts:
    severity: str
    open: int
    overdue: int
    due_soon: int  # open, not overdue, due within 7 days
    accepted: int  # accepted risk, not expired


def severity_counts(store: Store, today: date, where: FindingFilter | None = None) -> list[SeverityCounts]:
    """Open, overdue, due-soon and accepted findings per severity.

    The database groups the findings by the four columns the SLA figures depend on (a few
    thousand groups, read from the covering index `ix_vulnerability_findings_sla`); each group
    is judged here with the same functions as a single finding."""
    row = VulnerabilityFindingRow
    stmt = (
        select(row.severity, row.state, row.due, row.state_expires, func.count())
        .where(*(where or FindingFilter()).conditions())
        .group_by(row.severity, row.state, row.due, row.state_expires)
    )
    found: dict[str, list[int]] = {}
    with store.session() as session:
        for severity, state, due, expires, n in session.execute(stmt):
            counts = found.setdefault(str(severity), [0, 0, 0, 0])
            current = effective_state(state, expires, today)
            if current == FindingState.OPEN:
                counts[0] += n
                left = days_left(due, today)
                if is_overdue(state, due, today, expires):
                    counts[1] += n
                elif left is not None and left <= 7:
                    counts[2] += n
            elif current == FindingState.ACCEPTED_RISK:
                counts[3] += n
    return sorted(
        (SeverityCounts(s, *(int(v) for v in c)) for s, c in found.items()),
        key=lambda c: (RANK.get(c.severity, 9), c.severity),
    )


def count_findings(store: Store, today: date, where: FindingFilter | None = None) -> tuple[int, int]:
    """(findings, of which overdue) matching `where`."""
    stmt = select(func.count(), func.count().filter(_overdue(today))).where(*(where or FindingFilter()).conditions())
    with store.session() as session:
        total, overdue = session.execute(stmt).one()
    return int(total), int(overdue)


# The columns `_tracked` reads: plain rows of them cost a fraction of ORM objects.
_COLUMNS = (
    VulnerabilityFindingRow.project,
    VulnerabilityFindingRow.purl,
    VulnerabilityFindingRow.vuln_id,
    VulnerabilityFindingRow.aliases,
    VulnerabilityFindingRow.severity,
    VulnerabilityFindingRow.score,
    VulnerabilityFindingRow.summary,
    VulnerabilityFindingRow.fixed_versions,
    VulnerabilityFindingRow.first_seen,
    VulnerabilityFindingRow.due,
    VulnerabilityFindingRow.state,
    VulnerabilityFindingRow.state_expires,
    VulnerabilityFindingRow.state_reason,
    VulnerabilityFindingRow.state_owner,
    VulnerabilityFindingRow.justification,
)


def _ordered(today: date, where: FindingFilter, overdue: bool) -> Any:
    row = VulnerabilityFindingRow
    condition = _overdue(today) if overdue else ~_overdue(today)
    return (
        select(*_COLUMNS)
        .where(*where.conditions(), condition)
        .order_by(row.due.asc().nulls_last(), _RANK, row.project, row.purl, row.vuln_id)
    )


def page_findings(
    store: Store,
    today: date,
    where: FindingFilter | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    overdue_total: int | None = None,
) -> list[TrackedFinding]:
    """`limit` findings from `offset` in `list_findings`' order. `overdue_total` (from
    `count_findings`) saves counting the overdue half again."""
    where = where or FindingFilter()
    if overdue_total is None:
        overdue_total = count_findings(store, today, where)[1]
    out: list[TrackedFinding] = []
    with store.session() as session:
        if offset < overdue_total:
            stmt = _ordered(today, where, True).limit(min(limit, overdue_total - offset)).offset(offset)
            out.extend(_tracked(r, today) for r in session.execute(stmt))
        rest = limit - len(out)
        if rest > 0:
            stmt = _ordered(today, where, False).limit(rest).offset(max(0, offset - overdue_total))
            out.extend(_tracked(r, today) for r in session.execute(stmt))
    return out


def iter_findings(
    store: Store, today: date, where: FindingFilter | None = None, batch: int = 2000
) -> Iterator[TrackedFinding]:
    """Every finding matching `where` in `list_findings`' order, streamed `batch` rows at a
    time from a server-side cursor (a CSV of every finding starts at once)."""
    where = where or FindingFilter()
    with store.session() as session:
        for overdue in (True, False):
            result = session.execute(_ordered(today, where, overdue).execution_options(yield_per=batch))
            for r in result:
                yield _tracked(r, today)


def finding_ids_by_alias(store: Store, alias: str) -> set[str]:
    """The canonical ids of findings that carry `alias` among their other ids (a scan of
    every finding's aliases: only for an id no advisory and no canonical id answers)."""
    row = VulnerabilityFindingRow
    pattern = '%"' + alias.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"%'
    with store.session() as session:
        return set(
            session.execute(
                select(row.vuln_id).where(cast(row.aliases, String).like(pattern, escape="\\")).distinct()
            ).scalars()
        )
