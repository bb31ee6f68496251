"""Read-only views of the portfolio for the API: products with their releases, what a
release ships, and one package's licences and releases across the portfolio.

Every list is paged in the database (a count and one page), so a portfolio of thousands of
products or a release of thousands of components is answered in one or two queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from ospo.store.engine import Store
from ospo.store.portfolio import (
    ComponentRow,
    ProductRow,
    ProjectRow,
    ReleaseRow,
    ScanComponentRow,
    ScanRow,
    TeamRow,
)


@dataclass(frozen=True)
class ReleaseInfo:
    id: int
    version: str
    created_at: datetime
    projects: list[str]  # the projects whose scans the release was built from


@dataclass(frozen=True)
class ProjectInfo:
    name: str
    latest_scan_id: int | None
    verdict: str | None
    components: int
    scanned_at: datetime | None


@dataclass(frozen=True)
class ProductInfo:
    id: int
    name: str
    team: str | None
    distribution: str
    description: str
    project_count: int
    releases: list[ReleaseInfo]
    projects: list[ProjectInfo] = field(default_factory=list)  # filled for one product only


def _releases(session: Session, product_ids: list[int]) -> dict[int, list[ReleaseInfo]]:
    out: dict[int, list[ReleaseInfo]] = {pid: [] for pid in product_ids}
    if not product_ids:
        return out
    projects: dict[int, list[str]] = {}
    for release_id, project in session.execute(
        select(ReleaseRow.id, ProjectRow.name)
        .join(ScanRow, ScanRow.release_id == ReleaseRow.id)
        .join(ProjectRow, ProjectRow.id == ScanRow.project_id)
        .where(ReleaseRow.product_id.in_(product_ids))
        .distinct()
        .order_by(ProjectRow.name)
    ):
        projects.setdefault(int(release_id), []).append(project)
    for release in session.execute(
        select(ReleaseRow)
        .where(ReleaseRow.product_id.in_(product_ids))
        .order_by(ReleaseRow.created_at.desc(), ReleaseRow.id.desc())
    ).scalars():
        out[release.product_id].append(
            ReleaseInfo(release.id, release.version, release.created_at, projects.get(release.id, []))
        )
    return out


def products(
    store: Store, *, name: str | None = None, offset: int = 0, limit: int = 100
) -> tuple[int, list[ProductInfo]]:
    """(total, one page of products by name, each with its releases, newest first)."""
    conditions: list[ColumnElement[bool]] = [] if name is None else [ProductRow.name == name]
    project_count = select(func.count(ProjectRow.id)).where(ProjectRow.product_id == ProductRow.id).scalar_subquery()
    with store.session() as session:
        total = session.execute(select(func.count(ProductRow.id)).where(*conditions)).scalar_one()
        rows = session.execute(
            select(ProductRow, TeamRow.name, project_count)
            .outerjoin(TeamRow, TeamRow.id == ProductRow.team_id)
            .where(*conditions)
            .order_by(ProductRow.name)
            .offset(offset)
            .limit(limit)
        ).all()
        releases = _releases(session, [p.id for p, _, _ in rows])
        return int(total), [
            ProductInfo(p.id, p.name, team, p.distribution, p.description, int(count), releases[p.id])
            for p, team, count in rows
        ]


def product(store: Store, product_id: int) -> ProductInfo | None:
    """One product with its releases and its projects (each with its latest scan's figures)."""
    with store.session() as session:
        found = session.execute(
            select(ProductRow, TeamRow.name)
            .outerjoin(TeamRow, TeamRow.id == ProductRow.team_id)
            .where(ProductRow.id == product_id)
        ).one_or_none()
        if found is None:
            return None
        row, team = found
        projects = [
            ProjectInfo(
                p.name,
                p.latest_scan_id,
                scan.verdict if scan else None,
                scan.component_count if scan else 0,
                scan.created_at if scan else None,
            )
            for p, scan in session.execute(
                select(ProjectRow, ScanRow)
                .outerjoin(ScanRow, ScanRow.id == ProjectRow.latest_scan_id)
                .where(ProjectRow.product_id == product_id)
                .order_by(ProjectRow.name)
            ).all()
        ]
        releases = _releases(session, [row.id])[row.id]
        return ProductInfo(row.id, row.name, team, row.distribution, row.description, len(projects), releases, projects)


@dataclass(frozen=True)
class ReleaseScan:
    project: str
    scan_id: int
    scanned_at: datetime
    verdict: str | None


@dataclass(frozen=True)
class ReleaseComponent:
    purl: str
    name: str
    version: str | None
    ecosystem: str
    scope: str
    direct: bool | None
    license: str | None
    verdict: str | None
    reasons: list[str]
    project: str
    scan_id: int


@dataclass(frozen=True)
class ReleaseContents:
    product: str
    version: str
    created_at: datetime
    scans: list[ReleaseScan]
    total: int
    components: list[ReleaseComponent]


def release_components(
    store: Store,
    release_id: int,
    *,
    verdict: str | None = None,
    purl: str | None = None,
    offset: int = 0,
    limit: int = 500,
) -> ReleaseContents | None:
    """What a release ships: the components of each project's newest scan made for it, by
    purl, optionally only those with `verdict` or whose purl starts with `purl`."""
    with store.session() as session:
        found = session.execute(
            select(ReleaseRow, ProductRow.name)
            .join(ProductRow, ProductRow.id == ReleaseRow.product_id)
            .where(ReleaseRow.id == release_id)
        ).one_or_none()
        if found is None:
            return None
        release, product_name = found
        newest = (
            select(func.max(ScanRow.id))
            .where(ScanRow.release_id == release_id)
            .group_by(ScanRow.project_id)
            .scalar_subquery()
        )
        scans = [
            ReleaseScan(project, int(scan_id), at, scan_verdict)
            for project, scan_id, at, scan_verdict in session.execute(
                select(ProjectRow.name, ScanRow.id, ScanRow.created_at, ScanRow.verdict)
                .join(ProjectRow, ProjectRow.id == ScanRow.project_id)
                .where(ScanRow.id.in_(newest))
                .order_by(ProjectRow.name)
            )
        ]
        conditions: list[ColumnElement[bool]] = [ScanComponentRow.scan_id.in_([s.scan_id for s in scans])]
        if verdict is not None:
            conditions.append(ScanComponentRow.verdict == verdict)
        if purl is not None:
            conditions.append(and_(ComponentRow.purl >= purl, ComponentRow.purl < purl + "\U0010ffff"))
        base = (
            select(ScanComponentRow, ComponentRow, ProjectRow.name)
            .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
            .join(ScanRow, ScanRow.id == ScanComponentRow.scan_id)
            .join(ProjectRow, ProjectRow.id == ScanRow.project_id)
            .where(*conditions)
        )
        total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
        components = [
            ReleaseComponent(
                c.purl,
                c.name,
                c.version,
                c.ecosystem,
                link.scope,
                link.direct,
                link.license,
                link.verdict,
                list(link.reasons or ()),
                project,
                link.scan_id,
            )
            for link, c, project in session.execute(
                base.order_by(ComponentRow.purl, ProjectRow.name).offset(offset).limit(limit)
            ).all()
        ]
        return ReleaseContents(product_name, release.version, release.created_at, scans, int(total), components)


@dataclass(frozen=True)
class PackageFacts:
    """A package across the portfolio: its identity, the licences concluded for each version
    in use, and every release that shipped it."""

    ecosystem: str
    namespace: str | None
    name: str
    licenses: dict[str, dict[str | None, int]]  # purl -> licence -> latest-scan places
    releases: list[tuple[str, str, str, str | None]]  # product, release, project, version


def package_facts(store: Store, base: str) -> PackageFacts | None:
    with store.session() as session:
        identity = session.execute(
            select(ComponentRow.ecosystem, ComponentRow.namespace, ComponentRow.name)
            .where(ComponentRow.base_purl == base)
            .limit(1)
        ).one_or_none()
        if identity is None:
            return None
        licenses: dict[str, dict[str | None, int]] = {}
        for purl, lic, count in session.execute(
            select(ComponentRow.purl, ScanComponentRow.license, func.count())
            .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
            .join(ProjectRow, ProjectRow.latest_scan_id == ScanComponentRow.scan_id)
            .where(ComponentRow.base_purl == base)
            .group_by(ComponentRow.purl, ScanComponentRow.license)
        ):
            licenses.setdefault(purl, {})[lic] = int(count)
        releases = [
            (product, version, project, component_version)
            for product, version, project, component_version in session.execute(
                select(ProductRow.name, ReleaseRow.version, ProjectRow.name, ComponentRow.version)
                .select_from(ComponentRow)
                .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
                .join(ScanRow, ScanRow.id == ScanComponentRow.scan_id)
                .join(ReleaseRow, ReleaseRow.id == ScanRow.release_id)
                .join(ProductRow, ProductRow.id == ReleaseRow.product_id)
                .join(ProjectRow, ProjectRow.id == ScanRow.project_id)
                .where(ComponentRow.base_purl == base)
                .distinct()
                .order_by(ProductRow.name, ReleaseRow.version, ProjectRow.name, ComponentRow.version)
            )
        ]
        eco, namespace, name = identity
        return PackageFacts(eco, namespace, name, licenses, releases)
