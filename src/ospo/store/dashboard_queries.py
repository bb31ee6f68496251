"""Questions the dashboard asks the portfolio: scan status, licence flags, review queue,
one project's components, search, and recording a reviewer's decision.

Counts of denied and to-review components read `scan_components` of each project's latest
scan (not the scan's summary JSON), so a reviewer's decision shows on the dashboard at once;
a partial index holds only those links, so counting them never reads the other 95 %.
Long lists come a page at a time (`limit`, `offset`, and a total), ordered by the database.
What no index can answer cheaply on a large portfolio (how many distinct components the
latest scans hold) is a cached figure with the time it was computed. Kept apart from
`queries.py` so the REST API and the dashboard can evolve without editing each other.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

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
    ServiceStateRow,
)

DECISIONS = ("approve", "deny")
# Literal SQL, not bound parameters: a prepared statement's generic plan can use the partial
# index `ix_scan_components_flagged` only when the predicate is written out.
_FLAGGED = ScanComponentRow.verdict.in_([literal_column("'deny'"), literal_column("'review'")])
_REVIEW = ScanComponentRow.verdict == literal_column("'review'")
_CHUNK = 1000


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


def _flag_counts(session: Session, scan_ids: Sequence[int] | None = None) -> dict[int, dict[str, int]]:
    """{scan id: {verdict: count}} of denied and to-review links, of `scan_ids` or (None) of
    every project's latest scan."""
    counts: dict[int, dict[str, int]] = {}
    stmt = select(ScanComponentRow.scan_id, ScanComponentRow.verdict, func.count()).where(_FLAGGED)
    if scan_ids is None:
        stmts = [stmt.join(ProjectRow, ProjectRow.latest_scan_id == ScanComponentRow.scan_id)]
    else:
        ids = sorted(set(scan_ids))
        stmts = [stmt.where(ScanComponentRow.scan_id.in_(ids[i : i + _CHUNK])) for i in range(0, len(ids), _CHUNK)]
    for one in stmts:
        for scan_id, verdict, n in session.execute(one.group_by(ScanComponentRow.scan_id, ScanComponentRow.verdict)):
            counts.setdefault(int(scan_id), {})[str(verdict)] = int(n)
    return counts


STATUS_ORDERS = ("product", "scan")


def project_statuses(
    store: Store,
    *,
    product: str | None = None,
    order: str = "product",
    limit: int | None = None,
    offset: int = 0,
) -> list[ProjectStatus]:
    """Projects with their product, newest scan and open deny/review counts.

    `order` "product": by product, then name; "scan": never scanned first, then oldest
    newest-scan first (the stale ones), then name. `product` keeps one product's projects.
    """
    if order not in STATUS_ORDERS:
        raise ValueError(f"order must be one of {', '.join(STATUS_ORDERS)}")
    with store.session() as session:
        stmt = (
            select(
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
        )
        if product is not None:
            stmt = stmt.where(ProductRow.name == product)
        if order == "product":
            stmt = stmt.order_by(ProductRow.name, ProjectRow.name)
        else:
            stmt = stmt.order_by(ScanRow.created_at.is_not(None), ScanRow.created_at, ProjectRow.name)
        if limit is not None:
            stmt = stmt.limit(limit).offset(offset)
        rows = session.execute(stmt).all()
        counts = _flag_counts(session, [r[2] for r in rows if r[2] is not None])
        out = []
        for name, product_name, scan_id, scanned_at, verdict, count, kind, release in rows:
            c = counts.get(scan_id, {}) if scan_id is not None else {}
            out.append(
                ProjectStatus(
                    project=name,
                    product=product_name,
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


@dataclass(frozen=True)
class ScanStatusCounts:
    projects: int
    never: int  # registered but never scanned
    stale: int  # newest scan older than the stale limit


def scan_status_counts(store: Store, stale_before: datetime, product: str | None = None) -> ScanStatusCounts:
    """How many projects there are, never scanned, and with a newest scan at or before `stale_before`."""
    with store.session() as session:
        stmt = (
            select(
                func.count(),
                func.count().filter(ProjectRow.latest_scan_id.is_(None)),
                func.count().filter(ScanRow.created_at <= stale_before),
            )
            .select_from(ProjectRow)
            .outerjoin(ScanRow, ScanRow.id == ProjectRow.latest_scan_id)
        )
        if product is not None:
            stmt = stmt.join(ProductRow, ProductRow.id == ProjectRow.product_id).where(ProductRow.name == product)
        total, never, stale = session.execute(stmt).one()
        return ScanStatusCounts(int(total), int(never), int(stale))


@dataclass(frozen=True)
class ProductFlags:
    product: str | None  # None: the projects that belong to no product
    projects: int
    deny: int
    review: int


def product_flags(store: Store) -> list[ProductFlags]:
    """Denied and to-review components per product over its projects' latest scans; most
    denied first, then most to review, then by name ("no product" last among equals)."""
    with store.session() as session:
        projects: dict[int | None, int] = {
            pid: int(n)
            for pid, n in session.execute(select(ProjectRow.product_id, func.count()).group_by(ProjectRow.product_id))
        }
        flags: dict[int | None, dict[str, int]] = {}
        for product_id, verdict, n in session.execute(
            select(ProjectRow.product_id, ScanComponentRow.verdict, func.count())
            .join(ScanComponentRow, ScanComponentRow.scan_id == ProjectRow.latest_scan_id)
            .where(_FLAGGED)
            .group_by(ProjectRow.product_id, ScanComponentRow.verdict)
        ):
            flags.setdefault(product_id, {})[str(verdict)] = int(n)
        names = {pid: name for pid, name in session.execute(select(ProductRow.id, ProductRow.name))}
    out = [
        ProductFlags(
            names.get(pid) if pid is not None else None,
            int(n),
            flags.get(pid, {}).get("deny", 0),
            flags.get(pid, {}).get("review", 0),
        )
        for pid, n in projects.items()
    ]
    out.sort(key=lambda f: (-f.deny, -f.review, f.product is None, f.product or ""))
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
        # Only the columns shown: the row's `result` is the whole stored scan (megabytes for a
        # large project), which the exports read once, separately.
        scan = session.execute(
            select(
                ScanRow.id, ScanRow.project_id, ScanRow.created_at, ScanRow.verdict, ScanRow.kind, ScanRow.release_id
            ).where(ScanRow.id == wanted)
        ).one_or_none()
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


def scan_result_part(store: Store, scan_id: int, key: str) -> Any:
    """One top-level part of a scan's stored result (e.g. its vulnerabilities or inventory),
    taken out by the database: a 2,000-component result is a megabyte of JSON, most of which
    a page does not need. None when there is no such scan."""
    with store.session() as session:
        found = session.execute(select(ScanRow.id, ScanRow.result[key]).where(ScanRow.id == scan_id)).one_or_none()
        return None if found is None else found[1]


_ORDER = {"deny": 0, "review": 1, "allow": 2, None: 3}
_VERDICT_RANK = case(
    (ScanComponentRow.verdict == literal_column("'deny'"), 0),
    (ScanComponentRow.verdict == literal_column("'review'"), 1),
    (ScanComponentRow.verdict == literal_column("'allow'"), 2),
    else_=3,
)


def scan_verdict_counts(store: Store, scan_id: int) -> dict[str, int]:
    """{verdict: components} of one scan (allow, review, deny; other verdicts under their name)."""
    with store.session() as session:
        found = {
            str(v): int(n)
            for v, n in session.execute(
                select(ScanComponentRow.verdict, func.count())
                .where(ScanComponentRow.scan_id == scan_id)
                .group_by(ScanComponentRow.verdict)
            )
        }
    return {"deny": 0, "review": 0, "allow": 0, **found}


def scan_components(
    store: Store, scan_id: int, *, verdict: str | None = None, limit: int | None = None, offset: int = 0
) -> list[ComponentLine]:
    """The components of one scan (of one verdict): denied first, then to review, then by name."""
    stmt = (
        select(
            ComponentRow.purl,
            ComponentRow.base_purl,
            ComponentRow.name,
            ComponentRow.namespace,
            ComponentRow.ecosystem,
            ComponentRow.version,
            ScanComponentRow.scope,
            ScanComponentRow.direct,
            ScanComponentRow.license,
            ScanComponentRow.license_source,
            ScanComponentRow.verdict,
            ScanComponentRow.reasons,
            ScanComponentRow.exception,
        )
        .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
        .where(ScanComponentRow.scan_id == scan_id)
        .order_by(_VERDICT_RANK, func.lower(ComponentRow.name), ComponentRow.purl)
    )
    if verdict is not None:
        stmt = stmt.where(ScanComponentRow.verdict == verdict)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    with store.session() as session:
        return [
            ComponentLine(
                purl=purl,
                base_purl=base,
                name=name,
                namespace=namespace,
                ecosystem=ecosystem,
                version=version,
                scope=scope,
                direct=direct,
                license=lic,
                license_source=source,
                verdict=v,
                reasons=tuple(reasons or ()),
                exception=exception,
            )
            for purl, base, name, namespace, ecosystem, version, scope, direct, lic, source, v, reasons, exception in (
                session.connection().execute(stmt)
            )
        ]


@dataclass(frozen=True)
class StoredVerdict:
    """The verdict stored for one component of a scan, as reviews and re-evaluation left it."""

    verdict: str | None
    reasons: tuple[str, ...]
    exception: str | None


def scan_verdicts(store: Store, scan_id: int) -> dict[str, StoredVerdict]:
    """purl -> stored verdict of every component of one scan: only the columns the audit
    report overlays, unordered (the report orders its own rows)."""
    stmt = (
        select(ComponentRow.purl, ScanComponentRow.verdict, ScanComponentRow.reasons, ScanComponentRow.exception)
        .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
        .where(ScanComponentRow.scan_id == scan_id)
    )
    with store.session() as session:
        return {
            purl: StoredVerdict(verdict, tuple(reasons or ()), exception)
            for purl, verdict, reasons, exception in session.connection().execute(stmt)
        }


def _queue_projects(session: Session) -> list[tuple[str, str | None, int]]:
    """(project, product, latest scan id) of every scanned project in the review queue's
    order (product, then project)."""
    return [
        (str(name), product, int(scan_id or 0))
        for name, product, scan_id in session.execute(
            select(ProjectRow.name, ProductRow.name, ProjectRow.latest_scan_id)
            .outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
            .where(ProjectRow.latest_scan_id.is_not(None))
            .order_by(ProductRow.name, ProjectRow.name)
        )
    ]


def _queue_items(
    session: Session, projects: Sequence[tuple[str, str | None, int]], limit: int | None, offset: int
) -> list[ReviewItem]:
    """The review items of `projects` (in their order), purl by purl; `offset` counts from
    the first project's first item."""
    if not projects:
        return []
    where = {scan_id: (project, product) for project, product, scan_id in projects}
    stmt = (
        select(
            ScanComponentRow.scan_id,
            ComponentRow.purl,
            ComponentRow.base_purl,
            ScanComponentRow.license,
            ScanComponentRow.verdict,
            ScanComponentRow.reasons,
        )
        .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
        .where(ScanComponentRow.scan_id.in_(list(where)), _REVIEW)
    )
    rows = list(session.execute(stmt).all())
    position = {scan_id: i for i, (_, _, scan_id) in enumerate(projects)}
    rows.sort(key=lambda r: (position[r[0]], r[1]))
    end = None if limit is None else offset + limit
    return [
        ReviewItem(*where[scan_id], int(scan_id), purl, base, lic, str(verdict), tuple(reasons or ()))
        for scan_id, purl, base, lic, verdict, reasons in rows[offset:end]
    ]


def review_total(store: Store) -> int:
    """Components waiting for a reviewer in the projects' latest scans."""
    with store.session() as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(ScanComponentRow)
                .join(ProjectRow, ProjectRow.latest_scan_id == ScanComponentRow.scan_id)
                .where(_REVIEW)
            ).scalar_one()
        )


def review_queue(store: Store, limit: int = 1000, offset: int = 0) -> list[ReviewItem]:
    """Components waiting for a reviewer (verdict review) in every project's latest scan, by
    product, project and purl; `limit` of them from `offset`.

    The projects are walked in order, their items counted a growing batch at a time (from
    the partial index), until the page is reached: the first page costs a few projects'
    counts, not a count and sort of every item of the portfolio.
    """
    with store.session() as session:
        projects = _queue_projects(session)
        wanted: list[tuple[str, str | None, int]] = []
        seen = skipped = 0
        step, i = 64, 0
        while i < len(projects) and seen < offset + limit:
            chunk = projects[i : i + step]
            counts = _flag_counts(session, [scan_id for _, _, scan_id in chunk])
            for entry in chunk:
                n = counts.get(entry[2], {}).get("review", 0)
                if not n or seen >= offset + limit:
                    continue
                if seen + n <= offset:
                    skipped = seen = seen + n
                    continue
                wanted.append(entry)
                seen += n
            i += step
            step = min(step * 4, _CHUNK)
        return _queue_items(session, wanted, limit, offset - skipped)


def iter_review_queue(store: Store, batch: int = 200) -> Iterator[ReviewItem]:
    """The whole review queue in order, read `batch` projects at a time (for a CSV export
    that starts at once and holds one batch in memory)."""
    with store.session() as session:
        projects = _queue_projects(session)
    for i in range(0, len(projects), batch):
        with store.session() as session:
            yield from _queue_items(session, projects[i : i + batch], None, 0)


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


def _licence_counts(session: Session) -> dict[str, int]:
    """{licence expression: components} over the latest scans, from each scan's summary (the
    concluded licences counted at ingest): a few numbers per scan instead of every link.
    "unknown" (no licence concluded) is not an expression and is left out."""
    if session.get_bind().dialect.name == "postgresql":
        each, value = "jsonb_each_text(s.summary -> 'licenses') AS e", "CAST(e.value AS INTEGER)"
    else:
        each, value = "json_each(s.summary, '$.licenses') AS e", "e.value"
    sql = (
        f"SELECT e.key, sum({value}) FROM scans AS s JOIN projects AS j ON j.latest_scan_id = s.id, {each} "
        "WHERE e.key <> 'unknown' GROUP BY e.key"
    )
    return {str(k): int(n or 0) for k, n in session.execute(text(sql))}


def search(store: Store, query: str, limit: int = 20, licences: dict[str, int] | None = None) -> list[SearchHit]:
    """Components (purl or name), projects, products, licences and advisories (id or alias).

    `licences` ({expression: components}, e.g. `Figures.licenses`) saves counting them."""
    q = query.strip()
    if not q:
        return []
    like = f"%{_escape_like(q.lower())}%"
    hits: list[SearchHit] = []
    with store.session() as session:
        for name in session.execute(
            select(ProductRow.name)
            .where(func.lower(ProductRow.name).like(like, escape="\\"))
            .order_by(ProductRow.name)
            .limit(limit)
        ).scalars():
            hits.append(SearchHit("product", name, "product", name))
        for name in session.execute(
            select(ProjectRow.name)
            .where(func.lower(ProjectRow.name).like(like, escape="\\"))
            .order_by(ProjectRow.name)
            .limit(limit)
        ).scalars():
            hits.append(SearchHit("project", name, "project", name))
        if q.startswith("pkg:"):
            cond = and_(ComponentRow.base_purl >= q.split("@")[0], ComponentRow.base_purl < q.split("@")[0] + "\uffff")
        elif "@" in q:
            cond = func.lower(ComponentRow.purl).like(like, escape="\\")
        else:
            # the name and namespace are parts of the purl without version: one condition
            cond = func.lower(ComponentRow.base_purl).like(like, escape="\\")
        comps = session.execute(
            select(ComponentRow.base_purl, func.count())
            .where(cond)
            .group_by(ComponentRow.base_purl)
            .order_by(ComponentRow.base_purl)
            .limit(limit)
        ).all()
        for base, n in comps:
            hits.append(SearchHit("component", base, f"{n} version(s)", base))
        if licences is None:
            licences = _licence_counts(session)
        lowered = q.lower()
        for lic in sorted(k for k in licences if lowered in k.lower())[:limit]:
            hits.append(SearchHit("license", lic, f"{licences[lic]} component(s) in latest scans", lic))
        upper = q.upper()
        for adv_id, summary in session.execute(
            select(AdvisoryRow.id, AdvisoryRow.summary)
            .where(
                or_(
                    func.upper(AdvisoryRow.id) == upper,
                    func.upper(cast(AdvisoryRow.aliases, String)).like(f'%"{_escape_like(upper)}"%', escape="\\"),
                )
            )
            .order_by(AdvisoryRow.id)
            .limit(limit)
        ):
            hits.append(SearchHit("advisory", adv_id, summary[:120], adv_id))
        seen = {h.key for h in hits if h.kind == "advisory"}
        # Findings name their vulnerability by its canonical id (indexed); a finding known
        # only under an alias that no stored advisory carries is looked for (a scan of every
        # finding) only when nothing else answered an id-like query.
        found = session.execute(
            select(VulnerabilityFindingRow.vuln_id, func.min(VulnerabilityFindingRow.summary))
            .where(VulnerabilityFindingRow.vuln_id.in_({q, upper}))
            .group_by(VulnerabilityFindingRow.vuln_id)
            .limit(limit)
        ).all()
        if not hits and not found and "-" in q and " " not in q:
            found = session.execute(
                select(VulnerabilityFindingRow.vuln_id, func.min(VulnerabilityFindingRow.summary))
                .where(
                    func.upper(cast(VulnerabilityFindingRow.aliases, String)).like(
                        f'%"{_escape_like(upper)}"%', escape="\\"
                    )
                )
                .group_by(VulnerabilityFindingRow.vuln_id)
                .limit(limit)
            ).all()
        for vid, summary in found:
            if vid not in seen:
                hits.append(SearchHit("advisory", vid, (summary or "")[:120], vid))
    return hits


def _escape_like(value: str) -> str:
    """`value` matched literally inside a LIKE pattern (a search for "a_b" or "100%")."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def components_with_license(
    store: Store, expression: str, limit: int = 500, offset: int = 0
) -> list[tuple[str, str, str | None]]:
    """(project, purl, verdict) of latest-scan components concluded under `expression`, by
    project and purl; `limit` of them from `offset`."""
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
                .offset(offset)
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
            .where(cast(AdvisoryRow.aliases, String).like(f'%"{_escape_like(advisory_id)}"%', escape="\\"))
            .order_by(AdvisoryRow.id)
            .limit(1)
        ).scalar_one_or_none()


def component_facts(store: Store, base: str) -> list[tuple[str, str | None, str, str | None, str | None]]:
    """(purl, version, project, licence, verdict) of a package in every project's latest scan."""
    return [(u.purl, u.version, u.project, u.license, u.verdict) for u in component_usage(store, base, limit=None)]


@dataclass(frozen=True)
class Usage:
    """One latest scan shipping a version of a package, with how it was judged there."""

    purl: str
    version: str | None
    project: str
    product: str | None
    release: str | None
    scope: str
    direct: bool | None
    license: str | None
    verdict: str | None


def _latest_links(base: str) -> Any:
    """The links of `base`'s versions in the projects' latest scans: every column from the
    covering index `ix_scan_components_where` (PostgreSQL), none from the table."""
    return (
        select(
            ComponentRow.purl,
            ComponentRow.version,
            ProjectRow.name.label("project"),
            ProjectRow.product_id,
            ScanComponentRow.scan_id,
            ScanComponentRow.scope,
            ScanComponentRow.direct,
            ScanComponentRow.license,
            ScanComponentRow.verdict,
        )
        .select_from(ComponentRow)
        .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
        .join(ProjectRow, ProjectRow.latest_scan_id == ScanComponentRow.scan_id)
        .where(ComponentRow.base_purl == base)
    )


def component_usage(store: Store, base: str, limit: int | None = 100, offset: int = 0) -> list[Usage]:
    """Every project whose latest scan ships a version of `base`, by product (none first),
    project and purl; `limit` of them from `offset`. The page is chosen first, its scans'
    releases looked up after."""
    links = _latest_links(base).add_columns(func.coalesce(ProductRow.name, "").label("product"))
    links = links.outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
    links = links.order_by(func.coalesce(ProductRow.name, ""), ProjectRow.name, ComponentRow.purl)
    if limit is not None:
        links = links.limit(limit).offset(offset)
    page = links.subquery()
    stmt = (
        select(
            page.c.purl,
            page.c.version,
            page.c.project,
            page.c.product,
            ReleaseRow.version,
            page.c.scope,
            page.c.direct,
            page.c.license,
            page.c.verdict,
        )
        .select_from(page)
        .join(ScanRow, ScanRow.id == page.c.scan_id)
        .outerjoin(ReleaseRow, ReleaseRow.id == ScanRow.release_id)
        .order_by(page.c.product, page.c.project, page.c.purl)
    )
    with store.session() as session:
        return [
            Usage(purl, version, project, product or None, release, scope, direct, lic, verdict)
            for purl, version, project, product, release, scope, direct, lic, verdict in session.connection().execute(
                stmt
            )
        ]


@dataclass(frozen=True)
class VersionUse:
    purl: str
    version: str | None
    projects: int
    licenses: tuple[str | None, ...]
    verdicts: dict[str, int]


def component_versions(store: Store, base: str) -> list[VersionUse]:
    """The versions of `base` in the latest scans: how many projects ship each, under which
    licences, with which verdicts; by purl."""
    links = _latest_links(base).subquery()
    stmt = select(links.c.purl, links.c.version, links.c.license, links.c.verdict, func.count()).group_by(
        links.c.purl, links.c.version, links.c.license, links.c.verdict
    )
    merged: dict[str, tuple[str | None, int, set[str | None], dict[str, int]]] = {}
    with store.session() as session:
        for purl, version, lic, verdict, n in session.execute(stmt):
            _, count, licences, verdicts = merged.setdefault(purl, (version, 0, set(), {}))
            licences.add(lic)
            verdicts[str(verdict)] = verdicts.get(str(verdict), 0) + int(n)
            merged[purl] = (version, count + int(n), licences, verdicts)
    return [
        VersionUse(purl, version, n, tuple(sorted(licences, key=lambda x: x or "")), verdicts)
        for purl, (version, n, licences, verdicts) in sorted(merged.items())
    ]


def component_identity(store: Store, base: str) -> ComponentRow | None:
    """Any stored version of a package (its ecosystem, namespace and name)."""
    with store.session() as session:
        return session.execute(select(ComponentRow).where(ComponentRow.base_purl == base).limit(1)).scalar_one_or_none()


# --- trends -----------------------------------------------------------------------------------

TREND_KEYS = ("components", "vulnerabilities", "denied", "review")


def trend_by_day(store: Store) -> list[tuple[str, dict[str, float]]]:
    """(day, portfolio totals after that day's scans) for every day with a scan, oldest first.

    The portfolio's figure after a scan is the sum over projects of each project's newest
    figure so far: each scan adds its difference from the project's previous scan (a window
    over the scans), and a running sum over days gives the totals. The figures are the
    scans' summaries (as `queries.trends`), in the columns the database derives from them.
    """
    values = select(
        ScanRow.project_id,
        ScanRow.id,
        ScanRow.created_at,
        ScanRow.component_count.label("components"),
        ScanRow.denied.label("denied"),
        ScanRow.to_review.label("review"),
        ScanRow.vulnerabilities.label("vulnerabilities"),
    ).subquery()
    window = {"partition_by": values.c.project_id, "order_by": (values.c.created_at, values.c.id)}
    deltas = select(
        func.date(values.c.created_at).label("day"),
        *(
            (values.c[k] - func.coalesce(func.lag(values.c[k]).over(**window), 0)).label(k)  # type: ignore[arg-type]
            for k in TREND_KEYS
        ),
    ).subquery()
    stmt = (
        select(deltas.c.day, *(func.sum(deltas.c[k]) for k in TREND_KEYS)).group_by(deltas.c.day).order_by(deltas.c.day)
    )
    out: list[tuple[str, dict[str, float]]] = []
    totals = dict.fromkeys(TREND_KEYS, 0.0)
    with store.session() as session:
        for day, *changes in session.execute(stmt):
            for k, change in zip(TREND_KEYS, changes, strict=True):
                totals[k] += float(change or 0)
            out.append((str(day)[:10], dict(totals)))
    return out


# --- figures no index answers cheaply: cached with the time they were computed --------------

FIGURES_KEY = "dashboard.figures"


@dataclass(frozen=True)
class Figures:
    """Portfolio figures over the latest scans that change only when a latest scan does."""

    distinct_components: int
    licenses: dict[str, int]  # concluded expression -> components
    computed_at: datetime
    seconds: float  # how long computing them took
    stamp: str  # the latest scans they were computed over


def _latest_scans_stamp(session: Session) -> str:
    """Changes whenever any project's latest scan changes (scan ids only grow)."""
    n, total, top = session.execute(
        select(
            func.count(ProjectRow.latest_scan_id),
            func.coalesce(func.sum(ProjectRow.latest_scan_id), 0),
            func.coalesce(func.max(ProjectRow.latest_scan_id), 0),
        )
    ).one()
    return f"{n}:{total}:{top}"


def cached_figures(store: Store) -> tuple[Figures | None, bool]:
    """The figures last computed, and whether the latest scans are still the same."""
    with store.session() as session:
        stamp = _latest_scans_stamp(session)
        row = session.get(ServiceStateRow, FIGURES_KEY)
        if row is None:
            return None, False
        try:
            data = json.loads(row.value)
            figures = Figures(
                int(data["distinct_components"]),
                {str(k): int(v) for k, v in dict(data["licenses"]).items()},
                datetime.fromisoformat(data["computed_at"]),
                float(data["seconds"]),
                str(data["stamp"]),
            )
        except (ValueError, KeyError, TypeError):
            return None, False
        return figures, figures.stamp == stamp


def latest_link_count(store: Store) -> int:
    """Components over every project's latest scan (how big a recount of figures is)."""
    with store.session() as session:
        return int(
            session.execute(
                select(func.coalesce(func.sum(ScanRow.component_count), 0)).join(
                    ProjectRow, ProjectRow.latest_scan_id == ScanRow.id
                )
            ).scalar_one()
        )


_refresh_lock = threading.Lock()


def refresh_figures(store: Store) -> Figures:
    """Compute the figures over the latest scans now and keep them (one at a time)."""
    with _refresh_lock:
        started = time.perf_counter()
        with store.session() as session:
            stamp = _latest_scans_stamp(session)
            distinct = session.execute(
                select(func.count(func.distinct(ScanComponentRow.component_id))).join(
                    ProjectRow, ProjectRow.latest_scan_id == ScanComponentRow.scan_id
                )
            ).scalar_one()
            licences = _licence_counts(session)
        now = datetime.now(UTC)
        figures = Figures(int(distinct), licences, now, time.perf_counter() - started, stamp)
        value = json.dumps(
            {
                "distinct_components": figures.distinct_components,
                "licenses": licences,
                "computed_at": now.isoformat(),
                "seconds": figures.seconds,
                "stamp": stamp,
            }
        )
        with store.session() as session:
            row = session.get(ServiceStateRow, FIGURES_KEY)
            if row is None:
                session.add(ServiceStateRow(key=FIGURES_KEY, value=value, updated_at=now))
            else:
                row.value, row.updated_at = value, now
        return figures
