"""A reasonable order for ecosystems without a dedicated one.

Modelled on libversion's idea: split into runs of digits and of letters (anything else is a
separator), compare numbers numerically and pad the shorter version with zeros. Words are
pre-release markers (``1.0rc1 < 1.0``) except the post-release ones (``patch``, ``post``,
``pl``, ``p``, ``errata``), which sort above zero padding but below any non-zero number.
Only used where no ecosystem-specific order is known; results say so through
``versions.exact(ecosystem)``.
"""

from __future__ import annotations

import re

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked

_PARTS = re.compile(r"[0-9]+|[A-Za-z]+")
_POST = frozenset({"patch", "post", "pl", "p", "errata"})
END: tuple[int] = (1,)


def sort_key(version: str, ecosystem: str = "generic") -> SortKey:
    text = checked(ecosystem, version)
    parts = _PARTS.findall(text)
    if not parts or not parts[0].isdigit():
        stripped = text.lstrip("vV")
        parts = _PARTS.findall(stripped)
        if not parts:
            raise InvalidVersion(ecosystem, version, "no digits or letters")
    items: list[tuple[int, int, int, str]] = []
    zeros = 0
    for part in parts:
        if part.isdigit():
            n = int(part)
            if n == 0:
                zeros += 1
                continue
            items.append((2, -zeros, n + 1, ""))
        else:
            word = part.lower()
            if word in _POST:
                items.append((2, -zeros, 0, word))
            else:
                items.append((0, zeros, 0, word))
        zeros = 0
    return (*items, END)
