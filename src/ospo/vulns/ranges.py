"""Does an OSV ``affected[]`` entry cover a version? The OSV schema's evaluation, compiled.

The schema defines, per range of type ECOSYSTEM or SEMVER, with events sorted by version::

    vulnerable = False
    for event in sorted(events):
        if introduced and (introduced == "0" or v >= introduced): vulnerable = True
        elif fixed and v >= fixed: vulnerable = False
        elif last_affected and v > last_affected: vulnerable = False

and a version is affected if any range says so (ranges are OR-ed) or if it is listed in
``versions``. ``limit`` events cap a range: a version must also be below one of them
(``*`` meaning no cap). The sort is stable, as in osv.dev's own enumeration of affected
versions: events at the same version keep their order in the advisory, so
``fixed: 3.1.1, introduced: 3.1.1`` (two adjacent intervals) covers 3.1.1 while
``introduced: X, fixed: X`` is empty. With a stable sort this loop selects exactly the
versions osv.dev's pairing of events into [introduced, fixed) intervals selects.

Both range types are evaluated with the ecosystem's own order (``versions.sort_key``), so
one key per component serves every range: for npm, crates.io, Go, Hex and Pub that order is
SemVer, and elsewhere SEMVER event versions are valid versions of the ecosystem too. (For an
ecosystem without an exact order here the generic order is an approximation of SemVer.)

Because the loop's outcome only depends on where ``v`` falls among the event versions, an
entry compiles once into its breakpoints (the distinct event keys, sorted) and the answer
for each point and each gap between them; ``contains`` is then one bisection. That is what
lets a whole inventory be matched against a database in well under a second.

GIT ranges name commits, not versions, so they cannot be evaluated on a version: they are
returned by ``unsupported_ranges`` for the caller to report instead of being dropped.
Malformed events (not an object, a non-string value, a version the ecosystem cannot order)
never raise: they are skipped and described in ``CompiledAffected.problems``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ospo.vulns.versions import InvalidVersion, SortKey, canonical_ecosystem, key_function

__all__ = [
    "CompiledAffected",
    "compile_affected",
    "fixed_versions",
    "in_ranges",
    "is_affected",
    "smallest_clearing_upgrade",
    "unsupported_ranges",
]

EVALUABLE_TYPES = frozenset({"ECOSYSTEM", "SEMVER"})
_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
_MINUS_INFINITY = -1  # breakpoint index standing for introduced "0"
_PLUS_INFINITY = -2  # breakpoint index standing for limit "*"


@dataclass(frozen=True)
class _Event:
    kind: str
    point: int  # index into the breakpoints, or one of the infinities
    seq: int  # position in the advisory: the tie-breaker of the stable sort


@dataclass(frozen=True)
class CompiledAffected:
    """One ``affected[]`` entry, ready for fast repeated matching in one ecosystem.

    ``points`` are the sorted distinct keys of the event versions and of the listed
    ``versions``. For a version equal to ``points[i]``, ``at_point[i]`` says whether it is
    affected (listed or in a range) and ``in_range_at_point[i]`` whether the ranges alone
    say so; ``in_gap[i]`` says whether a version strictly between ``points[i-1]`` and
    ``points[i]`` is (``in_gap[-1]``: above the last point). Either question is one
    bisection, with no hashing of the key.
    """

    ecosystem: str
    points: tuple[SortKey, ...]
    at_point: tuple[bool, ...]
    in_range_at_point: tuple[bool, ...]
    in_gap: tuple[bool, ...]
    listed_keys: tuple[SortKey, ...]  # sorted, distinct
    listed_strings: frozenset[str]
    unsupported: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    has_ranges: bool = field(default=False)

    def contains(self, key: SortKey) -> bool:
        """Affected: listed in ``versions`` or inside an evaluable range."""
        points = self.points
        i = bisect_left(points, key)
        if i < len(points) and points[i] == key:
            return self.at_point[i]
        return self.in_gap[i]

    def in_ranges(self, key: SortKey) -> bool:
        """Affected according to the evaluable ranges alone (ignoring ``versions``)."""
        points = self.points
        i = bisect_left(points, key)
        if i < len(points) and points[i] == key:
            return self.in_range_at_point[i]
        return self.in_gap[i]

    def contains_version(self, version: str) -> bool:
        """Like ``contains`` for a version string; an unorderable one matches only if listed.

        Raises InvalidVersion when the version can neither be ordered nor found listed.
        """
        if version in self.listed_strings:
            return True
        return self.contains(key_function(self.ecosystem)(version))


def _as_sequence(value: object) -> Sequence[Any]:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return value
    return ()


def _evaluable(rng: object) -> bool:
    return isinstance(rng, Mapping) and isinstance(rng.get("type"), str) and rng["type"] in EVALUABLE_TYPES


def _ranges(affected: object) -> Sequence[Any]:
    return _as_sequence(affected.get("ranges")) if isinstance(affected, Mapping) else ()


def _describe(rng: Mapping[str, Any]) -> str:
    kind = rng.get("type")
    repo = rng.get("repo")
    events: list[str] = []
    for event in _as_sequence(rng.get("events")):
        if isinstance(event, Mapping):
            events.extend(f"{k} {v}" for k, v in event.items() if k in _EVENT_KINDS)
    where = f" on {repo}" if isinstance(repo, str) else ""
    return f"{kind} range{where} ({', '.join(map(str, events)) or 'no events'})"


def unsupported_ranges(affected: Mapping[str, Any]) -> list[str]:
    """Descriptions of the ranges that cannot be evaluated on a version (GIT, unknown types).

    Callers report them (e.g. "advisory X has a GIT range we cannot check") rather than
    treat the package as unaffected without saying so.
    """
    out = []
    for index, rng in enumerate(_ranges(affected)):
        if not isinstance(rng, Mapping):
            out.append(f"range {index}: not an object")
        elif not _evaluable(rng):
            out.append(_describe(rng))
    return out


def _range_events(rng: Mapping[str, Any]) -> Iterable[tuple[str, object]]:
    for event in _as_sequence(rng.get("events")):
        if isinstance(event, Mapping):
            for kind in _EVENT_KINDS:
                if kind in event:
                    yield kind, event[kind]
        else:
            yield "", event


def compile_affected(ecosystem: str, affected: Mapping[str, Any]) -> CompiledAffected:
    """Compile one ``affected[]`` entry for ``ecosystem``; never raises on malformed input."""
    name = canonical_ecosystem(ecosystem)
    key_of = key_function(name)
    problems: list[str] = []

    def key_or_none(value: object, what: str) -> SortKey | None:
        if not isinstance(value, str):
            problems.append(f"{what}: not a string: {value!r:.60}")
            return None
        try:
            return key_of(value)
        except InvalidVersion as error:
            problems.append(f"{what}: {error}")
            return None

    # Collect each evaluable range's events as (kind, key or infinity marker).
    raw_ranges: list[list[tuple[str, SortKey | int]]] = []
    for index, rng in enumerate(_ranges(affected)):
        if not _evaluable(rng):
            continue
        events: list[tuple[str, SortKey | int]] = []
        for kind, value in _range_events(rng):
            if not kind:
                problems.append(f"range {index}: event is not an object: {value!r:.60}")
            elif kind == "introduced" and value == "0":
                events.append((kind, _MINUS_INFINITY))
            elif kind == "limit" and value == "*":
                events.append((kind, _PLUS_INFINITY))
            else:
                key = key_or_none(value, f"range {index} {kind}")
                if key is not None:
                    events.append((kind, key))
        raw_ranges.append(events)

    listed: list[SortKey] = []
    listed_strings: set[str] = set()
    versions = affected.get("versions") if isinstance(affected, Mapping) else None
    for value in _as_sequence(versions):
        if isinstance(value, str):
            listed_strings.add(value)
            key = key_or_none(value, "versions")
            if key is not None:
                listed.append(key)
        else:
            problems.append(f"versions: not a string: {value!r:.60}")

    # Keys are only ever sorted and bisected, never hashed: some (univers-backed) keys hash
    # to a constant, and hashing nested tuples costs more than comparing them.
    event_points = _unique_sorted([k for events in raw_ranges for _, k in events if isinstance(k, tuple)])
    ranges = [
        sorted(
            (
                _Event(kind, k if isinstance(k, int) else bisect_left(event_points, k), seq)
                for seq, (kind, k) in enumerate(events)
            ),
            key=_event_order,
        )
        for events in raw_ranges
    ]
    # The ranges' answer at each event point and in each gap between event points...
    event_at = [any(_evaluate(r, i, exact=True) for r in ranges) for i in range(len(event_points))]
    event_gap = [any(_evaluate(r, i, exact=False) for r in ranges) for i in range(len(event_points) + 1)]
    # ...carried over to the finer points that include the listed versions.
    listed_keys = _unique_sorted(listed)
    points = _unique_sorted(event_points + listed_keys)
    in_range_at_point: list[bool] = []
    in_gap: list[bool] = []
    at_point: list[bool] = []
    for point in points:
        j = bisect_left(event_points, point)
        on_event = j < len(event_points) and event_points[j] == point
        in_range_at_point.append(event_at[j] if on_event else event_gap[j])
        in_gap.append(event_gap[j])
        k = bisect_left(listed_keys, point)
        at_point.append(in_range_at_point[-1] or (k < len(listed_keys) and listed_keys[k] == point))
    in_gap.append(event_gap[-1])
    return CompiledAffected(
        ecosystem=name,
        points=tuple(points),
        at_point=tuple(at_point),
        in_range_at_point=tuple(in_range_at_point),
        in_gap=tuple(in_gap),
        listed_keys=tuple(listed_keys),
        listed_strings=frozenset(listed_strings),
        unsupported=tuple(unsupported_ranges(affected)),
        problems=tuple(problems),
        has_ranges=bool(raw_ranges),
    )


def _unique_sorted(keys: list[SortKey]) -> list[SortKey]:
    out: list[SortKey] = []
    for key in sorted(keys):
        if not out or out[-1] != key:
            out.append(key)
    return out


def _event_order(event: _Event) -> tuple[int, int]:
    """Stable sort by version: "0" first, "*" last, ties in advisory order."""
    position = {_MINUS_INFINITY: -1, _PLUS_INFINITY: 1 << 30}.get(event.point, event.point)
    return position, event.seq


def _evaluate(events: list[_Event], where: int, exact: bool) -> bool:
    """The schema's loop over sorted events for a version at breakpoint ``where`` (exact) or
    just below it.

    "Just below breakpoint i" is the gap between points i-1 and i, so there ``v >= p_j`` and
    ``v > p_j`` both hold exactly for j < i; at point i, ``v >= p_j`` holds for j <= i.
    """

    def at_or_above(j: int) -> bool:  # v >= p_j
        return j == _MINUS_INFINITY or (j != _PLUS_INFINITY and (j <= where if exact else j < where))

    def above(j: int) -> bool:  # v > p_j
        return j == _MINUS_INFINITY or (j != _PLUS_INFINITY and j < where)

    vulnerable = False
    limits = []
    for event in events:
        if event.kind == "introduced":
            if at_or_above(event.point):
                vulnerable = True
        elif event.kind == "fixed":
            if at_or_above(event.point):
                vulnerable = False
        elif event.kind == "last_affected":
            if above(event.point):
                vulnerable = False
        else:
            limits.append(event.point)
    if vulnerable and limits:
        # Below some limit: v < p_j, i.e. not (v >= p_j); "*" is no limit at all.
        vulnerable = any(j == _PLUS_INFINITY or not at_or_above(j) for j in limits)
    return vulnerable


def in_ranges(ecosystem: str, version: str, affected: Mapping[str, Any]) -> bool:
    """Affected according to the evaluable ranges alone; raises InvalidVersion for ``version``."""
    return compile_affected(ecosystem, affected).in_ranges(key_function(ecosystem)(version))


def is_affected(ecosystem: str, version: str, affected: Mapping[str, Any]) -> bool:
    """True if ``version`` is in ``affected['versions']`` or inside one of its ranges.

    Malformed events are skipped (see ``compile_affected(...).problems``); GIT ranges are not
    evaluated (see ``unsupported_ranges``). Raises InvalidVersion only when ``version`` can be
    neither ordered in ``ecosystem`` nor found in the ``versions`` list.
    """
    return compile_affected(ecosystem, affected).contains_version(version)


def fixed_versions(ecosystem: str, affected: Mapping[str, Any]) -> list[str]:
    """The ``fixed`` versions of the evaluable ranges, oldest first, without duplicates."""
    key_of = key_function(ecosystem)
    found: dict[SortKey, str] = {}
    for rng in _ranges(affected):
        if not _evaluable(rng):
            continue
        for kind, value in _range_events(rng):
            if kind == "fixed" and isinstance(value, str):
                try:
                    found.setdefault(key_of(value), value)
                except InvalidVersion:
                    continue
    return [found[k] for k in sorted(found)]


def smallest_clearing_upgrade(ecosystem: str, version: str, affected_list: Iterable[Mapping[str, Any]]) -> str | None:
    """The smallest fixed version above ``version`` that none of the entries affects.

    Candidates are every entry's fixed versions; each is checked against all entries, since
    the fix of one advisory may still be inside another's range. None if no candidate clears
    them all (or ``version`` cannot be ordered).
    """
    key_of = key_function(ecosystem)
    try:
        current = key_of(version)
    except InvalidVersion:
        return None
    entries = list(affected_list)
    compiled = [compile_affected(ecosystem, a) for a in entries]
    candidates: dict[SortKey, str] = {}
    for entry in entries:
        for fixed in fixed_versions(ecosystem, entry):
            key = key_of(fixed)
            if key > current:
                candidates.setdefault(key, fixed)
    for key in sorted(candidates):
        if not any(c.contains(key) for c in compiled):
            return candidates[key]
    return None
