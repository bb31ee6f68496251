"""The dashboard's decisions: the exceptions page (the store's waivers and recorded denials
beside the policy file's waivers) with its revoke buttons, and the forms that change a
vulnerability finding's state from the component page.

Plain HTML forms carrying the session's CSRF token, like the review queue's; writes need
the `review` permission. Kept beside `pages.py` rather than in it so the two can change
without editing one file; `app.py` includes both routers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ospo.model import OspoError
from ospo.service.auth import PERMISSIONS
from ospo.service.decisions import change_finding, follow_up, policy_waivers, refused, revoke_exception
from ospo.service.pages import Offset, Person, StoreDep, _check_csrf, _pager, _safe_next, form_date, render
from ospo.store.accounts import Principal
from ospo.store.exceptions import SECTIONS, get_exception, id_of, section_counts, section_page

router = APIRouter(include_in_schema=False)
LINE = r"^[^\x00-\x1f]+$"  # one line of text, as the API's fields


def _reviewer(principal: Principal, csrf_token: str) -> None:
    _check_csrf(principal, csrf_token)
    if "review" not in PERMISSIONS.get(principal.role, frozenset()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role} may not review")


EXCEPTIONS_PAGE = 100  # rows per section and page


@router.get("/exceptions", response_class=HTMLResponse)
def exceptions_page(
    request: Request,
    store: StoreDep,
    principal: Person,
    expiring: Offset = 0,
    active: Offset = 0,
    denials: Offset = 0,
    ended: Offset = 0,
    ref: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """Every section paged (a portfolio keeps tens of thousands of exceptions); `ref` shows
    one exception on top, wherever its section's pages would put it (links point there)."""
    today = datetime.now(UTC).date()
    offsets = {"expiring": expiring, "active": active, "denials": denials, "ended": ended}
    counts = section_counts(store, today)
    sections = {s: section_page(store, s, today, limit=EXCEPTIONS_PAGE, offset=offsets[s]) for s in SECTIONS}
    wanted = id_of(ref)
    waivers, policy_error = policy_waivers(today)
    waivers.sort(key=lambda w: (w.expires or date.max, w.id))
    return render(
        "exceptions.html.j2",
        request,
        principal,
        today=today,
        counts=counts,
        pagers={s: _pager(request, s, offsets[s], EXCEPTIONS_PAGE, counts[s]) for s in SECTIONS},
        linked=get_exception(store, wanted) if wanted is not None else None,
        expiring=sections["expiring"],
        active=sections["active"],
        denials=sections["denials"],
        ended=sections["ended"],
        waivers=waivers,
        policy_error=policy_error,
    )


@router.post("/exceptions/revoke")
async def revoke_submit(
    request: Request,
    background: BackgroundTasks,
    store: StoreDep,
    principal: Person,
    exception_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/exceptions",
) -> Response:
    _reviewer(principal, csrf_token)
    try:
        done = await run_in_threadpool(
            lambda: revoke_exception(store, exception_id, actor=principal.email, reason=reason)
        )
    except OspoError as exc:
        raise refused(exc) from None
    await follow_up(request.app.state.reevaluation_lock, store, background, principal.email, exceptions=[done])
    return RedirectResponse(_safe_next(next), status.HTTP_303_SEE_OTHER)


@router.post("/findings/state")
async def finding_state_submit(
    request: Request,
    background: BackgroundTasks,
    store: StoreDep,
    principal: Person,
    project: Annotated[str, Form(min_length=1, max_length=1000, pattern=LINE)],
    purl: Annotated[str, Form(min_length=1, max_length=1000, pattern=LINE)],
    vulnerability: Annotated[str, Form(min_length=1, max_length=200, pattern=LINE)],
    state: Annotated[str, Form(pattern="^(accepted-risk|not-affected|open)$")],
    reason: Annotated[str, Form(max_length=2000)] = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    expires: Annotated[str, Form(max_length=10)] = "",
    justification: Annotated[str, Form(max_length=100)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/vulnerabilities",
) -> Response:
    _reviewer(principal, csrf_token)
    expiry = form_date(expires)
    try:
        finding = await run_in_threadpool(
            lambda: change_finding(
                store,
                project=project,
                purl=purl,
                vulnerability=vulnerability,
                state=state,
                reason=reason or None,
                owner=owner or None,
                expires=expiry,
                justification=justification or None,
                actor=principal.email,
            )
        )
    except OspoError as exc:
        raise refused(exc) from None
    await follow_up(request.app.state.reevaluation_lock, store, background, principal.email, projects=[finding.project])
    return RedirectResponse(_safe_next(next), status.HTTP_303_SEE_OTHER)


__all__ = ["router"]
