"""What every ecosystem's version ordering shares: the error type and the key contract.

A sort key is a plain tuple built from ints and strings, shaped so that Python's own tuple
comparison gives the ecosystem's order. Tuples compare in C, which is what makes matching
thousands of components against thousands of ranges cheap; rich objects with ``__lt__``
would cost a Python call per comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ospo.model import OspoError

#: Longest version string we try to parse: anything longer is hostile or garbage.
MAX_VERSION_LENGTH = 256

SortKey = tuple[Any, ...]
KeyFunction = Callable[[str], SortKey]


class InvalidVersion(OspoError, ValueError):
    """A version string that the ecosystem's rules cannot place in order.

    Callers report it (the component cannot be matched) rather than guess.
    """

    def __init__(self, ecosystem: str, version: object, reason: str = "") -> None:
        self.ecosystem = ecosystem
        self.version = version
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"not a valid {ecosystem} version: {version!r}{detail}")


def checked(ecosystem: str, version: object) -> str:
    """The version as a string of sane length, or InvalidVersion."""
    if not isinstance(version, str):
        raise InvalidVersion(ecosystem, version, "not a string")
    if len(version) > MAX_VERSION_LENGTH:
        raise InvalidVersion(ecosystem, version[:40] + "...", "too long")
    stripped = version.strip()
    if not stripped:
        raise InvalidVersion(ecosystem, version, "empty")
    return stripped
