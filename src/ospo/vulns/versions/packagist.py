"""Packagist: Composer's version normalisation, then PHP's ``version_compare`` order.

Composer (``VersionParser::normalize``) accepts an optional ``v``, one to four numbers (or a
date-like version), and a stability suffix, and rewrites them canonically: ``v1.2`` becomes
``1.2.0.0``, ``1.0.0RC1`` becomes ``1.0.0.0-RC1``, ``1.0-b2`` becomes ``1.0.0.0-beta2``,
``1.0pl3`` becomes ``1.0.0.0-patch3``; ``-stable`` and build metadata (``+...``) disappear.
Constraints then compare normalised strings with PHP's ``version_compare``: parts split at
separators and digit/letter transitions, numbers numerically, and the special words ordered
dev < alpha < beta < RC < (a number) < patch. A version that has run out of parts compares
as a number against the other's next word, so ``1.0.0.0-RC1 < 1.0.0.0 < 1.0.0.0-patch1``.

Branch names (``dev-main``, ``1.x-dev``) have no place in that order and are invalid here,
as they never satisfy a range in Composer either.
"""

from __future__ import annotations

import re

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked

ECOSYSTEM = "Packagist"

_MODIFIER = r"[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*+)?)?([.-]?dev)?"
_CLASSICAL = re.compile(
    rf"^v?([0-9]{{1,5}}+)(\.[0-9]++)?(\.[0-9]++)?(\.[0-9]++)?{_MODIFIER}(?:\+[^\s]+)?$",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"^v?([0-9]{{4}}(?:[.:-]?[0-9]{{2}}){{1,6}}(?:[.:-]?[0-9]{{1,3}}){{0,2}}){_MODIFIER}(?:\+[^\s]+)?$",
    re.IGNORECASE,
)
_STABILITY = {"a": "alpha", "alpha": "alpha", "b": "beta", "beta": "beta", "rc": "rc"}
_STABILITY.update({"p": "patch", "pl": "patch", "patch": "patch"})
_RANK = {"dev": 1, "alpha": 2, "beta": 3, "rc": 4, "patch": 6}
_NUMBER_RANK = 5
_PARTS = re.compile(r"[0-9]+|[a-z]+")

#: A version that ran out of parts compares like a number below every number.
END = (_NUMBER_RANK, -1)


def normalize(version: str) -> str:
    """Composer's canonical spelling of a release version (lower-cased)."""
    text = checked(ECOSYSTEM, version)
    alias = re.match(r"^([^,\s]+) +as +[^,\s]+$", text)
    if alias:
        text = alias.group(1)
    text = re.sub(r"@(?:stable|rc|beta|alpha|dev)$", "", text, flags=re.IGNORECASE)
    lowered = text.lower()
    if lowered.startswith("dev-") or lowered in ("master", "trunk", "default"):
        raise InvalidVersion(ECOSYSTEM, version, "a branch, not a release")
    match = _CLASSICAL.match(text)
    if match:
        numbers = [match.group(1)] + [(g or ".0")[1:] for g in match.group(2, 3, 4)]
        stability, number, dev = match.group(5, 6, 7)
    else:
        match = _DATE.match(text)
        if not match:
            raise InvalidVersion(ECOSYSTEM, version, "Composer cannot normalise it")
        numbers = re.split(r"[^0-9]", match.group(1))
        stability, number, dev = match.group(2, 3, 4)
    out = ".".join(str(int(n)) for n in numbers)
    if stability:
        stability = stability.lower()
        if stability == "stable":
            return out
        out += "-" + _STABILITY[stability] + (number or "").lstrip(".-")
    if dev:
        out += "-dev"
    return out


def sort_key(version: str) -> SortKey:
    parts = _PARTS.findall(normalize(version))
    key = [(_NUMBER_RANK, int(p)) if p.isdigit() else (_RANK.get(p, 0), 0) for p in parts]
    return (*key, END)
