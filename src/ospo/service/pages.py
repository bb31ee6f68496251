"""The dashboard: server-rendered pages (Jinja2) for people, beside the REST API.

Every page needs a browser session; without one it redirects to /login. Reading needs no
JavaScript. Writes (logout, review decisions) are HTML forms carrying the session's CSRF
token; decisions also need the `review` permission. The login form is protected by a
double-submit token (a short-lived cookie that must match the form field), so another site
cannot log a browser into an account of its choosing. Pages are kept out of the OpenAPI
schema: the API documents machines' interface, not this one.
"""

from __future__ import annotations

import csv
import hmac
import io
import logging
import secrets
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse

from ospo.licenses import category_of
from ospo.licenses.catalog import license_text
from ospo.model import Component, PolicyDecision, ScanResult, Verdict
from ospo.reports.audit import render_audit_html
from ospo.reports.notice import build_notice
from ospo.reports.notice import render_html as render_notice_html
from ospo.reports.scan_json import scan_from_data
from ospo.sbom.cyclonedx import inventory_to_cyclonedx_json
from ospo.service.auth import PERMISSIONS, SESSION_COOKIE, get_store
from ospo.service.charts import daily_series, line_chart
from ospo.service.decisions import expiring_count, expiring_soon
from ospo.store import Store
from ospo.store import dashboard_queries as dq
from ospo.store.accounts import Principal, login, logout, principal_from_session
from ospo.vulns.matcher import AdvisoryIndex, component_key, match_components
from ospo.vulns.sla import VEX_JUSTIFICATIONS
from ospo.vulns.tracking import (
    FindingFilter,
    SeverityCounts,
    count_findings,
    finding_ids_by_alias,
    iter_findings,
    page_findings,
    severity_counts,
)

LOGIN_CSRF_COOKIE = "ospo_login_csrf"
STALE_AFTER = timedelta(days=30)
REVIEW_PAGE = 100  # items with a decision form per page; the CSV has them all
# Rows per page of the long tables (every table pages with totals; the CSVs have every row).
HOME_PAGE = 25
HOME_EXPIRING = 10  # exceptions ending soon on the home page; the exceptions page has them all
TABLE_PAGE = 100
PROJECT_PAGE = 500  # components of one scan: most projects fit on one page
COMPONENT_FINDINGS = 50
# A figure no index answers (distinct components of the latest scans) is recounted within
# the request when the last count took less than this, else in a background thread.
INLINE_FIGURES_SECONDS = 0.1
INLINE_FIGURES_LINKS = 100_000  # never counted yet: inline only below this many links
log = logging.getLogger("ospo.pages")
Offset = Annotated[int, Query(ge=0, le=100_000_000)]
STATIC = {"dashboard.css": "text/css; charset=utf-8", "search.js": "text/javascript; charset=utf-8"}

router = APIRouter(include_in_schema=False)
StoreDep = Annotated[Store, Depends(get_store)]


@cache
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ospo.service", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["when"] = _when
    env.globals["quote"] = lambda s: quote(str(s), safe="")
    env.globals["vex_justifications"] = VEX_JUSTIFICATIONS
    return env


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def render(
    name: str, request: Request, principal: Principal | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    html = (
        _templates()
        .get_template(name)
        .render(
            user=principal,
            can_review=principal is not None and "review" in PERMISSIONS.get(principal.role, frozenset()),
            current_path=request.url.path,
            default_expiry=context.pop("default_expiry", (date.today() + timedelta(days=365)).isoformat()),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def _safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no `//host`): an open redirect is a phishing aid."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def page_principal(request: Request, store: StoreDep) -> Principal:
    """The logged-in person, or a redirect to the login page that comes back here after."""
    sid = request.cookies.get(SESSION_COOKIE)
    principal = principal_from_session(store, sid) if sid else None
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": "/login?" + urlencode({"next": target})})
    return principal


Person = Annotated[Principal, Depends(page_principal)]


def _check_csrf(principal: Principal, sent: str | None) -> None:
    if not sent or not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")


# --- static files of our own (CSS, the optional search script) -------------------------


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in STATIC:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such file")
    body = (files("ospo.service") / "static" / name).read_bytes()
    return Response(body, media_type=STATIC[name], headers={"Cache-Control": "max-age=3600"})


# --- login and logout --------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", error: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        "login.html.j2", request, None, next=_safe_next(next), login_csrf=token, error=error, status_code=200
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=3600,
        path="/login",
    )
    return response


@router.post("/login")
def login_submit(
    request: Request,
    store: StoreDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    login_csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not login_csrf or not hmac.compare_digest(cookie, login_csrf):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the login form expired: reload the page and try again")
    found = login(store, email, password)
    if found is None:
        return RedirectResponse(
            "/login?" + urlencode({"next": _safe_next(next), "error": "Wrong e-mail or password."}),
            status.HTTP_303_SEE_OTHER,
        )
    sid, _csrf = found
    response = RedirectResponse(_safe_next(next), status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE, sid, httponly=True, samesite="lax", secure=request.url.scheme == "https", max_age=12 * 3600
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout_submit(
    request: Request, store: StoreDep, principal: Person, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    _check_csrf(principal, csrf_token)
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        logout(store, sid)
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- the dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pager:
    """Where one page of a long table starts, how many rows there are, and the links to the
    pages before and after (the other query parameters kept)."""

    offset: int
    size: int
    total: int
    prev_url: str | None
    next_url: str | None

    @property
    def first(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)


def _pager(request: Request, param: str, offset: int, size: int, total: int) -> Pager:
    def url(start: int) -> str:
        params = {k: v for k, v in request.query_params.items() if k != param}
        if start:
            params[param] = str(start)
        return request.url.path + ("?" + urlencode(params) if params else "")

    last_start = max(0, (total - 1) // size * size)
    prev_url = url(max(0, min(offset - size, last_start))) if offset > 0 else None
    next_url = url(offset + size) if offset + size < total else None
    return Pager(offset, size, total, prev_url, next_url)


def _severity_table(counts: list[SeverityCounts]) -> list[dict[str, Any]]:
    return [
        {"severity": c.severity, "open": c.open, "overdue": c.overdue, "due_soon": c.due_soon, "accepted": c.accepted}
        for c in counts
        if c.open or c.accepted
    ]


_refreshing: set[int] = set()
_refreshing_lock = threading.Lock()


def _refresh_later(store: Store) -> None:
    """Recount the cached figures in a thread of their own (one per store at a time)."""
    with _refreshing_lock:
        if id(store) in _refreshing:
            return
        _refreshing.add(id(store))

    def run() -> None:
        try:
            dq.refresh_figures(store)
        except Exception:  # logged, never raised into a request; the old figure stays
            log.exception("recounting the dashboard figures failed")
        finally:
            with _refreshing_lock:
                _refreshing.discard(id(store))

    threading.Thread(target=run, name="ospo-figures", daemon=True).start()


def _figures(store: Store) -> tuple[dq.Figures | None, bool]:
    """(figures, current): the cached figures, recounted now when that is quick (a small
    portfolio), else recounted in the background while the page shows the last count."""
    figures, current = dq.cached_figures(store)
    if current:
        return figures, True
    if figures is not None:
        quick = figures.seconds < INLINE_FIGURES_SECONDS
    else:
        quick = dq.latest_link_count(store) < INLINE_FIGURES_LINKS
    if quick:
        return dq.refresh_figures(store), True
    _refresh_later(store)
    return figures, False


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, principal: Person, scans: Offset = 0, flags: Offset = 0) -> HTMLResponse:
    now = datetime.now(UTC)
    today = now.date()
    severities = severity_counts(store, today)
    # open and accepted partition what the findings pages list (state open or accepted-risk)
    findings_total = sum(c.open + c.accepted for c in severities)
    urgent = page_findings(store, today, limit=15, overdue_total=sum(c.overdue for c in severities))
    products = dq.product_flags(store)
    counts = dq.scan_status_counts(store, now - STALE_AFTER)
    statuses = dq.project_statuses(store, order="scan", limit=HOME_PAGE, offset=scans)
    days = dq.trend_by_day(store)
    labels = [day for day, _ in days]
    figures, current = _figures(store)
    return render(
        "home.html.j2",
        request,
        principal,
        now=now,
        summary={"projects": counts.projects - counts.never},
        figures=figures,
        figures_current=current,
        severities=_severity_table(severities),
        findings=urgent,
        findings_total=findings_total,
        flags=products[flags : flags + HOME_PAGE],
        flags_pager=_pager(request, "flags", flags, HOME_PAGE, len(products)),
        scans=statuses,
        scan_counts=counts,
        scans_pager=_pager(request, "scans", scans, HOME_PAGE, counts.projects),
        stale_days=STALE_AFTER.days,
        unscanned=dq.products_without_scans(store),
        queue=dq.review_queue(store, limit=10),
        queue_total=sum(p.review for p in products),
        expiring=expiring_soon(store, today, limit=HOME_EXPIRING),
        expiring_total=expiring_count(store, today),
        risk_chart=line_chart(
            "Open findings and flagged components", labels, daily_series(days, ("vulnerabilities", "denied", "review"))
        ),
        size_chart=line_chart("Components in the portfolio", labels, daily_series(days, ("components",))),
        base_of=_base_purl,
    )


def _base_purl(purl: str) -> str:
    from ospo.store.ingest import base_purl

    return base_purl(purl)


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio_page(request: Request, store: StoreDep, principal: Person, start: Offset = 0) -> HTMLResponse:
    now = datetime.now(UTC)
    counts = dq.scan_status_counts(store, now - STALE_AFTER)
    return render(
        "portfolio.html.j2",
        request,
        principal,
        statuses=dq.project_statuses(store, limit=TABLE_PAGE, offset=start),
        pager=_pager(request, "start", start, TABLE_PAGE, counts.projects),
        counts=counts,
        products=dq.product_names(store),
        now=now,
        stale_days=STALE_AFTER.days,
    )


@router.get("/product", response_class=HTMLResponse)
def product_page(
    request: Request,
    store: StoreDep,
    principal: Person,
    name: Annotated[str, Query(max_length=300)],
    start: Offset = 0,
) -> HTMLResponse:
    view = dq.product_view(store, name)
    if view is None:
        return _not_found(request, principal, f"No product named {name}.")
    counts = dq.scan_status_counts(store, datetime.now(UTC) - STALE_AFTER, product=name)
    projects = dq.project_statuses(store, product=name, limit=TABLE_PAGE, offset=start)
    return render(
        "product.html.j2",
        request,
        principal,
        product=view,
        projects=projects,
        pager=_pager(request, "start", start, TABLE_PAGE, counts.projects),
    )


def _not_found(request: Request, principal: Principal, message: str) -> HTMLResponse:
    return render("message.html.j2", request, principal, title="Not found", message=message, status_code=404)


def _scan_or_404(store: Store, project: str, scan: int | None) -> tuple[dq.ScanView, ScanResult]:
    view = dq.scan_view(store, project, scan)
    data = dq.scan_result_data(store, view.scan_id) if view is not None else None
    if view is None or data is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such project or scan")
    return view, scan_from_data(data)


@router.get("/project", response_class=HTMLResponse)
def project_page(
    request: Request,
    store: StoreDep,
    principal: Person,
    name: Annotated[str, Query(max_length=300)],
    scan: int | None = None,
    verdict: Annotated[str | None, Query(pattern="^(allow|review|deny)$")] = None,
    start: Offset = 0,
) -> HTMLResponse:
    view = dq.scan_view(store, name, scan)
    if view is None:
        return _not_found(request, principal, f"No scan of a project named {name}.")
    counts = dq.scan_verdict_counts(store, view.scan_id)
    lines = dq.scan_components(store, view.scan_id, verdict=verdict, limit=PROJECT_PAGE, offset=start)
    shown = counts.get(verdict, 0) if verdict else sum(counts.values())
    # Only the vulnerabilities of the stored result, taken out by the database.
    vulns: dict[str, list[dict[str, Any]]] = {}
    matches = dq.scan_result_part(store, view.scan_id, "vulnerabilities") or []
    for match in matches:
        vulns.setdefault(str(match.get("purl")), []).append(match.get("advisory") or {})
    return render(
        "project.html.j2",
        request,
        principal,
        view=view,
        lines=lines,
        counts=counts,
        verdict=verdict,
        vulns=vulns,
        vuln_count=len(matches),
        pager=_pager(request, "start", start, PROJECT_PAGE, shown),
    )


def dependency_path(inventory: dict[str, Any], target: str) -> list[str] | None:
    """The shortest chain of refs from a project root to `target` in a scan's graph (BFS
    over the stored JSON of `Inventory.dependencies`).

    Roots are the inventory's projects and every ref that nothing depends on; None when the
    graph does not reach `target` (a lockfile without edges, or an SBOM without a graph).
    """
    edges: dict[str, list[str]] = {}
    targets: set[str] = set()
    for dep in inventory.get("dependencies") or ():
        children = [str(c) for c in dep.get("depends_on") or ()]
        edges.setdefault(str(dep.get("ref")), []).extend(children)
        targets.update(children)
    roots = [str(p.get("purl")) for p in inventory.get("projects") or ()]
    roots += [ref for ref in edges if ref not in targets and ref not in roots]
    parent: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for root in roots:
        if root not in parent:
            parent[root] = None
            queue.append(root)
    while queue:
        ref = queue.popleft()
        if ref == target:
            path = [ref]
            while (up := parent[path[-1]]) is not None:
                path.append(up)
            return path[::-1]
        for child in edges.get(ref, ()):
            if child not in parent:
                parent[child] = ref
                queue.append(child)
    return None


@router.get("/why", response_class=HTMLResponse)
def why_page(
    request: Request,
    store: StoreDep,
    principal: Person,
    project: Annotated[str, Query(max_length=300)],
    purl: Annotated[str, Query(max_length=1000)],
    scan: int | None = None,
) -> HTMLResponse:
    view = dq.scan_view(store, project, scan)
    if view is None:
        return _not_found(request, principal, f"No scan of a project named {project}.")
    inventory = dq.scan_result_part(store, view.scan_id, "inventory") or {}
    names = {str(c.get("purl")): c for c in (*(inventory.get("components") or ()), *(inventory.get("projects") or ()))}
    if not any(str(c.get("purl")) == purl for c in inventory.get("components") or ()):
        return _not_found(request, principal, f"{purl} is not in this scan of {project}.")
    path = dependency_path(inventory, purl)
    return render("why.html.j2", request, principal, view=view, purl=purl, path=path, names=names)


@router.get("/component", response_class=HTMLResponse)
def component_page(
    request: Request,
    store: StoreDep,
    principal: Person,
    purl: Annotated[str, Query(min_length=5, max_length=1000)],
    start: Offset = 0,
) -> HTMLResponse:
    base = _base_purl(purl)
    identity = dq.component_identity(store, base)
    if identity is None:
        return _not_found(request, principal, f"No component {base} in the portfolio.")
    versions = dq.component_versions(store, base)
    usage = dq.component_usage(store, base, limit=TABLE_PAGE, offset=start)
    probe = Component(base, identity.name, None, identity.ecosystem, namespace=identity.namespace)
    key = component_key(probe)
    index = AdvisoryIndex.from_store(store, [key]) if key else AdvisoryIndex()
    affected: dict[str, list[Any]] = {}
    upgrades: dict[str, str | None] = {}
    for v in versions:
        if v.version is None:
            continue
        match = match_components(
            [Component(v.purl, identity.name, v.version, identity.ecosystem, namespace=identity.namespace)], index
        )
        affected[v.purl] = match.findings
        if v.purl in match.advice:
            upgrades[v.purl] = match.advice[v.purl].upgrade_to
    today = datetime.now(UTC).date()
    where = FindingFilter(purl=base, include_closed=True)  # closed ones too: they can be reopened
    findings_total, overdue = count_findings(store, today, where)
    return render(
        "component.html.j2",
        request,
        principal,
        base=base,
        identity=identity,
        usage=usage,
        pager=_pager(request, "start", start, TABLE_PAGE, sum(v.projects for v in versions)),
        versions=versions,
        pending_total=sum(v.verdicts.get("review", 0) + v.verdicts.get("deny", 0) for v in versions),
        licenses=sorted({lic or "unknown" for v in versions for lic in v.licenses}),
        advisories=sorted(index.advisories.values(), key=lambda a: a.id),
        affected=affected,
        upgrades=upgrades,
        findings=page_findings(store, today, where, limit=COMPONENT_FINDINGS, overdue_total=overdue),
        findings_total=findings_total,
    )


@router.get("/license", response_class=HTMLResponse)
def license_page(
    request: Request,
    store: StoreDep,
    principal: Person,
    expression: Annotated[str, Query(max_length=1000)],
    start: Offset = 0,
) -> HTMLResponse:
    rows = dq.components_with_license(store, expression, limit=TABLE_PAGE, offset=start)
    # the total from the scans' summaries; never less than what the rows show
    figures, _ = _figures(store)
    counted = figures.licenses.get(expression, 0) if figures is not None else 0
    total = max(counted, start + len(rows) + (1 if len(rows) == TABLE_PAGE else 0))
    return render(
        "license.html.j2",
        request,
        principal,
        expression=expression,
        rows=rows,
        total=total,
        pager=_pager(request, "start", start, TABLE_PAGE, total),
    )


@router.get("/advisory", response_class=HTMLResponse)
def advisory_page(
    request: Request,
    store: StoreDep,
    principal: Person,
    id: Annotated[str, Query(max_length=200)],
    start: Offset = 0,
) -> HTMLResponse:
    row = dq.advisory(store, id)
    ids = {id, *((row.id, *(row.aliases or ())) if row is not None else ())}
    today = datetime.now(UTC).date()
    where = FindingFilter(vuln_ids=tuple(sorted(ids)), include_closed=True)
    total, overdue = count_findings(store, today, where)
    if row is None and total == 0:
        # a finding that knows this id only as an alias of its canonical one
        ids |= finding_ids_by_alias(store, id)
        where = FindingFilter(vuln_ids=tuple(sorted(ids)), include_closed=True)
        total, overdue = count_findings(store, today, where)
    if row is None and not total:
        return _not_found(request, principal, f"No advisory {id}.")
    findings = page_findings(store, today, where, limit=TABLE_PAGE, offset=start, overdue_total=overdue)
    return render(
        "advisory.html.j2",
        request,
        principal,
        advisory_id=id,
        row=row,
        findings=findings,
        pager=_pager(request, "start", start, TABLE_PAGE, total),
        base_of=_base_purl,
    )


@router.get("/vulnerabilities", response_class=HTMLResponse)
def vulnerabilities_page(
    request: Request,
    store: StoreDep,
    principal: Person,
    start: Offset = 0,
    project: Annotated[str | None, Query(max_length=300)] = None,
    component: Annotated[str | None, Query(max_length=1000)] = None,
) -> HTMLResponse:
    today = datetime.now(UTC).date()
    where = FindingFilter(project=project or None, purl=_base_purl(component) if component else None)
    total, overdue = count_findings(store, today, where)
    findings = page_findings(store, today, where, limit=TABLE_PAGE, offset=start, overdue_total=overdue)
    return render(
        "vulnerabilities.html.j2",
        request,
        principal,
        findings=findings,
        total=total,
        overdue=overdue,
        project=project,
        component=_base_purl(component) if component else None,
        pager=_pager(request, "start", start, TABLE_PAGE, total),
        base_of=_base_purl,
    )


# --- search --------------------------------------------------------------------------------


def _hit_url(hit: dq.SearchHit) -> str:
    match hit.kind:
        case "product":
            return "/product?" + urlencode({"name": hit.key})
        case "project":
            return "/project?" + urlencode({"name": hit.key})
        case "component":
            return "/component?" + urlencode({"purl": hit.key})
        case "license":
            return "/license?" + urlencode({"expression": hit.key})
        case _:
            return "/advisory?" + urlencode({"id": hit.key})


def _licences(store: Store) -> dict[str, int] | None:
    """The cached licence counts of the latest scans (None: count them with the search)."""
    figures, _ = _figures(store)
    return figures.licenses if figures is not None else None


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, store: StoreDep, principal: Person, q: Annotated[str, Query(max_length=300)] = ""
) -> HTMLResponse:
    hits = dq.search(store, q, licences=_licences(store)) if q.strip() else []
    return render("search.html.j2", request, principal, q=q, hits=[(h, _hit_url(h)) for h in hits])


@router.get("/search.json")
def search_json(store: StoreDep, principal: Person, q: Annotated[str, Query(max_length=300)] = "") -> JSONResponse:
    hits = dq.search(store, q, limit=8, licences=_licences(store)) if len(q.strip()) >= 2 else []
    return JSONResponse(
        [{"kind": h.kind, "label": h.label, "detail": h.detail, "url": _hit_url(h)} for h in hits],
        headers={"Cache-Control": "no-store"},
    )


# --- review queue and decisions ------------------------------------------------------------


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, store: StoreDep, principal: Person, start: Offset = 0) -> HTMLResponse:
    total = dq.review_total(store)
    return render(
        "review.html.j2",
        request,
        principal,
        queue=dq.review_queue(store, limit=REVIEW_PAGE, offset=start),
        total=total,
        pager=_pager(request, "start", start, REVIEW_PAGE, total),
        decisions=dq.recent_decisions(store),
    )


def form_date(value: str) -> date | None:
    """An optional date field of a form (422 when it is not YYYY-MM-DD)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "expiry must be a date (YYYY-MM-DD)") from None


@router.post("/review")
def review_submit(
    store: StoreDep,
    principal: Person,
    project: Annotated[str, Form(max_length=300)],
    purl: Annotated[str, Form(max_length=1000)],
    decision: Annotated[str, Form(pattern="^(approve|deny)$")],
    reason: Annotated[str, Form(max_length=2000)] = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    expires: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/review",
) -> Response:
    _check_csrf(principal, csrf_token)
    if "review" not in PERMISSIONS.get(principal.role, frozenset()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role} may not review")
    expiry = form_date(expires)
    try:
        dq.decide(
            store, project, purl, decision, actor=principal.email, reason=reason, owner=owner or None, expires=expiry
        )
    except dq.DecisionError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return RedirectResponse(_safe_next(next), status.HTTP_303_SEE_OTHER)


# --- exports -------------------------------------------------------------------------------


def _csv(name: str, header: list[str], rows: Iterable[list[Any]]) -> StreamingResponse:
    """A CSV download written as it is read: the first bytes leave before the last row of a
    portfolio-wide table (hundreds of thousands of rows) is fetched."""

    def body() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            if out.tell() > 1 << 16:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else "; ".join(value) if isinstance(value, (list, tuple)) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _file_name(project: str, suffix: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in project)[:100] or "project"
    return f"{safe}{suffix}"


@router.get("/export/components.csv")
def export_components(
    store: StoreDep, principal: Person, project: Annotated[str, Query(max_length=300)], scan: int | None = None
) -> StreamingResponse:
    view = dq.scan_view(store, project, scan)
    if view is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such project or scan")
    lines = dq.scan_components(store, view.scan_id)
    return _csv(
        _file_name(project, "-components.csv"),
        ["purl", "name", "version", "scope", "direct", "license", "license_source", "verdict", "reasons", "exception"],
        [
            [
                c.purl,
                c.name,
                c.version,
                c.scope,
                c.direct,
                c.license,
                c.license_source,
                c.verdict,
                list(c.reasons),
                c.exception,
            ]
            for c in lines
        ],
    )


@router.get("/export/review.csv")
def export_review(store: StoreDep, principal: Person) -> StreamingResponse:
    return _csv(
        "review-queue.csv",
        ["product", "project", "purl", "license", "verdict", "reasons"],
        ([i.product, i.project, i.purl, i.license, i.verdict, list(i.reasons)] for i in dq.iter_review_queue(store)),
    )


@router.get("/export/vulnerabilities.csv")
def export_vulnerabilities(store: StoreDep, principal: Person) -> StreamingResponse:
    findings = iter_findings(store, datetime.now(UTC).date())
    return _csv(
        "vulnerabilities.csv",
        ["project", "purl", "id", "aliases", "severity", "score", "state", "due", "overdue", "days_left", "fixed"],
        (
            [
                f.project,
                f.purl,
                f.vuln_id,
                list(f.aliases),
                f.severity,
                f.score,
                f.effective_state,
                f.due.isoformat() if f.due else None,
                f.overdue,
                f.days_left,
                list(f.fixed_versions),
            ]
            for f in findings
        ),
    )


def _with_review_decisions(result: ScanResult, stored: dict[str, dq.StoredVerdict]) -> ScanResult:
    """The scan's decisions with the reviewers' later verdicts applied (for the audit report)."""
    decisions: list[PolicyDecision] = []
    for d in result.decisions:
        line = stored.get(d.subject)
        if line is not None and line.verdict and line.verdict != d.verdict.value:
            d = PolicyDecision(d.subject, Verdict(line.verdict), line.reasons, d.rule, line.exception)
        decisions.append(d)
    result.decisions = decisions
    return result


@router.get("/export/sbom.cdx.json")
def export_sbom(
    store: StoreDep, principal: Person, project: Annotated[str, Query(max_length=300)], scan: int | None = None
) -> Response:
    found = _scan_or_404(store, project, scan)
    return Response(
        inventory_to_cyclonedx_json(found[1].inventory),
        media_type="application/vnd.cyclonedx+json",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(project, ".cdx.json")}"'},
    )


@router.get("/export/notice.html", response_class=HTMLResponse)
def export_notice(
    store: StoreDep, principal: Person, project: Annotated[str, Query(max_length=300)], scan: int | None = None
) -> HTMLResponse:
    found = _scan_or_404(store, project, scan)
    view, result = found
    notice = build_notice(
        view.product or view.project,
        result.inventory.components,
        result.concluded,
        license_text=license_text,
        category_of=category_of,
    )
    return HTMLResponse(render_notice_html(notice))


@router.get("/export/audit.html", response_class=HTMLResponse)
def export_audit(
    store: StoreDep, principal: Person, project: Annotated[str, Query(max_length=300)], scan: int | None = None
) -> HTMLResponse:
    found = _scan_or_404(store, project, scan)
    view, result = found
    result = _with_review_decisions(result, dq.scan_verdicts(store, view.scan_id))
    title = view.product or view.project
    if view.release:
        title = f"{title} {view.release}"
    return HTMLResponse(render_audit_html(result, title))


__all__ = ["dependency_path", "router"]
