"""PyPI: PEP 440 ordering, with the pre-PEP 440 ("legacy") ordering for the rest.

Valid versions are parsed by ``packaging`` (the reference implementation) and turned into a
tuple mirroring its comparison key, built from public attributes only. Strings that PEP 440
rejects still occur in old releases and in advisories' ``versions`` lists; OSV evaluates them
the way ``packaging`` did before version 22 (``LegacyVersion``): ordered among themselves by
setuptools' old rules and always before every valid version. We reproduce that ordering.
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion as PackagingInvalidVersion
from packaging.version import Version

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked

ECOSYSTEM = "PyPI"

_LEGACY_PART = re.compile(r"(\d+|[a-z]+|\.|-)")
_LEGACY_REPLACE = {"pre": "c", "preview": "c", "-": "final-", "rc": "c", "dev": "@"}


def _legacy_parts(version: str) -> tuple[str, ...]:
    """setuptools' historical ordering: padded numbers, starred words, trimmed trailers."""
    parts: list[str] = []
    for raw in [*_LEGACY_PART.split(version.lower()), "*final"]:
        if raw == "*final":
            part = raw
        else:
            part = _LEGACY_REPLACE.get(raw, raw)
            if not part or part == ".":
                continue
            part = part.zfill(8) if part[0].isdigit() else "*" + part
        if part.startswith("*"):
            if part < "*final":
                while parts and parts[-1] == "*final-":
                    parts.pop()
            while parts and parts[-1] == "00000000":
                parts.pop()
        parts.append(part)
    return tuple(parts)


def _valid_key(v: Version) -> SortKey:
    release = list(v.release)
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    # PEP 440: X.Y.devN sorts before X.Y.aN, so a dev-only release gets the lowest pre slot.
    if v.pre is None and v.post is None and v.dev is not None:
        pre: tuple[int, str, int] = (0, "", 0)
    elif v.pre is None:
        pre = (2, "", 0)
    else:
        pre = (1, v.pre[0], v.pre[1])
    post = (0, 0) if v.post is None else (1, v.post)
    dev = (1, 0) if v.dev is None else (0, v.dev)
    if v.local is None:
        local: tuple[tuple[int, int, str], ...] = ()
    else:
        # Numeric local segments sort after alphanumeric ones (PEP 440).
        local = tuple((1, int(p), "") if p.isdigit() else (0, 0, p) for p in v.local.split("."))
    return (1, v.epoch, tuple(release), pre, post, dev, v.local is not None, local)


def sort_key(version: str) -> SortKey:
    text = checked(ECOSYSTEM, version)
    try:
        return _valid_key(Version(text))
    except PackagingInvalidVersion:
        pass
    if not any(c.isalnum() for c in text):
        raise InvalidVersion(ECOSYSTEM, version, "no digits or letters")
    return (0, _legacy_parts(text))
