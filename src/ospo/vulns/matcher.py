"""Match an inventory's components to advisories: findings, unsupported cases, fix advice.

Advisories are indexed by (OSV ecosystem, normalised package name) in memory. Loading from
the store costs one query per ecosystem and batch of names, and each affected entry's
ranges are compiled once, so a 10,000-component inventory is matched in well under a
second. Withdrawn advisories are never loaded. The advisories matching one component are
grouped by their ids and aliases (CVE, GHSA, PYSEC...), so one vulnerability known under
several ids is one finding. An entry whose only ranges are GIT commit ranges cannot be
decided from a version number: it is reported as unsupported, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from ospo.model import Advisory, Component, FileProblem, Inventory, VulnerabilityMatch
from ospo.store import AdvisoryPackageRow, AdvisoryRow, Store
from ospo.vulns import ranges, versions
from ospo.vulns.osv import OsvRecord, normalise_name
from ospo.vulns.severity import RANK, severity_of

_NAME_BATCH = 500
_EVALUATED = ("ECOSYSTEM", "SEMVER")


def component_key(component: Component) -> tuple[str, str] | None:
    """(OSV ecosystem, normalised name) of a component, or None when OSV has no such ecosystem."""
    ecosystem = versions.osv_ecosystem(component.ecosystem)
    if versions.purl_type(ecosystem) is None:
        return None
    name = component.name
    ns = component.namespace
    if ns:
        if component.ecosystem == "maven":
            name = f"{ns}:{name}"
        elif component.ecosystem in ("golang", "npm", "composer", "swift"):
            name = f"{ns}/{name}"
    return ecosystem, normalise_name(ecosystem, name)


@dataclass
class _Entry:
    """One affected entry of one advisory, with its ranges compiled on first use.

    When the entry has evaluable ranges, its `versions` list is matched as a set of strings
    and left out of compilation: feeds such as PyPA's enumerate hundreds of versions per
    entry, and ordering every one of them costs far more than the match itself. A listed
    version spelled differently from the component's (``1.0`` vs ``1.0.0``) is then found
    only through the ranges.
    """

    advisory_id: str
    ecosystem: str
    entry: dict[str, Any]
    _compiled: ranges.CompiledAffected | None = None
    _listed: frozenset[str] | None = None
    _range_entry: dict[str, Any] | None = None
    _fixed: tuple[str, ...] | None = None
    _ranges_text: str | None = None

    def _prepare(self) -> None:
        listed = self.entry.get("versions")
        self._listed = frozenset(v for v in listed if isinstance(v, str)) if isinstance(listed, list) else frozenset()
        has_ranges = any(isinstance(r, dict) and r.get("type") in _EVALUATED for r in self.entry.get("ranges") or ())
        self._range_entry = {k: v for k, v in self.entry.items() if k != "versions"} if has_ranges else self.entry
        self._compiled = ranges.compile_affected(self.ecosystem, self._range_entry)

    def compiled(self) -> ranges.CompiledAffected:
        if self._compiled is None:
            self._prepare()
        assert self._compiled is not None
        return self._compiled

    @property
    def listed(self) -> frozenset[str]:
        if self._listed is None:
            self._prepare()
        assert self._listed is not None
        return self._listed

    @property
    def range_entry(self) -> dict[str, Any]:
        if self._range_entry is None:
            self._prepare()
        assert self._range_entry is not None
        return self._range_entry

    @property
    def fixed(self) -> tuple[str, ...]:
        if self._fixed is None:
            self._fixed = tuple(ranges.fixed_versions(self.ecosystem, self.range_entry))
        return self._fixed

    @property
    def ranges_text(self) -> str:
        if self._ranges_text is None:
            self._ranges_text = _describe_ranges(self.entry)
        return self._ranges_text

    def describe(self, version: str) -> str:
        """Why `version` matched: listed, and/or the evaluable ranges."""
        listed = f"{version} is listed as affected" if version in self.listed else ""
        return f"{self.advisory_id}: " + "; ".join(p for p in (listed, self.ranges_text) if p)

    def undecidable(self) -> list[str]:
        """Why a version cannot be checked: no evaluable range and no version list, only
        e.g. GIT commit ranges (described), or nothing at all."""
        compiled = self.compiled()
        if compiled.has_ranges or self.listed:
            return []
        return list(compiled.unsupported) or ["no ranges and no versions"]


@dataclass
class AdvisoryIndex:
    """Advisories and their affected entries by (ecosystem, normalised name)."""

    advisories: dict[str, Advisory] = field(default_factory=dict)
    by_package: dict[tuple[str, str], list[_Entry]] = field(default_factory=dict)
    _groups: dict[str, tuple[str, tuple[str, ...]]] | None = None

    def add(self, advisory: Advisory, ecosystem: str, name: str, entry: dict[str, Any]) -> None:
        self._groups = None
        self.advisories[advisory.id] = advisory
        self.by_package.setdefault((ecosystem, name), []).append(_Entry(advisory.id, ecosystem, entry))

    @classmethod
    def from_records(cls, records: Iterable[OsvRecord]) -> AdvisoryIndex:
        """An index straight from parsed records (no store), withdrawn ones left out."""
        index = cls()
        for record in records:
            if record.withdrawn:
                continue
            sev = severity_of(record)
            advisory = record.to_advisory(sev.rating, sev.score, sev.vector)
            for affected in record.affected:
                if affected.name:
                    index.add(advisory, affected.ecosystem, affected.normalised_name, affected.entry)
        return index

    @classmethod
    def from_store(cls, store: Store, keys: Iterable[tuple[str, str]] | None = None) -> AdvisoryIndex:
        """Load the candidates for `keys` (all advisories when None), one query per batch."""
        index = cls()
        wanted: dict[str, list[str]] = {}
        if keys is not None:
            for ecosystem, name in keys:
                wanted.setdefault(ecosystem, []).append(name)
        advisory_cols = (
            AdvisoryRow.id,
            AdvisoryRow.aliases,
            AdvisoryRow.summary,
            AdvisoryRow.severity,
            AdvisoryRow.score,
            AdvisoryRow.vector,
            AdvisoryRow.published,
            AdvisoryRow.modified,
            AdvisoryRow.withdrawn,
        )
        base = (
            select(
                AdvisoryPackageRow.ecosystem,
                AdvisoryPackageRow.name,
                AdvisoryPackageRow.affected,
                *advisory_cols,
            )
            .join(AdvisoryRow, AdvisoryRow.id == AdvisoryPackageRow.advisory_id)
            .where(AdvisoryRow.withdrawn.is_(None))
        )
        statements = []
        if keys is None:
            statements.append(base)
        else:
            for ecosystem, names in wanted.items():
                unique = sorted(set(names))
                for start in range(0, len(unique), _NAME_BATCH):
                    chunk = unique[start : start + _NAME_BATCH]
                    statements.append(
                        base.where(AdvisoryPackageRow.ecosystem == ecosystem, AdvisoryPackageRow.name.in_(chunk))
                    )
        with store.session() as session:
            for statement in statements:
                for row in session.execute(statement):
                    advisory = index.advisories.get(row.id)
                    if advisory is None:
                        advisory = Advisory(
                            id=row.id,
                            aliases=tuple(row.aliases or ()),
                            summary=row.summary,
                            severity=row.severity,
                            score=row.score,
                            vector=row.vector,
                            published=row.published,
                            modified=row.modified,
                            withdrawn=row.withdrawn,
                        )
                    index.add(advisory, row.ecosystem, row.name, row.affected)
        return index

    def __len__(self) -> int:
        return len(self.advisories)

    def merge(self, other: AdvisoryIndex) -> None:
        """Add another index's advisories and entries (e.g. the store's and a folder's)."""
        self._groups = None
        self.advisories.update(other.advisories)
        for key, entries in other.by_package.items():
            self.by_package.setdefault(key, []).extend(entries)

    def group_of(self, advisory_id: str) -> tuple[str, tuple[str, ...]]:
        """(canonical id, other ids) of the vulnerability an advisory describes.

        Computed once over every loaded advisory: records sharing any id or alias are one
        vulnerability, even when they are linked only through a third record.
        """
        if self._groups is None or advisory_id not in self._groups:  # new advisories since
            self._groups = {}
            for members in _group(list(self.advisories.values())):
                ids = {a.id for a in members} | {alias for a in members for alias in a.aliases}
                vid = canonical_id(ids)
                value = (vid, tuple(sorted(ids - {vid}, key=_id_rank)))
                for member in members:
                    self._groups[member.id] = value
        return self._groups[advisory_id]


@dataclass(frozen=True)
class Finding:
    """One vulnerability (all its ids merged) in one component version."""

    component: Component
    vuln_id: str
    aliases: tuple[str, ...]
    advisories: tuple[Advisory, ...]
    severity: str
    score: float | None
    vector: str | None
    summary: str
    fixed_versions: tuple[str, ...]
    evidence: tuple[_Entry, ...] = field(default=(), repr=False, compare=False)

    @property
    def reason(self) -> str:
        """Which listed version or range of which advisory matched (built when asked for:
        a large inventory has tens of thousands of findings and few are ever printed)."""
        version = self.component.version or ""
        return "; ".join(e.describe(version) for e in self.evidence)

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.vuln_id, *self.aliases)

    def to_match(self) -> VulnerabilityMatch:
        first = self.advisories[0]
        merged = Advisory(
            id=self.vuln_id,
            aliases=self.aliases,
            summary=self.summary,
            severity=self.severity,
            score=self.score,
            vector=self.vector,
            published=min((a.published for a in self.advisories if a.published), default=None),
            modified=max((a.modified for a in self.advisories if a.modified), default=None),
            references=tuple(r for a in self.advisories for r in a.references) or first.references,
        )
        return VulnerabilityMatch(self.component.purl, merged, self.fixed_versions, self.reason)


@dataclass(frozen=True)
class FixAdvice:
    """Versions that fix each finding of a component, and the smallest upgrade clearing them all."""

    purl: str
    fixed_versions: tuple[str, ...]
    upgrade_to: str | None


@dataclass
class MatchResult:
    findings: list[Finding] = field(default_factory=list)
    unsupported: list[FileProblem] = field(default_factory=list)
    advice: dict[str, FixAdvice] = field(default_factory=dict)
    checked: int = 0
    unchecked: list[str] = field(default_factory=list)  # purls without a version or OSV ecosystem

    def matches(self) -> list[VulnerabilityMatch]:
        return [f.to_match() for f in self.findings]


@lru_cache(maxsize=65536)
def _id_rank(vid: str) -> tuple[int, str]:
    for i, prefix in enumerate(("CVE-", "GHSA-", "PYSEC-", "GO-", "RUSTSEC-")):
        if vid.startswith(prefix):
            return i, vid
    return 9, vid


def canonical_id(ids: Iterable[str]) -> str:
    """The id a merged vulnerability is known by: a CVE if any, then GHSA, then the rest."""
    return min(ids, key=_id_rank)


def _group(advisories: Sequence[Advisory]) -> list[list[Advisory]]:
    """Union of advisories sharing any id or alias."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for adv in advisories:
        for alias in adv.aliases:
            ra, rb = find(adv.id), find(alias)
            if ra != rb:
                parent[rb] = ra
    groups: dict[str, list[Advisory]] = {}
    for adv in advisories:
        groups.setdefault(find(adv.id), []).append(adv)
    return list(groups.values())


def _describe_ranges(entry: dict[str, Any]) -> str:
    parts = []
    for rng in entry.get("ranges") or ():
        if isinstance(rng, dict) and rng.get("type") in _EVALUATED:
            events = ", ".join(f"{k} {v}" for e in rng.get("events") or () if isinstance(e, dict) for k, v in e.items())
            parts.append(f"{rng['type']} range [{events}]")
    return "; ".join(parts)


def match_components(components: Iterable[Component], index: AdvisoryIndex) -> MatchResult:
    """Findings for every component with a version, grouped per vulnerability."""
    result = MatchResult()
    for component in components:
        key = component_key(component) if component.version else None
        if key is None or component.version is None:
            result.unchecked.append(component.purl)
            continue
        result.checked += 1
        entries = index.by_package.get(key)
        if not entries:
            continue
        ecosystem, _ = key
        version = component.version
        sort_key: versions.SortKey | None = None
        invalid_reason = ""
        try:
            sort_key = versions.sort_key(ecosystem, version)
        except versions.InvalidVersion as exc:
            invalid_reason = str(exc)
        hits: list[_Entry] = []
        for entry in entries:
            undecidable = entry.undecidable()
            if undecidable:
                result.unsupported.append(
                    FileProblem(
                        component.purl,
                        "unsupported",
                        f"{entry.advisory_id}: cannot be decided on version {version}: " + "; ".join(undecidable),
                    )
                )
                continue
            compiled = entry.compiled()
            if version in entry.listed:
                hits.append(entry)
            elif sort_key is None:
                result.unsupported.append(
                    FileProblem(component.purl, "unsupported", f"{entry.advisory_id}: {invalid_reason}")
                )
            elif compiled.contains(sort_key):
                hits.append(entry)
        if not hits:
            continue
        found = _findings_for(component, ecosystem, version, hits, index)
        result.findings.extend(found)
        result.advice[component.purl] = _advice(component, ecosystem, version, hits, found)
    result.findings.sort(key=lambda f: (RANK.get(f.severity, 9), f.component.purl, f.vuln_id))
    return result


def _worst_first(advisory: Advisory) -> tuple[int, float]:
    return RANK.get(advisory.severity, 9), -(advisory.score or 0.0)


def _findings_for(
    component: Component, ecosystem: str, version: str, hits: list[_Entry], index: AdvisoryIndex
) -> list[Finding]:
    groups: dict[str, list[_Entry]] = {}
    for hit in hits:
        groups.setdefault(index.group_of(hit.advisory_id)[0], []).append(hit)
    findings = []
    for vid, entries in groups.items():
        aliases = index.group_of(entries[0].advisory_id)[1]
        if len(entries) == 1:  # the common case: one record, one entry
            members = [index.advisories[entries[0].advisory_id]]
            worst = members[0]
            fixed = list(entries[0].fixed)
        else:
            member_ids = sorted({e.advisory_id for e in entries}, key=_id_rank)
            members = [index.advisories[i] for i in member_ids]
            worst = min(members, key=_worst_first)
            fixed = []
            for e in entries:
                fixed.extend(v for v in e.fixed if v not in fixed)
            if len(fixed) > 1:
                fixed = _in_version_order(ecosystem, fixed)
        findings.append(
            Finding(
                component=component,
                vuln_id=vid,
                aliases=aliases,
                advisories=tuple(members),
                severity=worst.severity,
                score=worst.score,
                vector=worst.vector,
                summary=next((a.summary for a in members if a.summary), ""),
                fixed_versions=tuple(fixed),
                evidence=tuple(entries),
            )
        )
    return findings


def _in_version_order(ecosystem: str, values: list[str]) -> list[str]:
    def key(v: str) -> tuple[int, Any]:
        try:
            return 0, versions.sort_key(ecosystem, v)
        except versions.InvalidVersion:
            return 1, v

    try:
        return sorted(values, key=key)
    except TypeError:  # keys of different shapes: keep the advisories' order
        return values


def _smallest_clearing_upgrade(ecosystem: str, version: str, hits: list[_Entry]) -> str | None:
    """ranges.smallest_clearing_upgrade's rule on the entries already compiled here.

    Candidates are the entries' fixed versions above `version`, smallest first; the first
    that no entry affects wins. Reusing the compiled entries keeps advice for thousands of
    vulnerable components from compiling every entry again.
    """
    try:
        current = versions.sort_key(ecosystem, version)
    except versions.InvalidVersion:
        return None
    candidates: dict[str, Any] = {}
    for hit in hits:
        for fixed in hit.fixed:
            if fixed in candidates:
                continue
            try:
                key = versions.sort_key(ecosystem, fixed)
            except versions.InvalidVersion:
                continue
            if key > current:
                candidates[fixed] = key
    for fixed, key in sorted(candidates.items(), key=lambda item: item[1]):
        if not any(fixed in h.listed or h.compiled().contains(key) for h in hits):
            return fixed
    return None


def _advice(
    component: Component, ecosystem: str, version: str, hits: list[_Entry], findings: list[Finding]
) -> FixAdvice:
    fixed: list[str] = []
    for f in findings:
        fixed.extend(v for v in f.fixed_versions if v not in fixed)
    fixed = _in_version_order(ecosystem, fixed)
    upgrade = _smallest_clearing_upgrade(ecosystem, version, hits)
    return FixAdvice(component.purl, tuple(fixed), upgrade)


def match_inventory(inventory: Inventory, store: Store) -> MatchResult:
    """Load only the candidates the inventory needs from the store, then match."""
    keys = {k for c in inventory.components if c.version and (k := component_key(c)) is not None}
    return match_components(inventory.components, AdvisoryIndex.from_store(store, keys))
