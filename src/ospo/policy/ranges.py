"""Version constraints in the policy file: `<2.17.1`, `>=1.0, <2`, `=3.3.6`, `a || b`.

The ordering itself is passed in (`compare`), so the policy stays independent of any one
ecosystem's version rules; the scan hands it the per-ecosystem comparator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ospo.model import OspoError

Compare = Callable[[str, str], int]

_CONSTRAINT = re.compile(r"^\s*(<=|>=|==|!=|<|>|=)?\s*([0-9A-Za-z][^\s<>=!,|]*)\s*$")


class RangeError(OspoError):
    pass


@dataclass(frozen=True)
class Constraint:
    op: str
    version: str

    def holds(self, version: str, compare: Compare) -> bool:
        c = compare(version, self.version)
        return {
            "<": c < 0,
            "<=": c <= 0,
            ">": c > 0,
            ">=": c >= 0,
            "=": c == 0,
            "!=": c != 0,
        }[self.op]


VersionRange = tuple[tuple[Constraint, ...], ...]  # OR of ANDs


def parse_range(text: str) -> VersionRange:
    text = text.strip()
    if text in ("", "*"):
        return ((),)
    groups: list[tuple[Constraint, ...]] = []
    for group in text.split("||"):
        parts = [p for p in re.split(r",|\s+(?=[<>=!])", group) if p.strip()]
        if not parts:
            raise RangeError(f"empty alternative in {text!r}")
        constraints = []
        for part in parts:
            m = _CONSTRAINT.match(part)
            if not m:
                raise RangeError(f"cannot read version constraint {part.strip()!r}")
            op = m.group(1) or "="
            constraints.append(Constraint("=" if op == "==" else op, m.group(2)))
        groups.append(tuple(constraints))
    return tuple(groups)


def in_range(version: str, spec: VersionRange, compare: Compare) -> bool:
    return any(all(c.holds(version, compare) for c in group) for group in spec)


_NUM = re.compile(r"(\d+)")


def natural_compare(a: str, b: str) -> int:
    """A fallback ordering: numbers compare as numbers, a pre-release tag sorts first."""

    def key(v: str) -> tuple[tuple[int, int | str], ...]:
        v = v.lstrip("vV=")
        main, _, pre = v.partition("-")
        parts: list[tuple[int, int | str]] = [
            (1, int(p)) if p.isdigit() else (0, p) for p in _NUM.split(main) if p not in ("", ".")
        ]
        parts.append((2, 0) if not pre else (-1, pre))
        return tuple(parts)

    ka, kb = key(a), key(b)
    return (ka > kb) - (ka < kb)
