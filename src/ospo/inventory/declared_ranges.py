"""Whether a pinned version satisfies a declared range, for npm and PyPI, without univers.

The collector needs this only to break ties between several pins of one name, and on
small lockfiles importing univers (~40-50 ms) cost more than the whole inventory. The two
grammars met in practice are small: node-semver ranges for npm, and PEP 440 specifier sets
(plus Poetry's `^`, `~`, bare versions and `*`) for PyPI. `packaging.version` gives PEP 440
ordering cheaply; `packaging.specifiers` is avoided because its import alone is ~40 ms, and
because it judges a resolver's choice (pre-releases excluded by default) where we judge a
pin that a lockfile already holds.

`satisfies` answers None when it cannot judge (another ecosystem, or a range or version it
cannot parse) so the caller can fall back to something slower.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from packaging.version import InvalidVersion, Version

__all__ = ["satisfies"]


class _Unjudgeable(Exception):
    """The range or the version is outside the grammar we implement."""


def satisfies(ecosystem: str, version: str, declared: str) -> bool | None:
    """Whether `version` satisfies the `declared` range of `ecosystem`; None when unsure."""
    try:
        if ecosystem == "npm":
            return _npm_satisfies(version, declared)
        if ecosystem == "pypi":
            return _pypi_satisfies(version, declared)
    except _Unjudgeable:
        return None
    return None


# --- npm: node-semver ranges ---------------------------------------------------------------

_IDENT = r"[0-9A-Za-z-]+"
_DOTTED = rf"{_IDENT}(?:\.{_IDENT})*"
_XR = r"[xX*]|\d+"
_VERSION_RE = re.compile(rf"[v=\s]*(\d+)\.(\d+)\.(\d+)(?:-({_DOTTED}))?(?:\+{_DOTTED})?\s*")
_PARTIAL = rf"[v=\s]*({_XR})(?:\.({_XR})(?:\.({_XR})(?:-({_DOTTED}))?(?:\+{_DOTTED})?)?)?"
_HYPHEN_RE = re.compile(rf"\s*{_PARTIAL}\s+-\s+{_PARTIAL}\s*")
_TOKEN_RE = re.compile(rf"(~>?|\^|<=|>=|<|>|=)?{_PARTIAL}")
_OPERATOR_SPACE_RE = re.compile(r"(~>?|\^|<=|>=|<|>|=)\s+")


class _SemVer(NamedTuple):
    major: int
    minor: int
    patch: int
    pre: tuple[int | str, ...] = ()

    def key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        """Precedence per semver 2.0: a pre-release sorts before its release; numeric
        identifiers compare numerically and before alphanumeric ones; a shorter list of
        otherwise equal identifiers sorts first (plain tuple comparison gives that)."""
        pre = tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)


_Comparator = tuple[str, _SemVer]
_Partial = tuple[int | None, int | None, int | None, tuple[int | str, ...]]


def _pre(text: str | None) -> tuple[int | str, ...]:
    if not text:
        return ()
    return tuple(int(part) if part.isdigit() else part for part in text.split("."))


def _npm_version(text: str) -> _SemVer:
    match = _VERSION_RE.fullmatch(text)
    if not match:
        raise _Unjudgeable(text)
    return _SemVer(int(match[1]), int(match[2]), int(match[3]), _pre(match[4]))


def _partial(groups: tuple[str | None, ...]) -> _Partial:
    """(major, minor, patch, pre) with None for a wildcard or missing part. A number after
    a wildcard (`1.x.3`) is an invalid comparator to node-semver, so we do not judge it."""
    numbers: list[int | None] = []
    for part in groups[:3]:
        if part is None or part in ("x", "X", "*"):
            numbers.append(None)
        elif numbers and numbers[-1] is None:
            raise _Unjudgeable(part)
        else:
            numbers.append(int(part))
    pre = _pre(groups[3]) if numbers[2] is not None else ()
    return numbers[0], numbers[1], numbers[2], pre


def _npm_satisfies(version: str, declared: str) -> bool:
    pin = _npm_version(version)
    return any(_npm_set_allows(comparators, pin) for comparators in _npm_range(declared))


def _npm_range(declared: str) -> list[list[_Comparator]]:
    return [_npm_comparator_set(alternative.strip()) for alternative in re.split(r"\s*\|\|\s*", declared.strip())]


def _npm_comparator_set(text: str) -> list[_Comparator]:
    """One `||` alternative desugared into plain comparators, as node-semver does; an
    empty list is node-semver's ANY (`*`, `x`, ``)."""
    hyphen = _HYPHEN_RE.fullmatch(text)
    if hyphen:
        groups = hyphen.groups()
        return _hyphen(_partial(groups[:4]), _partial(groups[4:]))
    comparators: list[_Comparator] = []
    for token in _OPERATOR_SPACE_RE.sub(r"\1", text).split():
        match = _TOKEN_RE.fullmatch(token)
        if not match:
            raise _Unjudgeable(token)
        comparators.extend(_desugar(match[1] or "", _partial(match.groups()[1:])))
    return comparators


def _hyphen(low: _Partial, high: _Partial) -> list[_Comparator]:
    out: list[_Comparator] = []
    major, minor, patch, pre = low
    if major is not None:
        out.append((">=", _SemVer(major, minor or 0, patch or 0, pre)))
    major, minor, patch, pre = high
    if major is None:
        pass
    elif minor is None:
        out.append(("<", _SemVer(major + 1, 0, 0, (0,))))
    elif patch is None:
        out.append(("<", _SemVer(major, minor + 1, 0, (0,))))
    else:
        out.append(("<=", _SemVer(major, minor, patch, pre)))
    return out


def _desugar(operator: str, partial: _Partial) -> list[_Comparator]:
    major, minor, patch, pre = partial
    if major is None:
        # `*`, `>=*`, `~*`, `^*` allow everything; `>*` and `<*` allow nothing.
        return [("<", _SemVer(0, 0, 0, (0,)))] if operator in ("<", ">") else []
    if operator in ("~", "~>"):
        low = _SemVer(major, minor or 0, patch or 0, pre)
        high = _SemVer(major + 1, 0, 0, (0,)) if minor is None else _SemVer(major, minor + 1, 0, (0,))
        return [(">=", low), ("<", high)]
    if operator == "^":
        low = _SemVer(major, minor or 0, patch or 0, pre)
        if minor is None or major:
            high = _SemVer(major + 1, 0, 0, (0,))
        elif patch is None or minor:
            high = _SemVer(0, minor + 1, 0, (0,))
        else:
            high = _SemVer(0, 0, patch + 1, (0,))
        return [(">=", low), ("<", high)]
    if patch is not None and minor is not None:
        return [(operator or "=", _SemVer(major, minor, patch, pre))]
    # An x-range: a partial version with or without a comparison operator.
    if operator in ("", "="):
        if minor is None:
            return [(">=", _SemVer(major, 0, 0)), ("<", _SemVer(major + 1, 0, 0, (0,)))]
        return [(">=", _SemVer(major, minor, 0)), ("<", _SemVer(major, minor + 1, 0, (0,)))]
    bumped = _SemVer(major + 1, 0, 0) if minor is None else _SemVer(major, minor + 1, 0)
    if operator == ">":
        return [(">=", bumped)]
    if operator == "<=":
        return [("<", bumped._replace(pre=(0,)))]
    if operator == "<":
        return [("<", _SemVer(major, minor or 0, 0, (0,)))]
    return [(">=", _SemVer(major, minor or 0, 0))]  # ">="


_TESTS: dict[str, Callable[[tuple[object, ...], tuple[object, ...]], bool]] = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _npm_set_allows(comparators: list[_Comparator], pin: _SemVer) -> bool:
    """node-semver's rule: every comparator must hold, and a pre-release pin is allowed
    only when some comparator carries a pre-release of the same major.minor.patch (so
    `^1.2.3` does not admit `1.5.0-beta`, while `>=1.2.3-beta` admits `1.2.3-rc`)."""
    key = pin.key()
    if not all(_TESTS[op](key, bound.key()) for op, bound in comparators):
        return False
    if not pin.pre:
        return True
    return any(bound.pre and bound[:3] == pin[:3] for _, bound in comparators)


# --- PyPI: PEP 440 specifier sets and Poetry constraints -----------------------------------

_PEP440_CLAUSE_RE = re.compile(r"\s*(===|~=|==|!=|<=|>=|<|>|\^|~|=)?\s*([^\s,|]+)")
_PREFIX_RE = re.compile(r"v?(?:(\d+)!)?(\d+(?:\.\d+)*)\.\*", re.IGNORECASE)


def _pypi_version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion as exc:
        raise _Unjudgeable(text) from exc


def _pypi_satisfies(version: str, declared: str) -> bool:
    try:
        pin: Version | None = Version(version)
    except InvalidVersion:
        pin = None  # only `===` (plain string equality) can judge such a pin
    alternatives = re.split(r"\|\|?", declared)
    results = [_pypi_all(version, pin, alternative) for alternative in alternatives]
    return any(results)


def _pypi_all(raw: str, pin: Version | None, text: str) -> bool:
    """Every clause of one alternative; commas and (as Poetry allows) spaces both mean AND."""
    clauses: list[tuple[str, str]] = []
    for part in text.split(","):
        if not part.strip():
            if len(text.split(",")) > 1:
                raise _Unjudgeable(text)  # a stray comma: PEP 440 rejects it, so do we
            continue
        position = 0
        while position < len(part.rstrip()):
            match = _PEP440_CLAUSE_RE.match(part, position)
            if not match:
                raise _Unjudgeable(part)
            clauses.append((match[1] or "", match[2]))
            position = match.end()
    results = [_pypi_clause(raw, pin, operator, spec) for operator, spec in clauses]
    return all(results)


def _pypi_clause(raw: str, pin: Version | None, operator: str, spec: str) -> bool:
    if operator == "===":
        return raw.strip().lower() == spec.lower()
    if pin is None:
        raise _Unjudgeable(raw)
    if spec == "*" and not operator:
        return True
    prefix = _PREFIX_RE.fullmatch(spec)
    if prefix:
        if operator not in ("", "=", "==", "!="):
            raise _Unjudgeable(spec)
        matched = _prefix_matches(pin, int(prefix[1] or 0), tuple(int(n) for n in prefix[2].split(".")))
        return not matched if operator == "!=" else matched
    bound = _pypi_version(spec)
    public = Version(pin.public)
    if operator in ("", "=", "=="):
        return (pin if bound.local is not None else public) == bound
    if operator == "!=":
        return (pin if bound.local is not None else public) != bound
    if operator == "<=":
        return public <= bound
    if operator == ">=":
        return public >= bound
    if operator == "<":
        return _below(pin, bound)
    if operator == ">":
        return _above(pin, bound)
    if operator == "~=":
        if len(bound.release) < 2:
            raise _Unjudgeable(spec)
        return public >= bound and _prefix_matches(pin, bound.epoch, bound.release[:-1])
    # Poetry: `^` bumps the first non-zero part given (the last given when all are zero),
    # `~` bumps the minor (the major when only a major is given).
    release = bound.release
    high: tuple[int, ...]
    if operator == "^":
        if release[0] or len(release) == 1:
            high = (release[0] + 1,)
        elif len(release) == 2 or release[1]:
            high = (0, release[1] + 1)
        else:
            high = (0, 0, release[2] + 1)
    else:
        high = (release[0] + 1,) if len(release) == 1 else (release[0], release[1] + 1)
    upper = Version(f"{bound.epoch}!" + ".".join(str(n) for n in high))
    return public >= bound and _below(pin, upper)


def _prefix_matches(pin: Version, epoch: int, release: tuple[int, ...]) -> bool:
    """PEP 440 prefix matching (`==1.2.*`): the pin's release, zero-padded, starts with the
    prefix; its pre, post, dev and local parts do not matter."""
    padded = pin.release + (0,) * max(0, len(release) - len(pin.release))
    return pin.epoch == epoch and padded[: len(release)] == release


def _below(pin: Version, bound: Version) -> bool:
    """PEP 440 `<`: below a final (or post) bound means below its earliest pre-release, so
    `<2.0` does not admit `2.0rc1` (packaging reads it the same way)."""
    return pin < (bound if bound.is_prerelease else Version(f"{bound.public}.dev0"))


def _above(pin: Version, bound: Version) -> bool:
    """PEP 440 `>`: `>V` does not admit V's post-releases or local versions unless V is
    itself a post (or dev) release, whose successors are plain successors."""
    if not Version(pin.public) > bound:
        return False
    if bound.dev is not None or bound.post is not None:
        return True
    return (pin.epoch, _trimmed(pin.release), pin.pre) != (bound.epoch, _trimmed(bound.release), bound.pre)


def _trimmed(release: tuple[int, ...]) -> tuple[int, ...]:
    end = len(release)
    while end > 1 and release[end - 1] == 0:
        end -= 1
    return release[:end]
