"""Read-only API of the portfolio (`/api/v1`): products and releases, what a release ships,
one package across everything, and the tracked vulnerability findings.

Every list is paged (`limit`, `offset`) and says how long the whole answer is (`total`,
`next_offset`), so a client can fetch it all or show the first page. Every route needs the
read permission (any role).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from pydantic import BaseModel, Field

from ospo.model import Component
from ospo.service.auth import get_store, requires
from ospo.store import Store
from ospo.store.accounts import Principal
from ospo.store.ingest import base_purl
from ospo.store.portfolio_queries import (
    ProductInfo,
    ProjectInfo,
    ReleaseComponent,
    ReleaseInfo,
    ReleaseScan,
    package_facts,
    product,
    products,
    release_components,
)
from ospo.store.queries import WhereHit, where_rows
from ospo.vulns.matcher import AdvisoryIndex, component_key, match_components
from ospo.vulns.tracking import TrackedFinding, findings_page

router = APIRouter(tags=["portfolio"])

StoreDep = Annotated[Store, Depends(get_store)]
Reader = Annotated[Principal, Depends(requires("read"))]

MAX_OFFSET = 1_000_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str | None, Query(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f]+$")]
PurlQuery = Annotated[str | None, Query(min_length=5, max_length=1000, pattern=r"^pkg:[^\x00-\x1f]+$")]


class NotFound(BaseModel):
    detail: str


_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": NotFound, "description": "No such item"}}


def _missing(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, what)


def _next(offset: int, count: int, total: int) -> int | None:
    return offset + count if offset + count < total else None


class Page(BaseModel):
    total: int = Field(description="items in the whole answer")
    offset: int
    limit: int
    next_offset: int | None = Field(description="offset of the next page; null on the last one")


# -- products and releases -------------------------------------------------------------------


class ProductOut(BaseModel):
    id: int
    name: str
    team: str | None
    distribution: str
    description: str
    project_count: int
    releases: list[ReleaseInfo] = Field(description="newest first, each with the projects it was built from")


class ProductsPage(Page):
    products: list[ProductOut]


class ProductDetailOut(ProductOut):
    projects: list[ProjectInfo] = Field(description="with their latest scans")


def _product_out(p: ProductInfo) -> dict[str, Any]:
    return {k: getattr(p, k) for k in ProductOut.model_fields}


@router.get("/products", response_model=ProductsPage)
def products_route(
    store: StoreDep,
    _: Reader,
    name: Text = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> ProductsPage:
    """Products by name, each with its team, project count and releases."""
    total, found = products(store, name=name, offset=offset, limit=limit)
    return ProductsPage(
        total=total,
        offset=offset,
        limit=limit,
        next_offset=_next(offset, len(found), total),
        products=[ProductOut(**_product_out(p)) for p in found],
    )


@router.get("/products/{product_id}", response_model=ProductDetailOut, responses=_NOT_FOUND)
def product_route(store: StoreDep, _: Reader, product_id: Id) -> ProductDetailOut:
    """One product: its releases and its projects with their latest scans."""
    found = product(store, product_id)
    if found is None:
        raise _missing(f"no product {product_id}")
    return ProductDetailOut(**_product_out(found), projects=found.projects)


class ReleaseComponentsPage(Page):
    release_id: int
    product: str
    version: str
    created_at: dt.datetime
    scans: list[ReleaseScan] = Field(description="each project's newest scan made for the release")
    components: list[ReleaseComponent]


@router.get("/releases/{release_id}/components", response_model=ReleaseComponentsPage, responses=_NOT_FOUND)
def release_components_route(
    store: StoreDep,
    _: Reader,
    release_id: Id,
    verdict: Literal["allow", "review", "deny"] | None = None,
    purl: PurlQuery = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Offset = 0,
) -> ReleaseComponentsPage:
    """What a product release ships, by purl: scope, licence, verdict and the project it came
    from; `verdict` and `purl` (a prefix) narrow it."""
    found = release_components(store, release_id, verdict=verdict, purl=purl, offset=offset, limit=limit)
    if found is None:
        raise _missing(f"no release {release_id}")
    return ReleaseComponentsPage(
        total=found.total,
        offset=offset,
        limit=limit,
        next_offset=_next(offset, len(found.components), found.total),
        release_id=release_id,
        product=found.product,
        version=found.version,
        created_at=found.created_at,
        scans=found.scans,
        components=found.components,
    )


# -- one package across the portfolio --------------------------------------------------------


class LicenseCountOut(BaseModel):
    license: str | None
    places: int


class ComponentVersionOut(BaseModel):
    purl: str
    version: str | None
    places: int = Field(description="projects whose latest scan ships this version")
    licenses: list[LicenseCountOut]
    vulnerabilities: list[str] = Field(description="ids of the advisories affecting this version")
    upgrade_to: str | None = Field(description="the smallest upgrade that clears them all, if any")


class ComponentAdvisoryOut(BaseModel):
    id: str
    aliases: list[str]
    severity: str
    score: float | None
    summary: str
    fixed_versions: list[str]
    versions: list[str] = Field(description="versions in use that it affects")


class ComponentReleaseOut(BaseModel):
    product: str
    release: str
    project: str
    version: str | None


class FindingCountsOut(BaseModel):
    open: int
    overdue: int


class ComponentOut(Page):
    """`total` and the pages are the places (latest scans) using the package."""

    purl: str = Field(description="the package (purl without version)")
    version: str | None = Field(description="the version asked for, if the query named one")
    ecosystem: str
    namespace: str | None
    name: str
    projects: int
    products: int
    versions: list[ComponentVersionOut] = Field(description="versions in use, most used first")
    advisories: list[ComponentAdvisoryOut]
    findings: FindingCountsOut = Field(description="tracked findings on the package")
    releases_total: int
    releases: list[ComponentReleaseOut] = Field(description="product releases that shipped it (first 1,000)")
    places: list[WhereHit]


@router.get("/component", response_model=ComponentOut, responses=_NOT_FOUND)
def component_route(
    store: StoreDep,
    _: Reader,
    purl: Annotated[str, Query(min_length=5, max_length=1000, pattern=r"^pkg:[^\x00-\x1f]+$")],
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Offset = 0,
) -> ComponentOut:
    """One package (or, with `@version`, one version of it) across the portfolio: where it is
    used, the versions and licences in use, the advisories that affect them, and the releases
    that shipped it."""
    base = base_purl(purl)
    version = purl[len(base) + 1 :].split("?", 1)[0].split("#", 1)[0] if purl.startswith(base + "@") else None
    facts = package_facts(store, base)
    if facts is None:
        raise _missing(f"no component {base} in the portfolio")
    answer = where_rows(
        store,
        base,
        exact=True,
        version_filter=(lambda _eco, v: v == version) if version is not None else None,
    )
    in_use = answer.versions()
    releases = [r for r in facts.releases if version is None or r[3] == version]
    if version is not None and not in_use and not releases:
        raise _missing(f"{base} {version} is not in the portfolio")
    index = AdvisoryIndex()
    key = component_key(Component(base, facts.name, None, facts.ecosystem, namespace=facts.namespace))
    if key is not None:
        index = AdvisoryIndex.from_store(store, [key])
    advisories: dict[str, ComponentAdvisoryOut] = {}
    versions: list[ComponentVersionOut] = []
    for version_purl, version_name, places in in_use:
        affecting: list[str] = []
        upgrade = None
        if version_name is not None:
            probe = Component(version_purl, facts.name, version_name, facts.ecosystem, namespace=facts.namespace)
            matched = match_components([probe], index)
            for finding in matched.findings:
                affecting.append(finding.vuln_id)
                entry = advisories.setdefault(
                    finding.vuln_id,
                    ComponentAdvisoryOut(
                        id=finding.vuln_id,
                        aliases=sorted(set(finding.ids) - {finding.vuln_id}),
                        severity=finding.severity,
                        score=finding.score,
                        summary=finding.summary[:2000],
                        fixed_versions=list(finding.fixed_versions),
                        versions=[],
                    ),
                )
                entry.versions.append(version_name)
            advice = matched.advice.get(version_purl)
            upgrade = advice.upgrade_to if advice is not None else None
        licenses = facts.licenses.get(version_purl, {})
        versions.append(
            ComponentVersionOut(
                purl=version_purl,
                version=version_name,
                places=places,
                licenses=[
                    LicenseCountOut(license=lic, places=n)
                    for lic, n in sorted(licenses.items(), key=lambda kv: (-kv[1], kv[0] or ""))
                ],
                vulnerabilities=affecting,
                upgrade_to=upgrade,
            )
        )
    target = purl if version is not None else base
    open_findings = findings_page(store, purl=target, state="open", limit=1)
    overdue = findings_page(store, purl=target, state="open", overdue=True, limit=1)
    return ComponentOut(
        total=len(answer),
        offset=offset,
        limit=limit,
        next_offset=_next(offset, min(limit, max(len(answer) - offset, 0)), len(answer)),
        purl=base,
        version=version,
        ecosystem=facts.ecosystem,
        namespace=facts.namespace,
        name=facts.name,
        projects=answer.project_count(),
        products=answer.product_count(),
        versions=versions,
        advisories=sorted(advisories.values(), key=lambda a: a.id),
        findings=FindingCountsOut(open=open_findings.total, overdue=overdue.total),
        releases_total=len(releases),
        releases=[
            ComponentReleaseOut(product=p, release=r, project=project, version=v)
            for p, r, project, v in releases[:1000]
        ],
        places=answer.hits(offset, limit),
    )


# -- tracked vulnerability findings ----------------------------------------------------------


class FindingOut(BaseModel):
    project: str
    purl: str
    vuln_id: str
    aliases: list[str]
    severity: str
    score: float | None
    summary: str
    fixed_versions: list[str]
    first_seen: str
    due: str | None
    state: str = Field(description="as recorded: open, fixed, accepted-risk, not-affected")
    effective_state: str = Field(description="an accepted risk past its expiry is open again")
    overdue: bool
    days_left: int | None
    reason: str | None
    owner: str | None
    expires: str | None
    justification: str | None
    exception: str | None = Field(None, description="the exception (ospo-<id> or policy waiver) behind the state")


class FindingsPageOut(Page):
    findings: list[FindingOut] = Field(description="overdue first, then by due date and severity")


def _finding_out(f: TrackedFinding) -> FindingOut:
    return FindingOut(
        project=f.project,
        purl=f.purl,
        vuln_id=f.vuln_id,
        aliases=list(f.aliases),
        severity=f.severity,
        score=f.score,
        summary=f.summary,
        fixed_versions=list(f.fixed_versions),
        first_seen=f.first_seen.isoformat(),
        due=f.due.isoformat() if f.due else None,
        state=f.state,
        effective_state=f.effective_state,
        overdue=f.overdue,
        days_left=f.days_left,
        reason=f.reason,
        owner=f.owner,
        expires=f.expires.isoformat() if f.expires else None,
        justification=f.justification,
        exception=f.exception,
    )


@router.get("/findings", response_model=FindingsPageOut)
def findings_route(
    store: StoreDep,
    _: Reader,
    project: Text = None,
    purl: PurlQuery = None,
    severity: Literal["critical", "high", "medium", "low", "none", "unknown"] | None = None,
    state: Literal["open", "fixed", "accepted-risk", "not-affected"] | None = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> FindingsPageOut:
    """Tracked vulnerability findings with their SLA state. `state` is the effective state
    (`open` includes accepted risks whose acceptance expired); `purl` without a version
    matches every version of the package."""
    page = findings_page(
        store,
        project=project,
        purl=purl,
        severity=severity,
        state=state,
        overdue=overdue,
        today=dt.datetime.now(dt.UTC).date(),
        offset=offset,
        limit=limit,
    )
    return FindingsPageOut(
        total=page.total,
        offset=offset,
        limit=limit,
        next_offset=_next(offset, len(page.findings), page.total),
        findings=[_finding_out(f) for f in page.findings],
    )
