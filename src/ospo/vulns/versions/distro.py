"""Linux distributions' package versions, ordered by ``univers``.

rpm (Red Hat family, SUSE, Mageia, openEuler) and apk (Alpine, Wolfi, Chainguard) orderings
are intricate and ``univers`` implements them from the reference code (measured right on our
table and total under the property tests, bench/vulns/versions.md; its dpkg order is not,
hence dpkg.py); we wrap its objects so they behave
like every other key: one-element tuples, totally ordered, hashable.
"""

from __future__ import annotations

from functools import total_ordering

from univers import versions as uv

from ospo.vulns.versions.base import InvalidVersion, KeyFunction, SortKey, checked


@total_ordering
class _Ordered:
    """A univers version with ordering and equality delegated to it.

    Some univers classes define ``__eq__`` without ``__hash__``; equal versions can be
    spelled differently (``1.0-1`` and ``1.00-1``), so no string hash is safe. A constant
    hash is correct for any equality and only makes hashing these keys slower, which the
    small ``versions`` sets of distribution advisories do not notice.
    """

    __slots__ = ("version",)

    def __init__(self, version: uv.Version) -> None:
        self.version = version

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Ordered) and bool(self.version == other.version)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, _Ordered):
            return NotImplemented
        return bool(self.version < other.version)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"_Ordered({self.version.string!r})"


def _wrap(ecosystem: str, cls: type[uv.Version]) -> KeyFunction:
    def sort_key(version: str) -> SortKey:
        text = checked(ecosystem, version)
        try:
            return (_Ordered(cls(text)),)
        except Exception as error:  # univers raises a variety of errors on bad input
            raise InvalidVersion(ecosystem, version, str(error)[:80]) from None

    return sort_key


rpm_key = _wrap("RPM", uv.RpmVersion)
alpine_key = _wrap("Alpine", uv.AlpineLinuxVersion)
