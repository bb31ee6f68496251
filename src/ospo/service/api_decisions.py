"""The REST API's decisions (`/api/v1/exceptions`, `/api/v1/findings`): list exceptions
(the store's and the policy file's), make and revoke them, list a project's findings and
change a finding's state. Reading needs `read`; every write needs `review` (reviewers and
admins) and is audited with who and when by the store functions it calls.

A router of its own, included in the `/api/v1` router by `api.py`, so that decisions and
ingest can change without editing one file.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from ospo.model import OspoError
from ospo.service.auth import get_store, requires
from ospo.service.decisions import (
    Followed,
    PolicyWaiver,
    change_finding,
    create_exception,
    follow_up,
    policy_waivers,
    refused,
    revoke_exception,
)
from ospo.store import Store
from ospo.store.accounts import Principal
from ospo.store.exceptions import StoredException, list_exceptions
from ospo.vulns.sla import VEX_JUSTIFICATIONS
from ospo.vulns.tracking import TrackedFinding

router = APIRouter(tags=["decisions"])

StoreDep = Annotated[Store, Depends(get_store)]
Reader = Annotated[Principal, Depends(requires("read"))]
Reviewer = Annotated[Principal, Depends(requires("review"))]

VEX = f"^({'|'.join(VEX_JUSTIFICATIONS)})$"  # CycloneDX 1.6 impact-analysis justifications
Status = Literal["active", "expiring", "expired", "revoked"]
# One line of text without control characters (PostgreSQL refuses NUL; nobody needs the rest).
Line = r"^[^\x00-\x1f]+$"


class ErrorOut(BaseModel):
    detail: Any


class ExceptionIn(BaseModel):
    """A waiver: of a licence, of components (purl pattern, `*` wildcards, and an optional
    version range), or of one vulnerability. For a vulnerability, a `justification` makes it
    a not-affected statement; without one it accepts the risk and needs `expires`."""

    kind: Literal["license", "component", "vulnerability"]
    license: str | None = Field(default=None, max_length=200, pattern=Line)
    purl: str | None = Field(default=None, max_length=1000, pattern=Line)
    versions: str | None = Field(default=None, max_length=300, pattern=Line)
    vulnerability: str | None = Field(default=None, max_length=200, pattern=Line)
    justification: str | None = Field(default=None, pattern=VEX)
    scope: Literal["all", "product", "project"] = "all"
    scope_name: str | None = Field(default=None, max_length=300, pattern=Line)
    reason: str = Field(min_length=1, max_length=2000)
    owner: str | None = Field(default=None, max_length=200, pattern=Line)
    expires: date | None = None


class ExceptionOut(BaseModel):
    """A waiver of the store (`id` ospo-<n>) or of the policy file (`source` policy)."""

    id: str
    source: Literal["store", "policy"]
    kind: str
    verdict: str
    status: Status
    reason: str
    owner: str
    scope: str = "all"
    scope_name: str | None = None
    license: str | None = None
    purl: str | None = None
    versions: str | None = None
    vulnerability: str | None = None
    finding_state: str | None = None
    justification: str | None = None
    approved_by: str | None = None
    created_at: datetime | None = None
    expires: date | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None
    policy_line: int | None = None
    reevaluation: Followed | None = None


class RevokeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class FindingOut(BaseModel):
    project: str
    purl: str
    vulnerability: str
    aliases: list[str]
    severity: str
    state: str
    effective_state: str
    due: date | None
    overdue: bool
    reason: str | None
    owner: str | None
    expires: date | None
    justification: str | None
    exception: str | None
    reevaluation: Followed | None = None


class FindingStateIn(BaseModel):
    """`accepted-risk` needs reason and expires (owner defaults to you); `not-affected` a
    CycloneDX VEX justification; `open` reopens (revoking the exception it stood on)."""

    project: str = Field(min_length=1, max_length=1000, pattern=Line)
    purl: str = Field(min_length=1, max_length=1000, pattern=Line)
    vulnerability: str = Field(min_length=1, max_length=200, pattern=Line)
    state: Literal["accepted-risk", "not-affected", "open"]
    reason: str | None = Field(default=None, max_length=2000)
    owner: str | None = Field(default=None, max_length=200, pattern=Line)
    expires: date | None = None
    justification: str | None = Field(default=None, pattern=VEX)


def _today() -> date:
    return datetime.now(UTC).date()


def _stored_out(e: StoredException, today: date, followed: Followed | None = None) -> ExceptionOut:
    fields = {**asdict(e), "id": e.ref, "status": e.status(today)}
    return ExceptionOut(**fields, source="store", reevaluation=followed)


def _policy_out(w: PolicyWaiver) -> ExceptionOut:
    return ExceptionOut(
        id=w.id,
        source="policy",
        kind=w.kind,
        verdict="allow",
        status=w.status,  # type: ignore[arg-type]
        reason=w.reason,
        owner=w.owner,
        license=w.license,
        purl=w.purl,
        versions=w.versions,
        vulnerability=w.vulnerability,
        finding_state="accepted-risk" if w.vulnerability else None,
        expires=w.expires,
        policy_line=w.line,
    )


def _finding_out(f: TrackedFinding, followed: Followed | None = None) -> FindingOut:
    return FindingOut(
        project=f.project,
        purl=f.purl,
        vulnerability=f.vuln_id,
        aliases=list(f.aliases),
        severity=f.severity,
        state=f.state,
        effective_state=f.effective_state,
        due=f.due,
        overdue=f.overdue,
        reason=f.reason,
        owner=f.owner,
        expires=f.expires,
        justification=f.justification,
        exception=f.exception,
        reevaluation=followed,
    )


_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such exception"}}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "The change is refused in the current state (the message says why)"}
}


@router.get("/exceptions", response_model=list[ExceptionOut])
def exceptions_route(
    store: StoreDep,
    _: Reader,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    source: Literal["store", "policy"] | None = None,
    denials: bool = False,
) -> list[ExceptionOut]:
    """Waivers in the store (newest first) and in the service's policy file; `denials` lists
    the denials recorded in the review queue instead of the store's waivers."""
    today = _today()
    out: list[ExceptionOut] = []
    if source != "policy":
        rows = list_exceptions(store, verdict="deny" if denials else "allow")
        out.extend(_stored_out(e, today) for e in rows)
    if source != "store" and not denials:
        out.extend(_policy_out(w) for w in policy_waivers(today)[0])
    return [e for e in out if status_ is None or e.status == status_]


@router.post("/exceptions", response_model=ExceptionOut, status_code=201)
async def create_exception_route(
    body: ExceptionIn, request: Request, background: BackgroundTasks, store: StoreDep, principal: Reviewer
) -> ExceptionOut:
    """Make a waiver; the projects it reaches are re-evaluated (`reevaluation` says whether
    that is done or scheduled)."""
    from starlette.concurrency import run_in_threadpool

    try:
        made = await run_in_threadpool(
            lambda: create_exception(
                store,
                kind=body.kind,
                license=body.license,
                purl=body.purl,
                versions=body.versions,
                vulnerability=body.vulnerability,
                justification=body.justification,
                scope=body.scope,
                scope_name=body.scope_name,
                reason=body.reason,
                owner=body.owner,
                expires=body.expires,
                actor=principal.email,
            )
        )
    except OspoError as exc:
        raise refused(exc) from None
    followed = await follow_up(
        request.app.state.reevaluation_lock, store, background, principal.email, exceptions=[made]
    )
    return _stored_out(made, _today(), followed)


@router.post("/exceptions/{exception_id}/revoke", response_model=ExceptionOut, responses={**_NOT_FOUND, **_CONFLICT})
async def revoke_exception_route(
    exception_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: RevokeIn,
    request: Request,
    background: BackgroundTasks,
    store: StoreDep,
    principal: Reviewer,
) -> ExceptionOut:
    """Revoke a waiver or a recorded denial of the store (a policy file's waiver is changed
    in the file); findings accepted through it reopen, and what it reached is re-evaluated."""
    from starlette.concurrency import run_in_threadpool

    try:
        done = await run_in_threadpool(
            lambda: revoke_exception(store, exception_id, actor=principal.email, reason=body.reason)
        )
    except OspoError as exc:
        raise refused(exc) from None
    followed = await follow_up(
        request.app.state.reevaluation_lock, store, background, principal.email, exceptions=[done]
    )
    return _stored_out(done, _today(), followed)


@router.post(
    "/findings/state",
    response_model=FindingOut,
    responses={404: {"model": ErrorOut, "description": "No such finding"}, **_CONFLICT},
)
async def finding_state_route(
    body: FindingStateIn, request: Request, background: BackgroundTasks, store: StoreDep, principal: Reviewer
) -> FindingOut:
    """Accept a finding's risk, declare it not affected, or reopen it; the project is
    re-evaluated so a verdict that the vulnerability decided follows."""
    from starlette.concurrency import run_in_threadpool

    try:
        finding = await run_in_threadpool(
            lambda: change_finding(
                store,
                project=body.project,
                purl=body.purl,
                vulnerability=body.vulnerability,
                state=body.state,
                reason=body.reason,
                owner=body.owner,
                expires=body.expires,
                justification=body.justification,
                actor=principal.email,
            )
        )
    except OspoError as exc:
        raise refused(exc) from None
    followed = await follow_up(
        request.app.state.reevaluation_lock, store, background, principal.email, projects=[finding.project]
    )
    return _finding_out(finding, followed)
