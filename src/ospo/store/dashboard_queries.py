"""Questions the dashboard asks the portfolio: scan status, licence flags, review queue,
one project's components, search, and recording a reviewer's decision.

Every count reads `scan_components` of each project's latest scan (not the scan's summary
JSON), so a reviewer's decision shows on the dashboard at once. Kept apart from
`queries.py` so the REST API and the dashboard can evolve without editing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select

from ospo.store.engine import Store
from ospo.store.exceptions import ExceptionError, new_exception_in, purl_target, ref
from ospo.store.models import AdvisoryRow, VulnerabilityFindingRow
from ospo.store.portfolio import (
    AuditRow,
    ComponentRow,
    ProductRow,
    ProjectRow,
    ReleaseRow,
    ScanComponentRow,
    ScanRow,
)

DECISIONS = ("approve", "deny")


class DecisionError(ValueError):
    """A review decision that cannot be applied (no such item, or not open for review)."""


@dataclass(frozen=True)
class ProjectStatus:
    """A project with its newest scan (None when never scanned)."""

    project: str
    product: str | None
    scan_id: int | None
    scanned_at: datetime | None
    verdict: str | None
    components: int
    kind: str | None
    release: str | None
    deny: int = 0
    review: int = 0

    def age_days(self, now: datetime) -> int | None:
        if self.scanned_at is None:
            return None
        at = self.scanned_at if self.scanned_at.tzinfo else self.scanned_at.replace(tzinfo=UTC)
        return (now - at).days


@dataclass(frozen=True)
class ComponentLine:
    """One component as one scan saw it."""

    purl: str
    base_purl: str
    name: str
    namespace: str | None
    ecosystem: str
    version: str | None
    scope: str
    direct: bool | None
    license: str | None
    license_source: str | None
    verdict: str | None
    reasons: tuple[str, ...]
    exception: str | None


@dataclass(frozen=True)
class ReviewItem:
    project: str
    product: str | None
    scan_id: int
    purl: str
    base_purl: str
    license: str | None
    verdict: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SearchHit:
    kind: str  # component, project, product, license, advisory
    label: str
    detail: str
    key: str  # what the page link needs: a purl, a name, a licence, an advisory id


def _verdict_counts(session: Any) -> dict[int, dict[str, int]]:
    """{project id: {verdict: count}} over every project's latest scan."""
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(ProjectRow.id, ScanComponentRow.verdict, func.count())
        .join(ScanComponentRow, ScanComponentRow.scan_id == ProjectRow.latest_scan_id)
        .where(ScanComponentRow.verdict.in_(("deny", "review")))
        .group_by(ProjectRow.id, ScanComponentRow.verdict)
    )
    for pid, verdict, n in rows:
        counts.setdefault(pid, {})[verdict] = int(n)
    return counts


def project_statuses(store: Store) -> list[ProjectStatus]:
    """Every project, its product, newest scan and open deny/review counts; by product, name."""
    with store.session() as session:
        counts = _verdict_counts(session)
        rows = session.execute(
            select(
                ProjectRow.id,
                ProjectRow.name,
                ProductRow.name,
                ScanRow.id,
                ScanRow.created_at,
                ScanRow.verdict,
                ScanRow.component_count,
                ScanRow.kind,
                ReleaseRow.version,
            )
            .outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
            .outerjoin(ScanRow, ScanRow.id == ProjectRow.latest_scan_id)
            .outerjoin(ReleaseRow, ReleaseRow.id == ScanRow.release_id)
            .order_by(ProductRow.name, ProjectRow.name)
        ).all()
        out = []
        for pid, name, product, scan_id, scanned_at, verdict, count, kind, release in rows:
            c = counts.get(pid, {})
            out.append(
                ProjectStatus(
                    project=name,
                    product=product,
                    scan_id=scan_id,
                    scanned_at=scanned_at,
                    verdict=verdict,
                    components=int(count or 0),
                    kind=kind,
                    release=release,
                    deny=c.get("deny", 0),
                    review=c.get("review", 0),
                )
            )
        return out


def products_without_scans(store: Store) -> list[str]:
    """Products none of whose projects has a scan or SBOM (including products with no project)."""
    with store.session() as session:
        scanned = select(ProjectRow.product_id).where(
            ProjectRow.product_id.is_not(None), ProjectRow.latest_scan_id.is_not(None)
        )
        return list(
            session.execute(
                select(ProductRow.name).where(ProductRow.id.not_in(scanned)).order_by(ProductRow.name)
            ).scalars()
        )


def product_names(store: Store) -> list[str]:
    with store.session() as session:
        return list(session.execute(select(ProductRow.name).order_by(ProductRow.name)).scalars())


@dataclass(frozen=True)
class ProductView:
    name: str
    distribution: str
    description: str
    releases: list[tuple[str, datetime, list[tuple[str, int]]]]  # version, created, [(project, scan id)]


def product_view(store: Store, name: str) -> ProductView | None:
    with store.session() as session:
        product = session.execute(select(ProductRow).where(ProductRow.name == name)).scalar_one_or_none()
        if product is None:
            return None
        releases = []
        for release in session.execute(
            select(ReleaseRow).where(ReleaseRow.product_id == product.id).order_by(ReleaseRow.created_at.desc())
        ).scalars():
            scans = session.execute(
                select(ProjectRow.name, ScanRow.id)
                .join(ScanRow, ScanRow.project_id == ProjectRow.id)
                .where(ScanRow.release_id == release.id)
                .order_by(ProjectRow.name, ScanRow.id)
            ).all()
            releases.append((release.version, release.created_at, [(p, int(s)) for p, s in scans]))
        return ProductView(product.name, product.distribution, product.description, releases)


@dataclass(frozen=True)
class ScanView:
    project: str
    product: str | None
    scan_id: int
    latest: bool
    scanned_at: datetime
    verdict: str | None
    kind: str
    release: str | None
    history: list[tuple[int, datetime, str | None]]  # every scan of the project, newest first


def scan_view(store: Store, project: str, scan_id: int | None = None) -> ScanView | None:
    """A project's scan (its latest when `scan_id` is None) and the list of its scans."""
    with store.session() as session:
        found = session.execute(
            select(ProjectRow, ProductRow.name)
            .outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
            .where(ProjectRow.name == project)
        ).one_or_none()
        if found is None:
            return None
        row, product = found
        wanted = scan_id if scan_id is not None else row.latest_scan_id
        if wanted is None:
            return None
        scan = session.get(ScanRow, wanted)
        if scan is None or scan.project_id != row.id:
            return None
        release = session.get(ReleaseRow, scan.release_id) if scan.release_id else None
        history = [
            (int(i), at, v)
            for i, at, v in session.execute(
                select(ScanRow.id, ScanRow.created_at, ScanRow.verdict)
                .where(ScanRow.project_id == row.id)
                .order_by(ScanRow.created_at.desc(), ScanRow.id.desc())
                .limit(50)
            )
        ]
        return ScanView(
            project=row.name,
            product=product,
            scan_id=scan.id,
            latest=scan.id == row.latest_scan_id,
            scanned_at=scan.created_at,
            verdict=scan.verdict,
            kind=scan.kind,
            release=release.version if release else None,
            history=history,
        )


def scan_result_data(store: Store, scan_id: int) -> dict[str, Any] | None:
    """The stored ScanResult JSON of one scan."""
    with store.session() as session:
        data = session.execute(select(ScanRow.result).where(ScanRow.id == scan_id)).scalar_one_or_none()
        return dict(data) if data is not None else None


_ORDER = {"deny": 0, "review": 1, "allow": 2, None: 3}


def scan_components(store: Store, scan_id: int) -> list[ComponentLine]:
    """Every component of one scan: denied first, then to review, then by name."""
    with store.session() as session:
        rows = session.execute(
            select(ComponentRow, ScanComponentRow)
            .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
            .where(ScanComponentRow.scan_id == scan_id)
        ).all()
        lines = [
            ComponentLine(
                purl=c.purl,
                base_purl=c.base_purl,
                name=c.name,
                namespace=c.namespace,
                ecosystem=c.ecosystem,
                version=c.version,
                scope=sc.scope,
                direct=sc.direct,
                license=sc.license,
                license_source=sc.license_source,
                verdict=sc.verdict,
                reasons=tuple(sc.reasons or ()),
                exception=sc.exception,
            )
            for c, sc in rows
        ]
    lines.sort(key=lambda line: (_ORDER.get(line.verdict, 3), line.name.lower(), line.purl))
    return lines


def review_queue(store: Store, limit: int = 1000) -> list[ReviewItem]:
    """Components waiting for a reviewer (verdict review) in every project's latest scan."""
    with store.session() as session:
        rows = session.execute(
            select(
                ProjectRow.name,
                ProductRow.name,
                ScanComponentRow.scan_id,
                ComponentRow.purl,
                ComponentRow.base_purl,
                ScanComponentRow.license,
                ScanComponentRow.verdict,
                ScanComponentRow.reasons,
            )
            .join(ScanComponentRow, ScanComponentRow.scan_id == ProjectRow.latest_scan_id)
            .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
            .outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
            .where(ScanComponentRow.verdict == "review")
            .order_by(ProductRow.name, ProjectRow.name, ComponentRow.purl)
            .limit(limit)
        ).all()
        return [
            ReviewItem(project, product, int(scan_id), purl, base, lic, str(verdict), tuple(reasons or ()))
            for project, product, scan_id, purl, base, lic, verdict, reasons in rows
        ]


def recent_decisions(store: Store, limit: int = 20) -> list[AuditRow]:
    with store.session() as session:
        return list(
            session.execute(
                select(AuditRow)
                .where(AuditRow.action.in_(("review.approve", "review.deny")))
                .order_by(AuditRow.id.desc())
                .limit(limit)
            ).scalars()
        )


def decide(
    store: Store,
    project: str,
    purl: str,
    decision: str,
    *,
    actor: str,
    reason: str,
    owner: str | None = None,
    expires: date | None = None,
    now: datetime | None = None,
) -> int:
    """Record a reviewer's approval (a waiver) or denial of one component in a project's
    latest scan: the verdict changes there at once, the decision is kept as an exception of
    that component version in that project (`ospo.store.exceptions`, which re-evaluation
    applies from then on, until it expires or is revoked) and written to the audit log. A
    denial stands until revoked: the form's expiry is for waivers.

    Returns the audit entry's id.
    """
    if decision not in DECISIONS:
        raise DecisionError(f"decision must be one of {', '.join(DECISIONS)}")
    if not reason.strip():
        raise DecisionError("a decision needs a reason")
    now = now or datetime.now(UTC)
    with store.session() as session:
        found = session.execute(
            select(ScanComponentRow, ScanRow)
            .join(ScanRow, ScanRow.id == ScanComponentRow.scan_id)
            .join(ProjectRow, ProjectRow.latest_scan_id == ScanRow.id)
            .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
            .where(ProjectRow.name == project, ComponentRow.purl == purl)
        ).one_or_none()
        if found is None:
            raise DecisionError(f"{purl} is not in the latest scan of {project}")
        link, scan = found
        if link.verdict not in ("review", "deny"):
            raise DecisionError(f"{purl} in {project} is not waiting for a decision (verdict {link.verdict})")
        previous = link.verdict
        if decision == "deny":
            expires = None
        try:
            pattern, versions = purl_target(purl)
            kept = new_exception_in(
                session,
                kind="component",
                verdict="allow" if decision == "approve" else "deny",
                scope="project",
                scope_name=project,
                purl=pattern,
                versions=versions,
                reason=reason,
                owner=owner or actor,
                expires=expires,
                actor=actor,
                now=now,
                audit=False,
            )
        except ExceptionError as exc:
            raise DecisionError(str(exc)) from None
        entry = AuditRow(
            at=now,
            actor=actor,
            action=f"review.{decision}",
            subject=f"{project} {purl}",
            details={
                "project": project,
                "purl": purl,
                "scan_id": scan.id,
                "previous": previous,
                "reason": reason.strip(),
                "owner": owner or actor,
                "expires": expires.isoformat() if expires else None,
                "exception": ref(kept.id),
            },
        )
        session.add(entry)
        session.flush()
        new = "allow" if decision == "approve" else "deny"
        link.verdict = new
        if decision == "approve":
            link.exception = ref(kept.id)
            link.reasons = [*(link.reasons or []), f"approved by {actor}: {reason.strip()}"]
        else:
            link.reasons = [*(link.reasons or []), f"denied by {actor}: {reason.strip()}"]
        verdicts = dict((scan.summary or {}).get("verdicts") or {})
        verdicts[previous] = max(0, int(verdicts.get(previous, 0)) - 1)
        verdicts[new] = int(verdicts.get(new, 0)) + 1
        scan.summary = {**(scan.summary or {}), "verdicts": verdicts}
        session.flush()
        scan.verdict = _scan_verdict(session, scan)
        return int(entry.id)


_WORST = ("deny", "review", "allow")


def _scan_verdict(session: Any, scan: ScanRow) -> str | None:
    """The scan's verdict again after a decision: the worst of its components' current
    verdicts and of the policy's decisions on anything else (files, the scan itself)."""
    found = set(
        session.execute(
            select(ScanComponentRow.verdict).where(ScanComponentRow.scan_id == scan.id).distinct()
        ).scalars()
    )
    linked = set(
        session.execute(
            select(ComponentRow.purl)
            .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
            .where(ScanComponentRow.scan_id == scan.id)
        ).scalars()
    )
    for decision in (scan.result or {}).get("decisions") or ():
        if isinstance(decision, dict) and decision.get("subject") not in linked:
            found.add(decision.get("verdict"))
    for verdict in _WORST:
        if verdict in found:
            return verdict
    return scan.verdict


def search(store: Store, query: str, limit: int = 20) -> list[SearchHit]:
    """Components (purl or name), projects, products, licences and advisories (id or alias)."""
    q = query.strip()
    if not q:
        return []
    like = f"%{q.lower()}%"
    hits: list[SearchHit] = []
    with store.session() as session:
        for name in session.execute(
            select(ProductRow.name).where(func.lower(ProductRow.name).like(like)).order_by(ProductRow.name).limit(limit)
        ).scalars():
            hits.append(SearchHit("product", name, "product", name))
        for name in session.execute(
            select(ProjectRow.name).where(func.lower(ProjectRow.name).like(like)).order_by(ProjectRow.name).limit(limit)
        ).scalars():
            hits.append(SearchHit("project", name, "project", name))
        if q.startswith("pkg:"):
            cond = and_(ComponentRow.base_purl >= q.split("@")[0], ComponentRow.base_purl < q.split("@")[0] + "\uffff")
        else:
            cond = or_(func.lower(ComponentRow.name).like(like), func.lower(ComponentRow.purl).like(like))
        comps = session.execute(
            select(ComponentRow.base_purl, func.count())
            .where(cond)
            .group_by(ComponentRow.base_purl)
            .order_by(ComponentRow.base_purl)
            .limit(limit)
        ).all()
        for base, n in comps:
            hits.append(SearchHit("component", base, f"{n} version(s)", base))
        for lic, n in session.execute(
            select(ScanComponentRow.license, func.count())
            .join(ProjectRow, ProjectRow.latest_scan_id == ScanComponentRow.scan_id)
            .where(func.lower(ScanComponentRow.license).like(like))
            .group_by(ScanComponentRow.license)
            .order_by(ScanComponentRow.license)
            .limit(limit)
        ):
            hits.append(SearchHit("license", str(lic), f"{n} component(s) in latest scans", str(lic)))
        upper = q.upper()
        for adv_id, summary in session.execute(
            select(AdvisoryRow.id, AdvisoryRow.summary)
            .where(
                or_(
                    func.upper(AdvisoryRow.id) == upper,
                    func.upper(cast(AdvisoryRow.aliases, String)).like(f'%"{upper}"%'),
                )
            )
            .order_by(AdvisoryRow.id)
            .limit(limit)
        ):
            hits.append(SearchHit("advisory", adv_id, summary[:120], adv_id))
        seen = {h.key for h in hits if h.kind == "advisory"}
        for vid, summary in session.execute(
            select(VulnerabilityFindingRow.vuln_id, func.min(VulnerabilityFindingRow.summary))
            .where(
                or_(
                    func.upper(VulnerabilityFindingRow.vuln_id) == upper,
                    func.upper(cast(VulnerabilityFindingRow.aliases, String)).like(f'%"{upper}"%'),
                )
            )
            .group_by(VulnerabilityFindingRow.vuln_id)
            .limit(limit)
        ):
            if vid not in seen:
                hits.append(SearchHit("advisory", vid, (summary or "")[:120], vid))
    return hits


def components_with_license(store: Store, expression: str, limit: int = 500) -> list[tuple[str, str, str | None]]:
    """(project, purl, verdict) of every latest-scan component concluded under `expression`."""
    with store.session() as session:
        return [
            (p, c, v)
            for p, c, v in session.execute(
                select(ProjectRow.name, ComponentRow.purl, ScanComponentRow.verdict)
                .join(ScanComponentRow, ScanComponentRow.scan_id == ProjectRow.latest_scan_id)
                .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
                .where(ScanComponentRow.license == expression)
                .order_by(ProjectRow.name, ComponentRow.purl)
                .limit(limit)
            )
        ]


def advisory(store: Store, advisory_id: str) -> AdvisoryRow | None:
    """An advisory by its id, or by one of its aliases (a CVE names a GHSA record)."""
    with store.session() as session:
        row = session.get(AdvisoryRow, advisory_id)
        if row is not None:
            return row
        return session.execute(
            select(AdvisoryRow)
            .where(cast(AdvisoryRow.aliases, String).like(f'%"{advisory_id}"%'))
            .order_by(AdvisoryRow.id)
            .limit(1)
        ).scalar_one_or_none()


def component_facts(store: Store, base: str) -> list[tuple[str, str | None, str, str | None, str | None]]:
    """(purl, version, project, licence, verdict) of a package in every project's latest scan."""
    with store.session() as session:
        return [
            (purl, version, project, lic, verdict)
            for purl, version, project, lic, verdict in session.execute(
                select(
                    ComponentRow.purl,
                    ComponentRow.version,
                    ProjectRow.name,
                    ScanComponentRow.license,
                    ScanComponentRow.verdict,
                )
                .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
                .join(ProjectRow, ProjectRow.latest_scan_id == ScanComponentRow.scan_id)
                .where(ComponentRow.base_purl == base)
                .order_by(ComponentRow.purl, ProjectRow.name)
            )
        ]


def component_identity(store: Store, base: str) -> ComponentRow | None:
    """Any stored version of a package (its ecosystem, namespace and name)."""
    with store.session() as session:
        return session.execute(select(ComponentRow).where(ComponentRow.base_purl == base).limit(1)).scalar_one_or_none()
