"""The REST API (`/api/v1`): ingest, where-is, portfolio, accounts, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from ospo.model import OspoError, ScanResult
from ospo.policy.ranges import RangeError, in_range, parse_range
from ospo.service.api_decisions import router as decisions_router
from ospo.service.auth import SESSION_COOKIE, current_principal, get_store, requires
from ospo.store import Store
from ospo.store.accounts import AccountError, Principal, add_user, create_token, login, logout, revoke_token
from ospo.store.ingest import audit
from ospo.store.portfolio import ApiTokenRow, AuditRow, ProductRow, ProjectRow, ScanRow
from ospo.store.queries import WhereHit, portfolio_summary, trends, where_rows
from ospo.vulns import versions


class ErrorOut(BaseModel):
    detail: Any


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No, expired or revoked credentials"},
    403: {"model": ErrorOut, "description": "The role or token scope does not allow this, or CSRF token missing"},
    413: {"model": ErrorOut, "description": "Request body too large"},
    422: {"model": ErrorOut, "description": "Invalid request"},
}
router = APIRouter(prefix="/api/v1", responses=_ERRORS)
router.include_router(decisions_router)  # exceptions and findings' states: api_decisions.py

StoreDep = Annotated[Store, Depends(get_store)]
Reader = Annotated[Principal, Depends(requires("read"))]
Uploader = Annotated[Principal, Depends(requires("upload"))]
Admin = Annotated[Principal, Depends(requires("admin"))]
Reviewer = Annotated[Principal, Depends(requires("review"))]


class Health(BaseModel):
    status: str


class Me(BaseModel):
    email: str
    role: str
    via: str
    csrf_token: str | None = None


class LoginRequest(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class IngestResponse(BaseModel):
    scan_id: int
    project_id: int
    created: bool
    components: int
    verdict: str | None = Field(default=None, description="the stored scan's verdict under the service's policy")
    vulnerabilities: int = Field(default=0, description="vulnerability findings the stored scan has")


class WhereVersionOut(BaseModel):
    purl: str
    version: str | None
    places: int


class WhereResponse(BaseModel):
    """One page of the places, with the figures of the whole answer."""

    query: str
    range: str | None
    total: int = Field(description="places (project scans) in the whole answer")
    projects: int
    products: int
    versions: list[WhereVersionOut] = Field(description="every matching version in use, most used first")
    offset: int
    limit: int
    next_offset: int | None = Field(description="offset of the next page; null on the last one")
    hits: list[WhereHit]


class ProjectOut(BaseModel):
    name: str
    product: str | None
    latest_scan_id: int | None
    verdict: str | None
    components: int
    scanned_at: str | None


class UserIn(BaseModel):
    email: str = Field(max_length=320)
    role: str = Field(pattern="^(viewer|engineer|reviewer|admin)$")
    password: str | None = Field(default=None, min_length=12, max_length=1000)
    name: str = Field(default="", max_length=200)


class UserOut(BaseModel):
    id: int
    email: str
    role: str


class TokenIn(BaseModel):
    email: str = Field(max_length=320)
    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(default_factory=list, max_length=4)
    expires_days: int | None = Field(default=90, ge=1, le=3650)


class TokenOut(BaseModel):
    id: int
    token: str


class AuditOut(BaseModel):
    at: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]


def _bad(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


@router.get("/health", response_model=Health, tags=["service"])
def health() -> Health:
    """Liveness; the only route without authentication."""
    return Health(status="ok")


@router.get("/me", response_model=Me, tags=["accounts"])
def me(principal: Annotated[Principal, Depends(current_principal)]) -> Me:
    return Me(email=principal.email, role=principal.role, via=principal.via, csrf_token=principal.csrf_token)


@router.post("/login", response_model=Me, tags=["accounts"])
def login_route(body: LoginRequest, response: Response, store: StoreDep, request: Request) -> Me:
    """Start a browser session (the cookie is HttpOnly; writes also need the returned CSRF token)."""
    found = login(store, body.email, body.password)
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong e-mail or password")
    sid, csrf = found
    response.set_cookie(
        SESSION_COOKIE, sid, httponly=True, samesite="lax", secure=request.url.scheme == "https", max_age=12 * 3600
    )
    principal_role = _role_of(store, body.email)
    return Me(email=body.email.strip().lower(), role=principal_role, via="session", csrf_token=csrf)


def _role_of(store: Store, email: str) -> str:
    from ospo.store.portfolio import UserRow

    with store.session() as session:
        role = session.execute(select(UserRow.role).where(UserRow.email == email.strip().lower())).scalar_one()
        return str(role)


@router.post("/logout", status_code=204, tags=["accounts"])
def logout_route(request: Request, response: Response, store: StoreDep, _: Reader) -> Response:
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        logout(store, sid)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


_POLICY_BROKEN: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorOut, "description": "The service's policy file (OSPO_POLICY) cannot be read"},
}
ProjectName = Annotated[str, Query(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f]+$")]
OptionalName = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]


@router.post("/scans", response_model=IngestResponse, tags=["ingest"], status_code=201, responses=_POLICY_BROKEN)
def upload_scan(
    store: StoreDep,
    principal: Uploader,
    project: ProjectName,
    result: Annotated[ScanResult, Body(description="the JSON of `ospo scan --format json`")],
    product: OptionalName = None,
    release: OptionalName = None,
) -> IngestResponse:
    """Store a ScanResult judged with the service's policy and advisories, its vulnerability
    findings tracked in the same transaction (idempotent: the same upload twice is stored once)."""
    from ospo.service.judged_ingest import ingest_judged

    if release is not None and product is None:
        product = project  # a release belongs to a product: the project is its own product then
    policy = _service_policy()
    try:
        done = ingest_judged(store, result, project, policy, product=product, release=release, actor=principal.email)
    except (OspoError, ValueError) as exc:
        raise _bad(str(exc)) from None
    return IngestResponse(**done.outcome.__dict__, verdict=done.result.verdict, vulnerabilities=done.findings)


class SbomIngestResponse(IngestResponse):
    kind: str
    problems: list[str]


_SBOM_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A CycloneDX (1.2-1.6) or SPDX 2.2/2.3 JSON document (SPDX tag-value is read too); "
        "the format is told by its content.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def _service_policy() -> Any:
    from ospo.policy import PolicyError
    from ospo.service.reevaluate import load_service_policy

    try:
        return load_service_policy()
    except PolicyError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"policy: {exc}") from None


@router.post(
    "/sbom",
    response_model=SbomIngestResponse,
    tags=["ingest"],
    status_code=201,
    responses=_POLICY_BROKEN,
    openapi_extra=_SBOM_BODY,
)
async def upload_sbom(
    request: Request,
    store: StoreDep,
    principal: Uploader,
    project: ProjectName,
    product: OptionalName = None,
    release: OptionalName = None,
) -> SbomIngestResponse:
    """Store a supplier's SBOM, judged with the service's policy and advisories (idempotent)."""
    from starlette.concurrency import run_in_threadpool

    from ospo.model import ParseError
    from ospo.service.sbom_import import import_sbom

    if release is not None and product is None:
        product = project
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"the SBOM is not UTF-8 text (byte {exc.start})") from None
    policy = _service_policy()
    try:
        done = await run_in_threadpool(
            import_sbom,
            store,
            text,
            "uploaded SBOM",
            project,
            policy,
            product=product,
            release=release,
            actor=principal.email,
        )
    except ParseError as exc:
        raise _bad(str(exc)) from None
    except (OspoError, ValueError) as exc:
        raise _bad(str(exc)) from None
    return SbomIngestResponse(
        **done.outcome.__dict__,
        kind=done.kind,
        verdict=done.result.verdict,
        vulnerabilities=len(done.result.vulnerabilities),
        problems=[str(p) for p in done.result.problems[:100]],
    )


class VerdictChangeOut(BaseModel):
    project: str
    subject: str
    before: str | None
    after: str | None


class ReevaluateResponse(BaseModel):
    policy: str
    projects: int
    changed_projects: list[str]
    changes: list[VerdictChangeOut]
    errors: list[str]


@router.post("/reevaluate", response_model=ReevaluateResponse, tags=["portfolio"], responses=_POLICY_BROKEN)
async def reevaluate_route(request: Request, store: StoreDep, principal: Reviewer) -> ReevaluateResponse:
    """Judge every project's latest scan again now (current policy and advisories), no rescan."""
    import asyncio

    from ospo.service.reevaluate import reevaluate_if_changed

    _service_policy()  # a broken policy file is a 503 before any work
    lock: asyncio.Lock = request.app.state.reevaluation_lock
    async with lock:
        report = await asyncio.to_thread(reevaluate_if_changed, store, force=True, actor=principal.email)
    assert report is not None
    return ReevaluateResponse(
        policy=report.policy_source,
        projects=len(report.projects),
        changed_projects=[p.project for p in report.changed_projects],
        changes=[VerdictChangeOut(**c.__dict__) for c in report.changes[:1000]],
        errors=[f"{p.project}: {p.error}" for p in report.errors],
    )


@router.get("/where", response_model=WhereResponse, tags=["portfolio"])
def where_route(
    store: StoreDep,
    _: Reader,
    purl: Annotated[str, Query(min_length=5, max_length=1000, pattern=r"^pkg:[^\x00-\x1f]+$")],
    range: Annotated[str | None, Query(max_length=300)] = None,
    history: bool = False,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> WhereResponse:
    """Every product, release and project shipping a component matching a purl (or prefix) and range.

    Places are sorted by product, project and purl and paged (`limit`, `offset`); `total`,
    `projects`, `products` and `versions` describe the whole answer on every page."""
    version_filter = None
    if range:
        try:
            spec = parse_range(range)
        except RangeError as exc:
            raise _bad(str(exc)) from None

        def version_filter(ecosystem: str, version: str) -> bool:
            osv = versions.osv_ecosystem(ecosystem)

            def compare(a: str, b: str) -> int:
                return versions.compare(osv, a, b)

            try:
                return in_range(version, spec, compare)
            except OspoError:
                return False

    answer = where_rows(store, purl, version_filter=version_filter, include_history=history)
    end = offset + limit
    return WhereResponse(
        query=purl,
        range=range,
        total=len(answer),
        projects=answer.project_count(),
        products=answer.product_count(),
        versions=[WhereVersionOut(purl=p, version=v, places=n) for p, v, n in answer.versions()],
        offset=offset,
        limit=limit,
        next_offset=end if end < len(answer) else None,
        hits=answer.hits(offset, limit),
    )


@router.get("/summary", tags=["portfolio"])
def summary_route(store: StoreDep, _: Reader) -> dict[str, Any]:
    return portfolio_summary(store)


@router.get("/trends", tags=["portfolio"])
def trends_route(
    store: StoreDep, _: Reader, project: Annotated[str | None, Query(max_length=300)] = None
) -> list[dict[str, Any]]:
    return trends(store, project)


@router.get("/projects", response_model=list[ProjectOut], tags=["portfolio"])
def projects_route(store: StoreDep, _: Reader) -> list[ProjectOut]:
    with store.session() as session:
        rows = session.execute(
            select(ProjectRow, ProductRow.name, ScanRow)
            .outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
            .outerjoin(ScanRow, ScanRow.id == ProjectRow.latest_scan_id)
            .order_by(ProjectRow.name)
        ).all()
        return [
            ProjectOut(
                name=p.name,
                product=product,
                latest_scan_id=p.latest_scan_id,
                verdict=scan.verdict if scan else None,
                components=scan.component_count if scan else 0,
                scanned_at=scan.created_at.isoformat() if scan else None,
            )
            for p, product, scan in rows
        ]


@router.post("/users", response_model=UserOut, status_code=201, tags=["accounts"])
def add_user_route(body: UserIn, store: StoreDep, principal: Admin) -> UserOut:
    try:
        uid = add_user(store, body.email, body.role, body.password, body.name, actor=principal.email)
    except AccountError as exc:
        raise _bad(str(exc)) from None
    return UserOut(id=uid, email=body.email.strip().lower(), role=body.role)


@router.post("/tokens", response_model=TokenOut, status_code=201, tags=["accounts"])
def create_token_route(body: TokenIn, store: StoreDep, principal: Admin) -> TokenOut:
    bad = [s for s in body.scopes if s not in ("read", "upload", "review", "admin")]
    if bad:
        raise _bad(f"unknown scopes: {bad}")
    try:
        tid, token = create_token(
            store,
            body.email,
            body.name,
            scopes=tuple(body.scopes),
            expires_in=timedelta(days=body.expires_days) if body.expires_days else None,
            actor=principal.email,
        )
    except AccountError as exc:
        raise _bad(str(exc)) from None
    return TokenOut(id=tid, token=token)


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    tags=["accounts"],
    responses={404: {"model": ErrorOut, "description": "No such token"}},
)
def revoke_token_route(token_id: int, store: StoreDep, principal: Admin) -> Response:
    with store.session() as session:
        if session.get(ApiTokenRow, token_id) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such token")
    revoke_token(store, token_id, actor=principal.email)
    return Response(status_code=204)


@router.get("/audit", response_model=list[AuditOut], tags=["accounts"])
def audit_route(store: StoreDep, _: Admin, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuditOut]:
    with store.session() as session:
        rows = session.execute(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)).scalars()
        return [
            AuditOut(at=r.at.isoformat(), actor=r.actor, action=r.action, subject=r.subject, details=r.details)
            for r in rows
        ]


__all__ = ["audit", "router"]


# Read-only portfolio routes (products, releases, components, findings) live in their own module.
from ospo.service.api_portfolio import router as _portfolio_router  # noqa: E402

router.include_router(_portfolio_router)
