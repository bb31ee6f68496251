"""Findings over time: first seen, due date, state; what `ospo vulns list` shows.

Each check of a project records its findings: a new one is opened with its SLA due date; a
known one (matched by canonical id or any alias, so a newly imported GHSA for the same CVE
does not restart the clock) is refreshed; an open one that is no longer found is marked
fixed. States set by people (accepted risk, not affected) are kept across checks.

Each such state stands on an exception (`ospo.store.exceptions`, or a waiver in the policy
file) that the finding names: setting the state makes the exception, reopening revokes it,
and re-evaluation (`apply_waivers_in`) reopens a finding whose exception lapsed or was
revoked and accepts one that a waiver now covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, func, not_, or_, select
from sqlalchemy.orm import Session

from ospo.model import OspoError, VulnerabilityMatch
from ospo.store import Store, VulnerabilityFindingRow
from ospo.store.exceptions import id_of, new_exception_in, purl_target, ref, revoke_in
from ospo.store.portfolio import AuditRow, ExceptionRow
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


class StateConflict(OspoError):
    """The finding's state cannot change that way now (the message says what to do instead)."""


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
    exception: str | None = None


@dataclass(frozen=True)
class Waiver:
    """What an exception in force says about a finding: its state and who stands behind it."""

    exception: str  # ospo-<id>, or the policy file's waiver id
    state: FindingState
    reason: str
    owner: str
    expires: date | None
    justification: str | None = None


def _tracked(row: VulnerabilityFindingRow | Any, today: date, sla: SlaPolicy | None = None) -> TrackedFinding:
    """The row (a stored finding or a row of its columns) with its SLA figures; with `sla`,
    the due date is the one those windows give (from first seen), not the one stored when
    the finding was last recorded."""
    due = sla.due_date(_as_date(row.first_seen), row.severity) if sla is not None else row.due
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
        due=due,
        state=row.state,
        effective_state=effective_state(row.state, row.state_expires, today),
        overdue=is_overdue(row.state, due, today, row.state_expires),
        days_left=days_left(due, today),
        reason=row.state_reason,
        owner=row.state_owner,
        expires=row.state_expires,
        justification=row.justification,
        exception=row.exception,
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
    seen: set[int] = set()  # identities of the rows this check found (new rows have no id before the flush)
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
            # The windows in force decide, also for a finding seen before they changed.
            row.due = policy.due_date(_as_date(row.first_seen), finding.severity)
        row.aliases = sorted(set(finding.ids) - {row.vuln_id})
        row.severity = finding.severity
        row.score = finding.score
        row.summary = finding.summary[:2000]
        row.fixed_versions = list(finding.fixed_versions)
        row.last_seen = now
        seen.add(id(row))
        out.append(_tracked(row, today))
    for row in rows:
        if id(row) not in seen and row.state == FindingState.OPEN:
            row.state = FindingState.FIXED.value
            row.fixed_at = now
    session.flush()  # one batch of inserts, not one round trip per finding
    return out


def _as_date(value: datetime) -> date:
    return value.date()


def with_sla(
    matches: Sequence[VulnerabilityMatch], tracked: Iterable[TrackedFinding], sla: SlaPolicy, today: date
) -> tuple[list[VulnerabilityMatch], set[tuple[str, str]]]:
    """Each match with its due date under `sla`, counted from when its finding was first seen
    (today for one not tracked yet), and the (purl, advisory id) of those overdue.

    A tracked finding is found by its id or any alias, so a match reported under a GHSA id
    keeps the clock its CVE started.
    """
    by_id: dict[tuple[str, str], TrackedFinding] = {}
    for finding in tracked:
        for vid in (finding.vuln_id, *finding.aliases):
            by_id.setdefault((finding.purl, vid), finding)
    out: list[VulnerabilityMatch] = []
    overdue: set[tuple[str, str]] = set()
    for match in matches:
        ids = (match.advisory.id, *match.advisory.aliases)
        known = next((f for vid in ids if (f := by_id.get((match.purl, vid))) is not None), None)
        first_seen = _as_date(known.first_seen) if known is not None else today
        due = sla.due_date(first_seen, match.advisory.severity)
        if known is not None and is_overdue(known.state, due, today, known.expires):
            overdue.add((match.purl, match.advisory.id))
        out.append(replace(match, due=due.isoformat() if due else None))
    return out, overdue


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
    actor: str = "cli",
    now: datetime | None = None,
) -> TrackedFinding:
    """Record a decision: accepted risk needs reason, owner and expiry; not-affected a VEX
    justification; `OPEN` reopens. One transaction: the state, its exception, the audit."""
    if state is FindingState.ACCEPTED_RISK and not (reason and reason.strip() and owner and owner.strip() and expires):
        raise OspoError("accepting a risk needs a reason, an owner and an expiry date")
    if state is FindingState.NOT_AFFECTED and justification not in VEX_JUSTIFICATIONS:
        raise OspoError(f"not-affected needs a justification, one of: {', '.join(VEX_JUSTIFICATIONS)}")
    if state is FindingState.FIXED:
        raise OspoError("a finding is fixed when a scan no longer finds it; it cannot be set by hand")
    with store.session() as session:
        return _set_state_in(session, project, purl, vuln_id, state, reason, owner, expires, justification, actor, now)


def find_in(session: Session, project: str, purl: str, vuln_id: str) -> VulnerabilityFindingRow:
    """The finding of `vuln_id` (or an alias of it) in `purl` in `project`."""
    rows = session.execute(
        select(VulnerabilityFindingRow).where(
            VulnerabilityFindingRow.project == project, VulnerabilityFindingRow.purl == purl
        )
    ).scalars()
    row = next((r for r in rows if vuln_id == r.vuln_id or vuln_id in (r.aliases or ())), None)
    if row is None:
        raise FindingNotFound(f"no finding {vuln_id} for {purl} in {project}")
    return row


def _set_state_in(
    session: Session,
    project: str,
    purl: str,
    vuln_id: str,
    state: FindingState,
    reason: str | None,
    owner: str | None,
    expires: date | None,
    justification: str | None,
    actor: str,
    now: datetime | None,
) -> TrackedFinding:
    now = now or datetime.now(UTC)
    row = find_in(session, project, purl, vuln_id)
    before = row.state
    previous = row.exception
    if state is FindingState.OPEN:
        if row.state == FindingState.OPEN:
            return _tracked(row, now.date())
        if row.state == FindingState.FIXED:
            raise StateConflict(f"{row.vuln_id} in {purl} is fixed; a scan that finds it again reopens it")
        _release(session, row, actor, reason or "finding reopened", now)
        row.state = FindingState.OPEN.value
        row.state_reason = row.state_owner = row.state_expires = row.justification = row.exception = None
    else:
        pattern, versions = purl_target(row.purl)
        made = new_exception_in(
            session,
            kind="vulnerability",
            scope="project",
            scope_name=project,
            purl=pattern,
            versions=versions,
            vulnerability=row.vuln_id,
            finding_state=state.value,
            justification=justification if state is FindingState.NOT_AFFECTED else None,
            reason=reason or f"not affected: {justification}",
            owner=owner or actor,
            expires=expires,
            actor=actor,
            now=now,
        )
        if id_of(previous) is not None:
            _release(session, row, actor, f"superseded by {ref(made.id)}", now, missing_ok=True)
        row.state = state.value
        row.state_reason = (reason or "").strip() or None  # the exception's says why if nobody did
        row.state_owner = made.owner
        row.state_expires = made.expires
        row.justification = made.justification
        row.exception = ref(made.id)
    _audit(session, row, "finding.state", actor, now, before, previous)
    return _tracked(row, now.date())


def _audit(
    session: Session,
    row: VulnerabilityFindingRow,
    action: str,
    actor: str,
    now: datetime,
    before: str,
    previous: str | None,
    why: str | None = None,
) -> None:
    """An audit entry for a finding whose state changed from `before` (on `previous`)."""
    details: dict[str, Any] = {
        "project": row.project,
        "purl": row.purl,
        "vulnerability": row.vuln_id,
        "before": before,
        "after": row.state,
        "exception": row.exception,
        "previous_exception": previous,
        "reason": row.state_reason,
        "owner": row.state_owner,
        "expires": row.state_expires.isoformat() if row.state_expires else None,
        "justification": row.justification,
    }
    if why is not None:
        details["why"] = why
    session.add(
        AuditRow(at=now, actor=actor, action=action, subject=f"{row.project} {row.purl} {row.vuln_id}", details=details)
    )


def _release(
    session: Session, row: VulnerabilityFindingRow, actor: str, why: str, now: datetime, *, missing_ok: bool = False
) -> None:
    """Revoke the store exception a finding's state stands on when it was made for this
    finding alone (this project, no other finding on it). A wider one, or a policy-file
    waiver, is refused: it is revoked (or edited) as such. `missing_ok` leaves it be instead."""
    if row.exception is None:
        return
    exception_id = id_of(row.exception)
    exception = session.get(ExceptionRow, exception_id) if exception_id is not None else None
    if exception is None or exception.revoked_at is not None:
        if exception_id is None and not missing_ok:
            raise StateConflict(f"waived by the policy file's exception {row.exception}: change the policy file")
        return
    others = session.execute(
        select(func.count())
        .select_from(VulnerabilityFindingRow)
        .where(VulnerabilityFindingRow.exception == row.exception, VulnerabilityFindingRow.id != row.id)
    ).scalar_one()
    if others or (exception.scope, exception.scope_name) != ("project", row.project):
        if missing_ok:
            return
        raise StateConflict(
            f"exception {row.exception} covers more than this finding ({exception.scope} scope, "
            f"{others} other finding(s)): revoke it on the exceptions page instead"
        )
    revoke_in(session, exception.id, actor=actor, reason=why, now=now)


def reopen_backed_by_in(session: Session, reference: str, *, actor: str, why: str, now: datetime) -> int:
    """Reopen every accepted or not-affected finding standing on exception `reference`."""
    rows = session.execute(
        select(VulnerabilityFindingRow).where(
            VulnerabilityFindingRow.exception == reference,
            VulnerabilityFindingRow.state.in_((FindingState.ACCEPTED_RISK.value, FindingState.NOT_AFFECTED.value)),
        )
    ).scalars()
    count = 0
    for row in rows:
        _reopen(session, row, actor, why, now)
        count += 1
    return count


def _reopen(session: Session, row: VulnerabilityFindingRow, actor: str, why: str, now: datetime) -> None:
    before, previous = row.state, row.exception
    row.state = FindingState.OPEN.value
    row.state_reason = row.state_owner = row.state_expires = row.justification = row.exception = None
    _audit(session, row, "finding.reopen", actor, now, before, previous, why)


def apply_waivers_in(
    session: Session,
    project: str,
    findings: Iterable[TrackedFinding],
    waivers: Mapping[tuple[str, str], Waiver],
    *,
    actor: str,
    now: datetime,
) -> int:
    """Make `project`'s current findings agree with the waivers in force, keyed by (purl,
    vulnerability id or alias): a covered finding takes the waiver's state, an accepted or
    not-affected one whose exception no longer applies (expired, revoked) is open again.
    States without an exception (set before exceptions were kept) are left as they are."""
    keys = {(f.purl, f.vuln_id) for f in findings}
    if not keys:
        return 0
    rows = session.execute(select(VulnerabilityFindingRow).where(VulnerabilityFindingRow.project == project)).scalars()
    changed = 0
    for row in rows:
        if (row.purl, row.vuln_id) not in keys or row.state == FindingState.FIXED:
            continue
        waiver = next(
            (w for vid in (row.vuln_id, *(row.aliases or ())) if (w := waivers.get((row.purl, vid))) is not None),
            None,
        )
        if waiver is None:
            if row.exception is not None and row.state != FindingState.OPEN:
                _reopen(session, row, actor, f"exception {row.exception} no longer applies (expired or revoked)", now)
                changed += 1
            continue
        if (row.state, row.exception, row.state_expires) == (waiver.state.value, waiver.exception, waiver.expires):
            continue
        before, previous = row.state, row.exception
        row.state = waiver.state.value
        row.state_reason = waiver.reason[:2000]
        row.state_owner = waiver.owner[:200]
        row.state_expires = waiver.expires
        row.justification = waiver.justification
        row.exception = waiver.exception
        _audit(session, row, "finding.state", actor, now, before, previous, f"covered by exception {waiver.exception}")
        changed += 1
    return changed


def list_findings(
    store: Store,
    project: str | None = None,
    today: date | None = None,
    include_closed: bool = False,
    sla: SlaPolicy | None = None,
) -> list[TrackedFinding]:
    """Findings, overdue first (most overdue first), then by due date, then severity.

    With `sla`, due dates are those its windows give rather than the stored ones."""
    today = today or datetime.now(UTC).date()
    with store.session() as session:
        stmt = select(VulnerabilityFindingRow)
        if project is not None:
            stmt = stmt.where(VulnerabilityFindingRow.project == project)
        rows = [_tracked(r, today, sla) for r in session.execute(stmt).scalars()]
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


@dataclass(frozen=True)
class FindingsPage:
    total: int
    findings: list[TrackedFinding]


def findings_page(
    store: Store,
    *,
    project: str | None = None,
    purl: str | None = None,
    severity: str | None = None,
    state: str | None = None,
    overdue: bool | None = None,
    today: date | None = None,
    offset: int = 0,
    limit: int = 100,
) -> FindingsPage:
    """One page of findings, filtered and counted in the database, in `list_findings` order
    (overdue first, then by due date, then severity).

    `state` is the effective state: `open` includes accepted risks whose acceptance expired.
    `purl` without a version finds every version of the package.
    """
    today = today or datetime.now(UTC).date()
    where = FindingFilter(
        project=project, purl=purl, severity=severity, state=state, overdue=overdue, include_closed=True
    )
    total, late = count_findings(store, today, where)
    return FindingsPage(total, page_findings(store, today, where, limit=limit, offset=offset, overdue_total=late))


# --- the dashboard's questions: counts and pages ordered by the database --------------------
#
# A portfolio of 10,000 projects tracks a quarter of a million findings: the dashboard never
# loads them all. The order is `list_findings`' (overdue first, most overdue first, then by
# due date, severity, project, component, id), built in two halves that an index on `due`
# serves without sorting every open finding: the overdue ones, then the others.


@dataclass(frozen=True)
class FindingFilter:
    """Which findings: of one project; of one purl (with a version: that one, without: every
    version of the package); of one vulnerability under any of its ids; of one severity; in
    one effective state (`open` includes accepted risks whose acceptance expired); overdue
    or not. Without `state`, open and accepted ones unless `include_closed`."""

    project: str | None = None
    purl: str | None = None
    vuln_ids: tuple[str, ...] | None = None
    include_closed: bool = False
    severity: str | None = None
    state: str | None = None
    overdue: bool | None = None

    def conditions(self, today: date) -> list[ColumnElement[bool]]:
        row = VulnerabilityFindingRow
        out: list[ColumnElement[bool]] = []
        if self.state == FindingState.OPEN:
            out.append(_effective_open(today))
        elif self.state == FindingState.ACCEPTED_RISK:
            out.append(and_(row.state == self.state, not_(_expired(today))))
        elif self.state is not None:
            out.append(row.state == self.state)
        elif not self.include_closed:
            out.append(row.state.in_((FindingState.OPEN.value, FindingState.ACCEPTED_RISK.value)))
        if self.project is not None:
            out.append(row.project == self.project)
        if self.purl is not None:
            out.append(
                or_(row.purl == self.purl, and_(row.purl >= self.purl + "@", row.purl < self.purl + "@\U0010ffff"))
            )
        if self.vuln_ids is not None:
            out.append(row.vuln_id.in_(self.vuln_ids))
        if self.severity is not None:
            out.append(row.severity == self.severity)
        if self.overdue is not None:
            out.append(_overdue(today) if self.overdue else not_(_overdue(today)))
        return out


# Written so that no NULL (no expiry, no due date) makes them unknown: `~_overdue` must hold
# for every finding that is not overdue.
def _expired(today: date) -> ColumnElement[bool]:
    row = VulnerabilityFindingRow
    return and_(
        row.state == FindingState.ACCEPTED_RISK.value, row.state_expires.is_not(None), row.state_expires < today
    )


def _effective_open(today: date) -> ColumnElement[bool]:
    return or_(VulnerabilityFindingRow.state == FindingState.OPEN.value, _expired(today))


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
        .where(*(where or FindingFilter()).conditions(today))
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
    stmt = select(func.count(), func.count().filter(_overdue(today))).where(
        *(where or FindingFilter()).conditions(today)
    )
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
    VulnerabilityFindingRow.exception,
)


def _ordered(today: date, where: FindingFilter, overdue: bool) -> Any:
    row = VulnerabilityFindingRow
    condition = _overdue(today) if overdue else ~_overdue(today)
    return (
        select(*_COLUMNS)
        .where(*where.conditions(today), condition)
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
