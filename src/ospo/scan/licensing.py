"""The scan's licence stage: which walked files to scan, the scanning itself (over
processes), registry licences turned into SPDX, and decisions on licences found in files
that belong to no package (the project's own and vendored code)."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable, Iterable, Mapping

from license_expression import ExpressionError

from ospo.licenses import category_of as _category_of
from ospo.licenses.copyright_holders import deduplicate_holders
from ospo.licenses.detect import detect
from ospo.licenses.scanner import scan_files as _scan_files
from ospo.licenses.spdx_tags import licensing, normalise
from ospo.model import (
    Component,
    Copyright,
    FileProblem,
    LicenseFinding,
    MatchKind,
    PolicyDecision,
)
from ospo.policy import Evaluator, Policy
from ospo.walk import WalkedFile

# Files that never hold licence text worth the read (media, fonts, archives, bytecode).
_SKIPPED_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".ico",
    ".webp",
    ".bmp",
    ".tif",
    ".tiff",
    ".mp3",
    ".mp4",
    ".wav",
    ".ogg",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".eot",
    ".zip",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".7z",
    ".whl",
    ".jar",
    ".pyc",
    ".pyo",
    ".class",
    ".o",
    ".a",
    ".so",
    ".dylib",
    ".dll",
    ".exe",
    ".pdf",
    ".db",
    ".sqlite",
    ".npy",
)
_UNKNOWN = "LicenseRef-scancode-unknown"


def wants(file: WalkedFile, claimed: bool) -> bool:
    """Whether the licence scanner should read this file (manifests included: they hold tags)."""
    return not file.name.lower().endswith(_SKIPPED_SUFFIXES)


def scan_files(
    files: list[WalkedFile], processes: int, progress: Callable[[int, int], None]
) -> tuple[list[LicenseFinding], list[Copyright], list[FileProblem]]:
    total = len(files)
    results = _scan_files([(f.path, f.relpath) for f in files], processes, lambda done: progress(done, total))
    findings: list[LicenseFinding] = []
    copyrights: list[Copyright] = []
    problems: list[FileProblem] = []
    for result in sorted(results, key=lambda r: r.path):
        findings.extend(result.findings)
        copyrights.extend(result.copyrights)
        problems.extend(n for n in result.notes if n.kind not in ("note", "partial"))
    return findings, copyrights, problems


def category_of(spdx_id: str) -> str:
    return _category_of(spdx_id)


def combine(expressions: list[str]) -> str | None:
    """Several expressions found for one package, as one simplified AND expression."""
    unique = sorted({e for e in expressions if e})
    if not unique:
        return None
    if len(unique) == 1:
        return unique[0]
    try:
        return str(licensing().dedup(" AND ".join(f"({e})" for e in unique)))
    except ExpressionError:
        return " AND ".join(f"({e})" for e in unique)


def holders(copyrights: list[Copyright]) -> tuple[str, ...]:
    return tuple(h.holder for h in deduplicate_holders(copyrights))


def license_from_registry(values: Iterable[str], is_expression: bool) -> str | None:
    """A registry's licence field as an SPDX expression, or None when it names nothing known.

    Ids and expressions are normalised (deprecated ids, misspellings); free-text names
    ("Apache Software License", "MIT License") are matched like a licence reference.
    """
    found: list[str] = []
    for raw in values:
        raw = raw.strip()
        if not raw:
            continue
        expression, unknown = normalise(raw)
        if not unknown and expression != _UNKNOWN:
            found.append(expression)
            continue
        hits = [f for f in detect("registry", raw) if f.kind is not MatchKind.PARTIAL and f.score >= 50]
        expressions = sorted({f.expression for f in hits if f.expression != _UNKNOWN})
        if expressions:
            found.append(combine(expressions) or expressions[0])
    if not found:
        return None
    # Several separate entries (npm's legacy `licenses` array, Maven's <licenses>) are
    # alternatives the author offers.
    unique = sorted(set(found))
    return unique[0] if len(unique) == 1 else " OR ".join(f"({e})" if " " in e else e for e in unique)


def registry_licenses(
    components: list[Component],
    *,
    base_urls: dict[str, str] | None,
    cache_dir: object,
) -> tuple[dict[str, str | None], list[FileProblem]]:
    from pathlib import Path

    from ospo.registry import lookup_all

    if not components:
        return {}, []
    result = lookup_all(
        components, base_urls=base_urls, cache_dir=Path(cache_dir) if isinstance(cache_dir, (str, Path)) else None
    )
    out: dict[str, str | None] = {}
    for purl, meta in result.found.items():
        out[purl] = license_from_registry(meta.licenses, meta.is_expression)
    return out, result.problems


def file_decisions(
    policy: Policy,
    unowned: Mapping[str, list[LicenseFinding]],
    distribution: str,
    today: dt.date | None,
) -> list[PolicyDecision]:
    """A decision for each file of the project's own tree that carries a licence.

    Partial matches and bare references are evidence for a reviewer, not a licence grant,
    so they do not produce a decision of their own.
    """
    evaluator = Evaluator(policy, distribution, today=today, category_of=category_of)
    decisions: list[PolicyDecision] = []
    for path, findings in sorted(unowned.items()):
        granted = [f for f in findings if f.kind in (MatchKind.TAG, MatchKind.TEXT, MatchKind.NOTICE)]
        if not granted:
            continue
        expression = combine([f.expression for f in granted]) or _UNKNOWN
        verdict = evaluator.license_verdict(expression, distribution)
        lines = ", ".join(f"{f.start_line}-{f.end_line}" for f in granted[:3])
        reasons = (f"{posixpath.basename(path)} lines {lines}: {expression}", *verdict.reasons)
        decisions.append(PolicyDecision(f"file:{path}", verdict.verdict, reasons, verdict.rule))
    return decisions
