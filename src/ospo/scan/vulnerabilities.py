"""The scan's vulnerability stage: advisories from the local store and from files given on
the command line, matched in memory; each match's patch deadline from the policy's SLA
windows, counted from when the store's tracked finding was first seen."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ospo.model import FileProblem, Inventory, VulnerabilityMatch
from ospo.policy.ranges import Compare, natural_compare
from ospo.vulns import versions
from ospo.vulns.importer import ImportFailed, iter_directory, iter_zip, parse_records
from ospo.vulns.matcher import AdvisoryIndex, component_key, match_components
from ospo.vulns.sla import SlaPolicy
from ospo.vulns.tracking import TrackedFinding, list_findings, with_sla

Overdue = Callable[[VulnerabilityMatch], bool]


def _records_from(path: Path, problems: list[FileProblem]) -> AdvisoryIndex:
    raw: Iterable[object]
    if path.is_dir():
        raw = iter_directory(path, problems)
    elif path.is_file() and zipfile.is_zipfile(path):
        raw = iter_zip(path, problems, label=str(path))
    else:
        raise ImportFailed(f"{path}: not a folder or zip of OSV records")
    return AdvisoryIndex.from_records(parse_records(raw, problems))  # type: ignore[arg-type]


def _store_exists(url: str) -> bool:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).is_file()
    return True


def match(
    inventory: Inventory,
    *,
    advisories: Iterable[Path] = (),
    use_store: bool = True,
    store_url: str | None = None,
    today: dt.date | None = None,
    sla: SlaPolicy | None = None,
) -> tuple[list[VulnerabilityMatch], dict[str, str | None], list[FileProblem], Overdue]:
    problems: list[FileProblem] = []
    index = AdvisoryIndex()
    today = today or dt.datetime.now(dt.UTC).date()
    tracked: list[TrackedFinding] = []
    for source in advisories:
        try:
            index.merge(_records_from(Path(source), problems))
        except ImportFailed as exc:
            problems.append(FileProblem(str(source), "unreadable", str(exc)))
    if use_store:
        from ospo.store import open_store
        from ospo.store.engine import default_database_url

        url = store_url or os.environ.get("OSPO_DATABASE_URL") or default_database_url()
        if _store_exists(url):
            try:
                store = open_store(url)
                keys = {k for c in inventory.components if c.version and (k := component_key(c)) is not None}
                index.merge(AdvisoryIndex.from_store(store, keys))
                tracked = list_findings(store, today=today, include_closed=True)
            except Exception as exc:  # a broken store must not stop a scan; it is reported
                problems.append(FileProblem(url.split("@")[-1], "unreadable", f"vulnerability store: {exc}"))
    result = match_components(inventory.components, index)
    problems.extend(result.unsupported)
    advice = {purl: a.upgrade_to for purl, a in result.advice.items()}
    matches, overdue_keys = with_sla(result.matches(), tracked, sla or SlaPolicy(), today)

    def overdue(m: VulnerabilityMatch) -> bool:
        return (m.purl, m.advisory.id) in overdue_keys

    return matches, advice, problems, overdue


def compare_for(ecosystem: str) -> Compare:
    """The ecosystem's own version ordering for policy ranges, a natural order otherwise."""
    osv = versions.osv_ecosystem(ecosystem)
    if not versions.exact(osv):
        return natural_compare

    def compare(a: str, b: str) -> int:
        try:
            return versions.compare(osv, a, b)
        except Exception:
            return natural_compare(a, b)

    return compare
