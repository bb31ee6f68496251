"""People's decisions through the service: exceptions made and revoked, findings' states
changed, each followed by the re-evaluation that makes it visible.

The REST API (`api_decisions`) and the dashboard (`pages_exceptions`) both come here, so
the two cannot drift apart. A change is re-evaluated at once for the projects it reaches
(found through the store, see `affected_projects`) when they are few, else after the
response in the background; either way under the service's re-evaluation lock, so it never
runs beside the periodic one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from fastapi import HTTPException, status
from sqlalchemy import select
from starlette.background import BackgroundTasks

from ospo.model import OspoError
from ospo.policy import PolicyError
from ospo.policy.ranges import RangeError, parse_range
from ospo.policy.schema import PolicyException
from ospo.service.reevaluate import load_service_policy, reevaluate
from ospo.store import Store, VulnerabilityFindingRow
from ospo.store.exceptions import (
    ExceptionConflict,
    ExceptionError,
    ExceptionNotFound,
    StoredException,
    affected_projects,
    get_exception,
    lifecycle,
    new_exception_in,
    ref,
    revoke_in,
    section_counts,
)
from ospo.store.exceptions import expiring as store_expiring
from ospo.store.portfolio import ProductRow, ProjectRow
from ospo.vulns.sla import FindingState
from ospo.vulns.tracking import FindingNotFound, StateConflict, TrackedFinding, reopen_backed_by_in, set_state

log = logging.getLogger("ospo.decisions")

IMMEDIATE_PROJECTS = 10  # re-evaluated before the response (a product's projects, say); more go to the background
Followed = Literal["none", "done", "scheduled", "skipped"]


@dataclass(frozen=True)
class PolicyWaiver:
    """A waiver of the service's policy file, as the exceptions page and API list it."""

    id: str
    kind: str
    purl: str
    versions: str | None
    license: str | None
    vulnerability: str | None
    distributions: tuple[str, ...]
    owner: str
    reason: str
    expires: date | None
    line: int | None
    status: str

    @property
    def target(self) -> str:
        parts = [p for p in (self.vulnerability, self.purl, self.versions, self.license) if p]
        return " ".join(parts)

    @property
    def ref(self) -> str:
        return self.id

    @property
    def where(self) -> str:
        return "from policy file" + (f", line {self.line}" if self.line else "")


def _kind_of(exc: PolicyException) -> str:
    if exc.vulnerability:
        return "vulnerability"
    if exc.license and exc.purl in ("*", "pkg:*"):
        return "license"
    return "component"


def policy_waivers(today: date) -> tuple[list[PolicyWaiver], str | None]:
    """The service policy's waivers, or none and why when the policy cannot be read."""
    try:
        service_policy = load_service_policy()
    except PolicyError as exc:
        return [], str(exc)
    return [
        PolicyWaiver(
            id=e.id,
            kind=_kind_of(e),
            purl=e.purl,
            versions=e.versions,
            license=e.license,
            vulnerability=e.vulnerability,
            distributions=e.distributions,
            owner=e.owner,
            reason=e.reason,
            expires=e.expires,
            line=e.line,
            status=lifecycle(False, e.expires, today),
        )
        for e in service_policy.policy.exceptions
    ], None


def expiring_soon(store: Store, today: date, limit: int | None = None) -> list[StoredException | PolicyWaiver]:
    """Waivers in force that end within 30 days, the store's and the policy file's, soonest
    first (the first `limit` of them)."""
    soon: list[StoredException | PolicyWaiver] = [*store_expiring(store, today, limit=limit)]
    soon.extend(w for w in policy_waivers(today)[0] if w.status == "expiring")
    return sorted(soon, key=lambda e: (e.expires or date.max, str(e.id)))[:limit]


def expiring_count(store: Store, today: date) -> int:
    """How many waivers in force end within 30 days, the store's and the policy file's."""
    policy = sum(1 for w in policy_waivers(today)[0] if w.status == "expiring")
    return section_counts(store, today)["expiring"] + policy


def _check_scope(store: Store, scope: str, name: str | None) -> None:
    """A product or project scope must name one the service knows (findings of projects
    that only `ospo vulns` tracks count as known projects)."""
    if scope == "all" or not name:
        return
    with store.session() as session:
        if scope == "product":
            found = session.execute(select(ProductRow.id).where(ProductRow.name == name)).first()
        else:
            found = session.execute(select(ProjectRow.id).where(ProjectRow.name == name)).first() or (
                session.execute(
                    select(VulnerabilityFindingRow.id).where(VulnerabilityFindingRow.project == name).limit(1)
                ).first()
            )
    if found is None:
        raise ExceptionError(f"no {scope} named {name}")


def create_exception(
    store: Store,
    *,
    kind: str,
    reason: str,
    owner: str | None,
    actor: str,
    scope: str = "all",
    scope_name: str | None = None,
    license: str | None = None,
    purl: str | None = None,
    versions: str | None = None,
    vulnerability: str | None = None,
    justification: str | None = None,
    expires: date | None = None,
) -> StoredException:
    """Make a waiver (ExceptionError says what is wrong with it). A vulnerability waiver with
    a justification is a not-affected statement; without one an accepted risk."""
    if versions is not None and versions.strip():
        try:
            parse_range(versions)
        except RangeError as exc:
            raise ExceptionError(f"version range: {exc}") from None
    _check_scope(store, scope, scope_name)
    with store.session() as session:
        row = new_exception_in(
            session,
            kind=kind,
            scope=scope,
            scope_name=scope_name,
            license=license,
            purl=purl,
            versions=versions,
            vulnerability=vulnerability,
            finding_state=("not-affected" if justification else "accepted-risk") if kind == "vulnerability" else None,
            justification=justification,
            reason=reason,
            owner=owner or actor,
            expires=expires,
            actor=actor,
        )
        exception_id = row.id
    made = get_exception(store, exception_id)
    assert made is not None
    return made


def revoke_exception(store: Store, exception_id: int, *, actor: str, reason: str) -> StoredException:
    """Revoke a row and, in the same transaction, reopen the findings that stood on it."""
    now = datetime.now(UTC)
    with store.session() as session:
        row = revoke_in(session, exception_id, actor=actor, reason=reason, now=now)
        reopen_backed_by_in(session, ref(row.id), actor=actor, why=f"exception {ref(row.id)} revoked", now=now)
    done = get_exception(store, exception_id)
    assert done is not None
    return done


def change_finding(
    store: Store,
    *,
    project: str,
    purl: str,
    vulnerability: str,
    state: str,
    actor: str,
    reason: str | None = None,
    owner: str | None = None,
    expires: date | None = None,
    justification: str | None = None,
) -> TrackedFinding:
    """Accept a finding's risk, declare it not affected, or reopen it (OspoError if not allowed)."""
    return set_state(
        store,
        project,
        purl,
        vulnerability,
        FindingState(state),
        reason=reason,
        owner=owner or actor,
        expires=expires,
        justification=justification,
        actor=actor,
    )


def refused(exc: OspoError) -> HTTPException:
    """The HTTP answer to a decision that was refused: 404 when what it names does not
    exist, 409 when the current state forbids it, else 422 (the request itself is wrong)."""
    if isinstance(exc, (FindingNotFound, ExceptionNotFound)):
        return HTTPException(status.HTTP_404_NOT_FOUND, str(exc))
    if isinstance(exc, (StateConflict, ExceptionConflict)):
        return HTTPException(status.HTTP_409_CONFLICT, str(exc))
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc))


def _reevaluate_projects(store: Store, projects: Collection[str], actor: str) -> Followed:
    try:
        service_policy = load_service_policy()
    except PolicyError as exc:
        log.warning("re-evaluation after a decision skipped: %s", exc)
        return "skipped"
    reevaluate(
        store,
        service_policy.policy,
        policy_source=service_policy.source,
        actor=actor,
        sla=service_policy.sla,
        projects=sorted(projects),
    )
    return "done"


async def follow_up(
    lock: asyncio.Lock,
    store: Store,
    background: BackgroundTasks,
    actor: str,
    *,
    exceptions: Sequence[StoredException] = (),
    projects: Collection[str] = (),
) -> Followed:
    """Re-evaluate the projects a decision reaches: now when few, after the response when
    many or when a re-evaluation is already running (a full one can take minutes; the
    person who clicked should not wait for it)."""
    reached = set(projects)
    if exceptions:
        reached.update(await asyncio.to_thread(affected_projects, store, exceptions))
    if not reached:
        return "none"

    async def run() -> Followed:
        async with lock:
            return await asyncio.to_thread(_reevaluate_projects, store, reached, actor)

    if len(reached) <= IMMEDIATE_PROJECTS and not lock.locked():
        return await run()
    background.add_task(run)
    return "scheduled"
