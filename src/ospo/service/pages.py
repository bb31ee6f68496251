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
import secrets
from collections import deque
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ospo.licenses import category_of
from ospo.licenses.catalog import license_text
from ospo.model import Component, PolicyDecision, ScanResult, Verdict
from ospo.reports.audit import render_audit_html
from ospo.reports.notice import build_notice
from ospo.reports.notice import render_html as render_notice_html
from ospo.reports.scan_json import scan_from_data
from ospo.sbom.cyclonedx import inventory_to_cyclonedx_json
from ospo.service.auth import PERMISSIONS, SESSION_COOKIE, get_store
from ospo.service.charts import line_chart, portfolio_trend
from ospo.service.decisions import expiring_soon
from ospo.store import Store
from ospo.store import dashboard_queries as dq
from ospo.store.accounts import Principal, login, logout, principal_from_session
from ospo.store.queries import portfolio_summary, trends, where
from ospo.vulns.matcher import AdvisoryIndex, component_key, match_components
from ospo.vulns.severity import RATINGS
from ospo.vulns.sla import VEX_JUSTIFICATIONS
from ospo.vulns.tracking import TrackedFinding, list_findings

LOGIN_CSRF_COOKIE = "ospo_login_csrf"
STALE_AFTER = timedelta(days=30)
REVIEW_PAGE = 100  # items with a decision form per page; the CSV has them all
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


def _severity_table(findings: list[TrackedFinding], today: date) -> list[dict[str, Any]]:
    rows = []
    for rating in RATINGS:
        mine = [f for f in findings if f.severity == rating]
        open_ = [f for f in mine if f.effective_state == "open"]
        rows.append(
            {
                "severity": rating,
                "open": len(open_),
                "overdue": sum(1 for f in open_ if f.overdue),
                "due_soon": sum(1 for f in open_ if not f.overdue and f.days_left is not None and f.days_left <= 7),
                "accepted": sum(1 for f in mine if f.effective_state == "accepted-risk"),
            }
        )
    return [r for r in rows if r["open"] or r["accepted"]]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, principal: Person) -> HTMLResponse:
    now = datetime.now(UTC)
    today = now.date()
    findings = list_findings(store, today=today)
    statuses = dq.project_statuses(store)
    by_product: dict[str, dict[str, Any]] = {}
    for s in statuses:
        entry = by_product.setdefault(s.product or "", {"product": s.product, "projects": 0, "deny": 0, "review": 0})
        entry["projects"] += 1
        entry["deny"] += s.deny
        entry["review"] += s.review
    flags = sorted(by_product.values(), key=lambda e: (-e["deny"], -e["review"], e["product"] or "\uffff"))
    scans = sorted(
        statuses,
        key=lambda s: (s.scanned_at is not None, (s.age_days(now) or 0) < STALE_AFTER.days, s.scanned_at or now),
    )
    points = trends(store)
    labels, series = portfolio_trend(points, ("vulnerabilities", "denied", "review"))
    clabels, cseries = portfolio_trend(points, ("components",))
    queue = dq.review_queue(store, limit=10)
    return render(
        "home.html.j2",
        request,
        principal,
        now=now,
        summary=portfolio_summary(store),
        severities=_severity_table(findings, today),
        findings=findings[:15],
        findings_total=len(findings),
        flags=flags,
        scans=scans,
        stale_days=STALE_AFTER.days,
        unscanned=dq.products_without_scans(store),
        queue=queue,
        queue_total=sum(s.review for s in statuses),
        expiring=expiring_soon(store, today),
        risk_chart=line_chart("Open findings and flagged components", labels, series),
        size_chart=line_chart("Components in the portfolio", clabels, cseries),
        base_of=_base_purl,
    )


def _base_purl(purl: str) -> str:
    from ospo.store.ingest import base_purl

    return base_purl(purl)


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio_page(request: Request, store: StoreDep, principal: Person) -> HTMLResponse:
    now = datetime.now(UTC)
    return render(
        "portfolio.html.j2",
        request,
        principal,
        statuses=dq.project_statuses(store),
        products=dq.product_names(store),
        now=now,
        stale_days=STALE_AFTER.days,
    )


@router.get("/product", response_class=HTMLResponse)
def product_page(
    request: Request, store: StoreDep, principal: Person, name: Annotated[str, Query(max_length=300)]
) -> HTMLResponse:
    view = dq.product_view(store, name)
    if view is None:
        return _not_found(request, principal, f"No product named {name}.")
    projects = [s for s in dq.project_statuses(store) if s.product == name]
    return render("product.html.j2", request, principal, product=view, projects=projects)


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
) -> HTMLResponse:
    view = dq.scan_view(store, name, scan)
    data = dq.scan_result_data(store, view.scan_id) if view is not None else None
    if view is None or data is None:
        return _not_found(request, principal, f"No scan of a project named {name}.")
    lines = dq.scan_components(store, view.scan_id)
    counts = {v: sum(1 for line in lines if line.verdict == v) for v in ("deny", "review", "allow")}
    if verdict:
        lines = [line for line in lines if line.verdict == verdict]
    # The raw JSON is enough here; rebuilding the whole ScanResult costs more than the page.
    vulns: dict[str, list[dict[str, Any]]] = {}
    matches = data.get("vulnerabilities") or []
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
    data = dq.scan_result_data(store, view.scan_id) if view is not None else None
    if view is None or data is None:
        return _not_found(request, principal, f"No scan of a project named {project}.")
    inventory = data.get("inventory") or {}
    names = {str(c.get("purl")): c for c in (*(inventory.get("components") or ()), *(inventory.get("projects") or ()))}
    if not any(str(c.get("purl")) == purl for c in inventory.get("components") or ()):
        return _not_found(request, principal, f"{purl} is not in this scan of {project}.")
    path = dependency_path(inventory, purl)
    return render("why.html.j2", request, principal, view=view, purl=purl, path=path, names=names)


@router.get("/component", response_class=HTMLResponse)
def component_page(
    request: Request, store: StoreDep, principal: Person, purl: Annotated[str, Query(min_length=5, max_length=1000)]
) -> HTMLResponse:
    base = _base_purl(purl)
    identity = dq.component_identity(store, base)
    if identity is None:
        return _not_found(request, principal, f"No component {base} in the portfolio.")
    hits = where(store, base)
    hits = [h for h in hits if _base_purl(h.purl) == base]
    facts = dq.component_facts(store, base)
    versions = sorted({(p, v) for p, v, *_ in facts}, key=lambda pv: pv[0])
    probe = Component(base, identity.name, None, identity.ecosystem, namespace=identity.namespace)
    key = component_key(probe)
    index = AdvisoryIndex.from_store(store, [key]) if key else AdvisoryIndex()
    affected: dict[str, list[Any]] = {}
    upgrades: dict[str, str | None] = {}
    for p, v in versions:
        if v is None:
            continue
        match = match_components(
            [Component(p, identity.name, v, identity.ecosystem, namespace=identity.namespace)], index
        )
        affected[p] = match.findings
        if p in match.advice:
            upgrades[p] = match.advice[p].upgrade_to
    return render(
        "component.html.j2",
        request,
        principal,
        base=base,
        identity=identity,
        hits=hits,
        facts=facts,
        versions=versions,
        licenses=sorted({lic or "unknown" for *_, lic, _v in facts}),
        advisories=sorted(index.advisories.values(), key=lambda a: a.id),
        affected=affected,
        upgrades=upgrades,
        findings=[
            f
            for f in list_findings(store, today=datetime.now(UTC).date(), include_closed=True)
            if _base_purl(f.purl) == base
        ],
    )


@router.get("/license", response_class=HTMLResponse)
def license_page(
    request: Request, store: StoreDep, principal: Person, expression: Annotated[str, Query(max_length=1000)]
) -> HTMLResponse:
    rows = dq.components_with_license(store, expression)
    return render("license.html.j2", request, principal, expression=expression, rows=rows)


@router.get("/advisory", response_class=HTMLResponse)
def advisory_page(
    request: Request, store: StoreDep, principal: Person, id: Annotated[str, Query(max_length=200)]
) -> HTMLResponse:
    row = dq.advisory(store, id)
    findings = [
        f
        for f in list_findings(store, today=datetime.now(UTC).date(), include_closed=True)
        if id in f.vuln_id or id in f.aliases
    ]
    if row is None and not findings:
        return _not_found(request, principal, f"No advisory {id}.")
    return render(
        "advisory.html.j2", request, principal, advisory_id=id, row=row, findings=findings, base_of=_base_purl
    )


@router.get("/vulnerabilities", response_class=HTMLResponse)
def vulnerabilities_page(request: Request, store: StoreDep, principal: Person) -> HTMLResponse:
    findings = list_findings(store, today=datetime.now(UTC).date())
    return render("vulnerabilities.html.j2", request, principal, findings=findings, base_of=_base_purl)


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


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, store: StoreDep, principal: Person, q: Annotated[str, Query(max_length=300)] = ""
) -> HTMLResponse:
    hits = dq.search(store, q) if q.strip() else []
    return render("search.html.j2", request, principal, q=q, hits=[(h, _hit_url(h)) for h in hits])


@router.get("/search.json")
def search_json(store: StoreDep, principal: Person, q: Annotated[str, Query(max_length=300)] = "") -> JSONResponse:
    hits = dq.search(store, q, limit=8) if len(q.strip()) >= 2 else []
    return JSONResponse(
        [{"kind": h.kind, "label": h.label, "detail": h.detail, "url": _hit_url(h)} for h in hits],
        headers={"Cache-Control": "no-store"},
    )


# --- review queue and decisions ------------------------------------------------------------


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, store: StoreDep, principal: Person) -> HTMLResponse:
    return render(
        "review.html.j2",
        request,
        principal,
        queue=dq.review_queue(store, limit=REVIEW_PAGE + 1),
        shown=REVIEW_PAGE,
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


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return Response(
        out.getvalue(),
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
) -> Response:
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
def export_review(store: StoreDep, principal: Person) -> Response:
    return _csv(
        "review-queue.csv",
        ["product", "project", "purl", "license", "verdict", "reasons"],
        [
            [i.product, i.project, i.purl, i.license, i.verdict, list(i.reasons)]
            for i in dq.review_queue(store, 100_000)
        ],
    )


@router.get("/export/vulnerabilities.csv")
def export_vulnerabilities(store: StoreDep, principal: Person) -> Response:
    findings = list_findings(store, today=datetime.now(UTC).date())
    return _csv(
        "vulnerabilities.csv",
        ["project", "purl", "id", "aliases", "severity", "score", "state", "due", "overdue", "days_left", "fixed"],
        [
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
        ],
    )


def _with_review_decisions(result: ScanResult, lines: list[dq.ComponentLine]) -> ScanResult:
    """The scan's decisions with the reviewers' later verdicts applied (for the audit report)."""
    by_purl = {line.purl: line for line in lines}
    decisions: list[PolicyDecision] = []
    for d in result.decisions:
        line = by_purl.get(d.subject)
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
    result = _with_review_decisions(result, dq.scan_components(store, view.scan_id))
    title = view.product or view.project
    if view.release:
        title = f"{title} {view.release}"
    return HTMLResponse(render_audit_html(result, title))


__all__ = ["dependency_path", "router"]
