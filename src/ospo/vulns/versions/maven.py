"""Maven: the POM reference's "version order specification" (Maven's ComparableVersion).

Parsing: lower-cased; split at ``.`` and ``-`` and at every digit/non-digit transition (a
transition counts as ``-``); empty tokens are ``0``; ``cr`` is ``rc``; ``ga``, ``final`` and
``release`` are the empty qualifier; ``a``/``b``/``m`` directly followed by a digit are
alpha/beta/milestone. Trailing "null" tokens (``0``, ``""``) are trimmed from the end and
again before each remaining ``-``.

Ordering, token by token, padding the shorter version with nulls: for equal separators,
numbers compare numerically and above qualifiers; qualifiers order
alpha < beta < milestone < rc < snapshot < "" < sp < unknown (lexical among unknowns); across
separators ``.qualifier < -qualifier < -number < .number``.

The padding null compares differently per separator, which makes the specified relation
cyclic on contrived inputs (``1 < 1.foo``, ``1.foo < 1-alpha`` by separator, yet
``1-alpha < 1``). A sort key must be a total order, so we keep every comparison against the
padding (the ones real version lists exercise: ``1.0 > 1.0-rc1``, ``1.0 < 1.0.jre``) and
give up exactly one specified relation: a dot-separated unknown qualifier sorts above a
dash-separated known qualifier or ``-ga`` at the same position (the spec says below).
"""

from __future__ import annotations

import re

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked

ECOSYSTEM = "Maven"

_KNOWN = {"alpha": 0, "beta": 1, "milestone": 2, "rc": 3, "snapshot": 4, "": 5, "sp": 6}
_RELEASE_INDEX = 5
_ALIASES = {"cr": "rc", "ga": "", "final": "", "release": ""}
_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}
_PIECES = re.compile(r"[0-9]+|[^0-9]+")
_SEPARATED = re.compile(r"([.-])")

Token = tuple[str, str]  # (separator "." or "-", value); numbers are digit strings

#: Marks the end of a key: stands for the infinite run of padding nulls.
END: tuple[int] = (1,)


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    pieces = _SEPARATED.split(text.lower())
    for index in range(0, len(pieces), 2):
        piece = pieces[index]
        sep = "." if index == 0 else pieces[index - 1]
        parts = _PIECES.findall(piece) or [""]
        for j, part in enumerate(parts):
            value = part or "0"
            value = _ALIASES.get(value, value)
            if j + 1 < len(parts) and value in _SHORT:
                value = _SHORT[value]
            if _is_number(value):
                value = str(int(value))
            out.append((sep if j == 0 else "-", value))
    return out


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _is_null(token: Token) -> bool:
    return token[1] in ("0", "")


def trim(toks: list[Token]) -> list[Token]:
    """Drop trailing nulls, then the nulls before each remaining '-', from the end."""
    i = len(toks) - 1
    while i > 0:
        if _is_null(toks[i]):
            del toks[i]
            i -= 1
            continue
        while i >= 0 and toks[i][0] != "-":
            i -= 1
        i -= 1
    return toks


def _classify(token: Token) -> tuple[int, tuple[int, int, str]]:
    """(-1 below the padding null, 0 equal to it, 1 above it) and the rank within."""
    sep, value = token
    if _is_number(value):
        n = int(value)
        if sep == "-":
            return 1, (3, n, "")
        return (0, (0, 0, "")) if n == 0 else (1, (4, n, ""))
    known = _KNOWN.get(value)
    if sep == ".":
        if known is not None:
            return -1, (0, known, "")
        # Against the padding "0", an unknown qualifier compares lexically.
        return (-1, (1, 0, value)) if value < "0" else (1, (0, 0, value))
    if known is None:
        return 1, (2, 0, value)
    if known < _RELEASE_INDEX:
        return -1, (2, known, "")
    if known == _RELEASE_INDEX:
        return 0, (0, 0, "")
    return 1, (1, 0, "")


def key_of(toks: list[Token]) -> SortKey:
    items: list[tuple[int, int, tuple[int, int, str]]] = []
    nulls = 0
    for token in toks:
        side, rank = _classify(token)
        if side == 0:
            nulls += 1
            continue
        items.append((0, nulls, rank) if side < 0 else (2, -nulls, rank))
        nulls = 0
    return (*items, END)


def sort_key(version: str) -> SortKey:
    text = checked(ECOSYSTEM, version)
    if any(c.isspace() for c in text):
        raise InvalidVersion(ECOSYSTEM, version, "contains white space")
    return key_of(trim(tokens(text)))
