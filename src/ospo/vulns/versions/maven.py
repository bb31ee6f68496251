"""Maven: the POM reference's "version order specification" (Maven's ComparableVersion).

Parsing: lower-cased; split at ``.`` and ``-`` and at every digit/non-digit transition (a
transition counts as ``-``); empty tokens are ``0``; ``cr`` is ``rc``; ``ga``, ``final`` and
``release`` are the empty qualifier; ``a``/``b``/``m`` directly followed by a digit are
alpha/beta/milestone. Trailing "null" tokens (``0``, ``""``) are trimmed from the end and
again before each remaining ``-``.

Ordering, token by token, padding the shorter version with nulls (against a number the null
is 0, against a qualifier it is the release qualifier "", as in ComparableVersion; OSV's
port instead compares it as an unknown qualifier "0", which puts ``1.0.SP1`` below ``1.0``
against Maven): for equal separators,
numbers compare numerically and above qualifiers; qualifiers order
alpha < beta < milestone < rc < snapshot < "" < sp < unknown (lexical among unknowns); across
separators ``.qualifier < -qualifier < -number < .number``.

The padding compares differently per separator, which makes the specified relation cyclic
on some inputs: ``2.0.beta < 2`` (beta is a pre-release), ``2 < 2-1`` (a ``-`` number is
above the padding), yet ``2-1 < 2.0.beta`` by separators at the second token. Real Maven
has such cycles too. A sort key must be a total order, so each token's key starts with the
"verdict" of the version's remainder from that token on against the padding (below, equal,
above), then the token's own rank. Two versions that differ first at a token compare by the
side of the padding their remainders fall on and, on the same side, by the token ranks as
specified. Comparisons against the padding (``1.0 > 1.0-rc1``, ``1.0 < 1.0-1``,
``5.4.0.CR1 < 5.4.0.Final``) are therefore always exact; only the cyclic triples are broken,
always in favour of the padding-consistent answer (``2.0.beta < 2-1``).
"""

from __future__ import annotations

import re

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked

ECOSYSTEM = "Maven"

_KNOWN = {"alpha": 0, "beta": 1, "milestone": 2, "rc": 3, "snapshot": 4, "": 5, "sp": 6}
_RELEASE_INDEX = 5
_UNKNOWN_INDEX = len(_KNOWN)
_ALIASES = {"cr": "rc", "ga": "", "final": "", "release": ""}
_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}
_PIECES = re.compile(r"[0-9]+|[^0-9]+")
_SEPARATED = re.compile(r"([.-])")

Token = tuple[str, str]  # (separator "." or "-", value); numbers are digit strings

#: Marks the end of a key: the padding itself, between the two verdicts.
END: tuple[int] = (0,)


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


def _rank(token: Token) -> tuple[int, int, str]:
    """Specified token order: .qualifier < -qualifier < -number < .number."""
    sep, value = token
    if _is_number(value):
        return (2 if sep == "-" else 3), int(value), ""
    known = _KNOWN.get(value)
    cls = 1 if sep == "-" else 0
    return (cls, known, "") if known is not None else (cls, _UNKNOWN_INDEX, value)


def _against_padding(token: Token) -> int:
    """-1, 0 or 1 as the token is below, equal to or above the padding null."""
    sep, value = token
    if _is_number(value):
        # '.0' equals the padding "0"; '-0' is a number above the padding "" of a '-'.
        return 0 if sep != "-" and int(value) == 0 else 1
    # Against a qualifier the padding is the release qualifier "" (as in Maven's
    # ComparableVersion, for both separators): above alpha..snapshot, below sp and unknowns.
    known = _KNOWN.get(value)
    index = _UNKNOWN_INDEX if known is None else known
    return (index > _RELEASE_INDEX) - (index < _RELEASE_INDEX)


def key_of(toks: list[Token]) -> SortKey:
    items: list[tuple[int, tuple[int, int, str]]] = []
    verdict = 0
    for token in reversed(toks):
        verdict = _against_padding(token) or verdict
        items.append((verdict, _rank(token)))
    items.reverse()
    return (*items, END)


def sort_key(version: str) -> SortKey:
    text = checked(ECOSYSTEM, version)
    if any(c.isspace() for c in text):
        raise InvalidVersion(ECOSYSTEM, version, "contains white space")
    return key_of(trim(tokens(text)))
