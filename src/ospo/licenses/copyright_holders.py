"""Holders of a package, deduplicated, with their years merged: the lines a NOTICE prints.

"Google LLC", "Google LLC." and "google llc" in three files are one holder; their years
"2010", "2011-2013" and "2015-present" become "2010-2013, 2015-present". Author lines are
not copyright holders and are left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ospo.licenses.copyright_text import format_years, parse_years
from ospo.model import Copyright, Location

# Letters that NFKD does not split into a base letter and an accent.
_LATIN_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ı": "i", "ħ": "h"}
)
_NOT_WORD_RE = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class HolderSummary:
    """One holder across a package: how to print it and where the evidence is."""

    holder: str
    years: str  # "1999-2004, 2010, 2012-present"; "" when no statement names a year
    statements: tuple[str, ...]  # distinct statements, in order of first appearance
    locations: tuple[Location, ...]  # every file and line the holder was found at


def holder_key(holder: str) -> str:
    """The identity of a holder: case, accents, punctuation and a leading "the" ignored."""
    folded = unicodedata.normalize("NFKD", holder.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.translate(_LATIN_FOLD)
    key = _NOT_WORD_RE.sub(" ", folded).strip()
    return key[4:] if key.startswith("the ") else key


@dataclass
class _Group:
    spellings: Counter[str]
    first_spelling: dict[str, int]
    years: set[int]
    open_from: int | None
    statements: dict[str, None]
    locations: dict[Location, None]


def deduplicate_holders(copyrights: Iterable[Copyright]) -> list[HolderSummary]:
    """One summary per distinct holder, sorted by holder, with years merged into ranges."""
    groups: dict[str, _Group] = {}
    order = 0
    for found in copyrights:
        if found.kind != "copyright" or not found.holder:
            continue
        key = holder_key(found.holder)
        if not key:
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(Counter(), {}, set(), None, {}, {})
        group.spellings[found.holder] += 1
        group.first_spelling.setdefault(found.holder, order)
        order += 1
        years, open_from = parse_years(found.statement)
        group.years |= years
        if open_from is not None:
            group.open_from = open_from if group.open_from is None else min(group.open_from, open_from)
        group.statements.setdefault(found.statement, None)
        group.locations.setdefault(Location(found.path, found.line, found.end_line), None)
    summaries = [_summary(group) for group in groups.values()]
    return sorted(summaries, key=lambda summary: (holder_key(summary.holder), summary.holder))


def _summary(group: _Group) -> HolderSummary:
    # The most frequent spelling wins; ties go to the first one seen.
    holder = min(group.spellings, key=lambda name: (-group.spellings[name], group.first_spelling[name]))
    return HolderSummary(
        holder=holder,
        years=format_years(group.years, group.open_from),
        statements=tuple(group.statements),
        locations=tuple(group.locations),
    )
