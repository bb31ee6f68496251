"""Debian and Ubuntu: dpkg's version order (``dpkg --compare-versions``).

``[epoch:]upstream[-revision]``: epochs numerically, then upstream, then revision, each by
dpkg's ``verrevcmp``: alternately a run of non-digits, compared character by character with
``~`` below the end of the run, the end below letters, letters below other characters, and a
run of digits, compared numerically (absent = 0). ``1.0~rc1 < 1.0 < 1.0+b1 < 1.0a``.

Our own because univers' DebianVersion is not a total order (it finds ``0`` and ``00``
neither equal nor ordered; see bench/vulns/versions.md).
"""

from __future__ import annotations

import re

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked

ECOSYSTEM = "Debian"

_VERSION = re.compile(r"^(?:([0-9]+):)?([A-Za-z0-9.+~:-]+?)(?:-([A-Za-z0-9.+~]+))?$")
_PARTS = re.compile(r"([^0-9]*)([0-9]*)")

#: What an exhausted version compares as: an empty non-digit run and the number 0.
_PADDING: tuple[tuple[int, ...], int] = ((0,), 0)


def _order(char: str) -> int:
    if char == "~":
        return -1
    if char.isalpha():
        return ord(char)
    return ord(char) + 256


def part_key(text: str) -> SortKey:
    """Key for one of upstream / revision under ``verrevcmp``."""
    items: list[tuple[tuple[int, ...], int]] = []
    for run, digits in _PARTS.findall(text):
        if not run and not digits:
            continue
        items.append(((*(_order(c) for c in run), 0), int(digits or 0)))
    # Trailing items equal to the padding change nothing; only the first item can equal it
    # in the middle of a version ("0.1"), so two paddings end every key.
    while items and items[-1] == _PADDING:
        items.pop()
    return (*items, _PADDING, _PADDING)


def sort_key(version: str, ecosystem: str = ECOSYSTEM) -> SortKey:
    text = checked(ecosystem, version)
    match = _VERSION.match(text)
    if match is None or not text.isascii():
        raise InvalidVersion(ecosystem, version, "not [epoch:]upstream[-revision]")
    epoch, upstream, revision = match.groups()
    if ":" in upstream and epoch is None:
        raise InvalidVersion(ecosystem, version, "a colon without an epoch")
    return (int(epoch or 0), part_key(upstream), part_key(revision or ""))
