"""RubyGems: ``Gem::Version`` ordering.

A version is segments of digits or letters (``1.2.a.3``, ``-`` meaning ``.pre.``). Any letter
makes it a pre-release, and a string segment sorts below any number, so ``1.0.a < 1.0``.
Trailing zeros of the numeric part and of the pre-release part are dropped
(``canonical_segments``), and a shorter version is padded with zeros when compared.

Padding makes plain tuple comparison wrong (``1.a`` vs ``1.a.0.b``), so the key folds each
run of zeros into the segment that follows it; see ``padded_key``.
"""

from __future__ import annotations

import re

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked

ECOSYSTEM = "RubyGems"

_VALID = re.compile(r"^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")
_SEGMENT = re.compile(r"[0-9]+|[a-z]+", re.IGNORECASE)

#: Marks the end of a key: stands for the infinite run of zero padding.
END: tuple[int] = (1,)


def padded_key(segments: list[int | str]) -> SortKey:
    """A tuple key for "compare segment-wise, padding the shorter with zeros".

    Zero runs are folded into the next non-zero segment as a count ``z``. Comparing items
    with different ``z`` means comparing one side's segment with a padding zero: a string
    segment is below zero, so for strings a larger ``z`` is greater; a number is above zero,
    so for numbers a larger ``z`` is smaller. END sits between strings and numbers.
    """
    items: list[tuple[int, int, int, str]] = []
    zeros = 0
    for seg in segments:
        if isinstance(seg, int):
            if seg == 0:
                zeros += 1
                continue
            items.append((2, -zeros, seg, ""))
        else:
            items.append((0, zeros, 0, seg))
        zeros = 0
    return (*items, END)


def canonical_segments(text: str) -> list[int | str]:
    segments: list[int | str] = [int(s) if s.isdigit() else s for s in _SEGMENT.findall(text.replace("-", ".pre."))]
    first_string = next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))
    numeric, rest = segments[:first_string], segments[first_string:]
    while numeric and numeric[-1] == 0:
        numeric.pop()
    while rest and rest[-1] == 0:
        rest.pop()
    return numeric + rest


def sort_key(version: str) -> SortKey:
    text = checked(ECOSYSTEM, version)
    if not _VALID.match(text):
        raise InvalidVersion(ECOSYSTEM, version, "not a Gem::Version")
    return padded_key(canonical_segments(text))
