"""Acceptance check: do our ranges reproduce the advisories' own ``versions`` lists?

For every advisory of an OSV advisory tree (default: the PyPA advisory database under
../shared/data/osv/pypa), every version listed in an ``affected[]`` entry must be inside its
ranges (ranges alone, not the list), and every other version known for the package (the
union of the lists of all its advisories) must be outside. Each disagreement is printed with
the advisory id so it can be explained (usually a data problem in the advisory).

Run: PYTHONPATH=src python bench/vulns/agreement.py [ADVISORY_DIR]
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ospo.vulns.ranges import compile_affected
from ospo.vulns.versions import InvalidVersion, canonical_ecosystem, key_function


def default_root() -> Path:
    """../shared/data/osv/pypa beside the checkout (or $OSPO_SHARED_DIR/data/osv/pypa)."""
    import os

    shared = os.environ.get("OSPO_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[3] / "shared"
    return base / "data" / "osv" / "pypa" / "vulns"


# Every disagreement left on the PyPA snapshot (commit 3ccb6125, 2024-10-10), explained.
# All are data problems in the advisories, not range-evaluation errors: see
# bench/vulns/versions.md. Keyed by (advisory id, kind of disagreement).
_OPEN_RANGE_STALE_LIST = (
    "range is open (introduced, no fix): releases published after the list was enumerated "
    "are inside the range but absent from the frozen versions list"
)
_BACKPORT_STALE_LIST = "a later release on an old branch (below the fix) appeared after the list was enumerated"
_PRERELEASES_NOT_LISTED = (
    "the list omits pre-releases that lie inside the range (and that other advisories of the "
    "package list): incomplete enumeration"
)
EXPLAINED: dict[tuple[str, str], str] = {
    **{
        (f"PYSEC-2021-{n}", "in-ranges-not-listed"): _PRERELEASES_NOT_LISTED
        for n in [*range(389, 403), *range(404, 412), *range(413, 421), 842, 843]
    },
    ("PYSEC-2024-16", "in-ranges-not-listed"): _PRERELEASES_NOT_LISTED,
    ("PYSEC-2023-8", "in-ranges-not-listed"): _OPEN_RANGE_STALE_LIST,
    ("PYSEC-2023-150", "in-ranges-not-listed"): _OPEN_RANGE_STALE_LIST,
    ("PYSEC-2022-43063", "in-ranges-not-listed"): _OPEN_RANGE_STALE_LIST,
    ("PYSEC-2023-142", "in-ranges-not-listed"): _OPEN_RANGE_STALE_LIST,
    ("PYSEC-2020-215", "in-ranges-not-listed"): _BACKPORT_STALE_LIST,
    ("PYSEC-2022-180", "in-ranges-not-listed"): _BACKPORT_STALE_LIST,
    ("PYSEC-2022-257", "in-ranges-not-listed"): _BACKPORT_STALE_LIST,
    ("PYSEC-2022-159", "in-ranges-not-listed"): _BACKPORT_STALE_LIST,
    ("PYSEC-2023-61", "listed-not-in-ranges"): (
        "the list names 3.2a1..3.2rc1 and 4.2a1..4.2rc1, pre-releases that PEP 440 orders "
        "below the range's start 'introduced: 3.2' / '4.2'"
    ),
    ("PYSEC-2023-177", "listed-not-in-ranges"): (
        "the list names 23.9.0 and 23.9.0.post1 although the range says 'fixed: 23.9.0'"
    ),
    ("PYSEC-2021-114", "listed-not-in-ranges"): (
        "one events list holds overlapping intervals ([2.11, 2.11.7) and [0, 2.11.6)); "
        "evaluated in version order the first fixed closes both, so 2.11.6 falls out; "
        "they should be two ranges"
    ),
}


@dataclass(frozen=True)
class Disagreement:
    advisory: str
    package: str
    version: str
    kind: str  # "listed-not-in-ranges", "in-ranges-not-listed", "invalid-version"
    detail: str = ""

    @property
    def explanation(self) -> str | None:
        return EXPLAINED.get((self.advisory, self.kind))

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.advisory} {self.package} {self.version}: {self.kind}{extra}"


@dataclass
class Report:
    advisories: int = 0
    entries: int = 0
    checked: int = 0
    skipped_withdrawn: int = 0
    entries_without_ranges: int = 0
    entries_without_versions: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.disagreements: list[Disagreement] = []
        self.problems: list[str] = []


def load(root: Path) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for path in sorted(root.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            with path.open(encoding="utf-8") as handle:
                doc = yaml.safe_load(handle)
            if isinstance(doc, Mapping):
                yield str(path.relative_to(root)), doc


def check(root: Path) -> Report:
    report = Report()
    docs = list(load(root))
    start = time.perf_counter()
    # Candidate versions per (ecosystem, package): everything any advisory lists.
    known: dict[tuple[str, str], set[str]] = defaultdict(set)
    entries: list[tuple[str, str, str, Mapping[str, Any]]] = []
    for _, doc in docs:
        report.advisories += 1
        if doc.get("withdrawn"):
            report.skipped_withdrawn += 1
            continue
        for affected in doc.get("affected") or []:
            package = affected.get("package") or {}
            ecosystem = canonical_ecosystem(str(package.get("ecosystem", "")))
            name = str(package.get("name", "")).lower()
            known[(ecosystem, name)].update(str(v) for v in affected.get("versions") or [])
            entries.append((str(doc.get("id")), ecosystem, name, affected))
    for advisory, ecosystem, name, affected in entries:
        report.entries += 1
        compiled = compile_affected(ecosystem, affected)
        report.problems.extend(f"{advisory}: {p}" for p in compiled.problems)
        if not compiled.has_ranges:
            report.entries_without_ranges += 1
            continue
        if not affected.get("versions"):
            # No enumeration to compare with (the importer never listed versions).
            report.entries_without_versions += 1
            continue
        listed = {str(v) for v in affected.get("versions") or []}
        key_of = key_function(ecosystem)
        for version in sorted(known[(ecosystem, name)]):
            report.checked += 1
            try:
                inside = compiled.in_ranges(key_of(version))
            except InvalidVersion as error:
                report.disagreements.append(Disagreement(advisory, name, version, "invalid-version", str(error)))
                continue
            if version in listed and not inside:
                report.disagreements.append(Disagreement(advisory, name, version, "listed-not-in-ranges"))
            elif version not in listed and inside:
                report.disagreements.append(Disagreement(advisory, name, version, "in-ranges-not-listed"))
    report.seconds = time.perf_counter() - start
    return report


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else default_root()
    report = check(root)
    unexplained = [d for d in report.disagreements if d.explanation is None]
    by_reason: dict[str, set[str]] = defaultdict(set)
    for d in report.disagreements:
        if d.explanation is not None:
            by_reason[d.explanation].add(d.advisory)
    for d in unexplained:
        print("UNEXPLAINED", d)
    for reason, ids in by_reason.items():
        count = sum(1 for d in report.disagreements if d.explanation == reason)
        print(f"explained ({count} versions, {len(ids)} advisories): {reason}")
    print(
        f"advisories {report.advisories} (withdrawn skipped {report.skipped_withdrawn}), "
        f"entries {report.entries} (without evaluable ranges {report.entries_without_ranges}, "
        f"without versions list {report.entries_without_versions}), "
        f"version checks {report.checked}, disagreements {len(report.disagreements)} "
        f"(unexplained {len(unexplained)}), "
        f"problems {len(report.problems)}, {report.seconds:.2f} s"
    )
    for p in report.problems[:20]:
        print("problem:", p)
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
