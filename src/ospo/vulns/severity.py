"""Severity of an OSV record: CVSS vectors scored with `cvss`, then the feeds' own labels.

Order of trust: a CVSS v2, v3.x or v4 vector in `severity[]` (the highest-scoring one, so
a record that carries both a v3 and a v4 vector is not under-rated); then a label in
`database_specific.severity` (GitHub's ``MODERATE``...) or an affected entry's
`ecosystem_specific.severity` / `database_specific.severity`; else ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from ospo.vulns.osv import OsvRecord

RATINGS = ("critical", "high", "medium", "low", "none", "unknown")
RANK = {name: i for i, name in enumerate(RATINGS)}

_LABELS = {
    "critical": "critical",
    "high": "high",
    "important": "high",
    "moderate": "medium",
    "medium": "medium",
    "low": "low",
    "negligible": "low",
    "none": "none",
}


@dataclass(frozen=True)
class Severity:
    """A rating (critical/high/medium/low/none/unknown), with the score and vector it came from."""

    rating: str = "unknown"
    score: float | None = None
    vector: str | None = None
    source: str = "none"  # cvss_v2, cvss_v3, cvss_v4, database_specific, ecosystem_specific


def rating_for_score(score: float) -> str:
    """The CVSS v3/v4 qualitative scale (also applied to v2 scores, which have none of their own)."""
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    if score > 0.0:
        return "low"
    return "none"


def score_vector(kind: str, vector: str) -> Severity | None:
    """Score one `severity[]` entry; None when the vector is malformed or of an unknown kind."""
    vector = vector.strip()
    try:
        if kind == "CVSS_V4" or vector.startswith("CVSS:4"):
            v4 = CVSS4(vector)
            score = float(v4.base_score)
            return Severity(rating_for_score(score), score, vector, "cvss_v4")
        if kind == "CVSS_V3" or vector.startswith("CVSS:3"):
            score = float(CVSS3(vector).scores()[0])
            return Severity(rating_for_score(score), score, vector, "cvss_v3")
        if kind == "CVSS_V2":
            score = float(CVSS2(vector).scores()[0])
            return Severity(rating_for_score(score), score, vector, "cvss_v2")
    except (CVSSError, ValueError, KeyError, IndexError, TypeError, ZeroDivisionError):
        return None
    return None


def label_rating(value: Any) -> str | None:
    if isinstance(value, str):
        return _LABELS.get(value.strip().lower())
    return None


def severity_of(record: OsvRecord) -> Severity:
    """The best severity the record supports, following the order described in the module."""
    scored = [s for s in (score_vector(e.type, e.score) for e in record.severity) if s is not None]
    if scored:
        return max(scored, key=lambda s: s.score or 0.0)
    for entry in record.severity:  # e.g. type "Ubuntu" with a word as its score
        rating = label_rating(entry.score)
        if rating:
            return Severity(rating, None, None, "severity_label")
    rating = label_rating(record.database_specific.get("severity"))
    if rating:
        return Severity(rating, None, None, "database_specific")
    best: str | None = None
    for affected in record.affected:
        for key in ("ecosystem_specific", "database_specific"):
            block = affected.entry.get(key)
            if isinstance(block, dict):
                found = label_rating(block.get("severity"))
                if found and (best is None or RANK[found] < RANK[best]):
                    best = found
    if best:
        return Severity(best, None, None, "ecosystem_specific")
    return Severity()


_LEVEL = {"critical": 5, "high": 4, "medium": 3, "low": 2, "unknown": 2, "none": 0}


def at_or_above(rating: str, threshold: str) -> bool:
    """True when `rating` is as severe as `threshold` or more.

    ``unknown`` ranks with ``low``: an unrated vulnerability fails ``--fail-on low``
    (it may be anything) but not ``--fail-on medium``.
    """
    return _LEVEL.get(rating, 1) >= _LEVEL.get(threshold, 1)
