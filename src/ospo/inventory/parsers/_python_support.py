"""What the Python parsers share: PEP 508 requirement splitting, scopes, TOML, line lookup.

The requirement splitter is a small regular-expression reader rather than
`packaging.requirements.Requirement`: lockfiles hold tens of thousands of requirement
strings and the full grammar costs ~100 µs each, while all an inventory needs is the name,
the extras, the specifier text, a URL and the marker text, kept verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ospo.inventory.purls import make_purl
from ospo.model import Hash, Scope

ECOSYSTEM = "pypi"

# PEP 508 names: letters/digits, inner '.', '-', '_'.
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_NAME_RE = re.compile(rf"^{_NAME}$")
_REQ_RE = re.compile(rf"^\s*({_NAME})\s*(?:\[([^\]]*)\])?\s*(.*)$", re.DOTALL)
_EXTRA_MARKER_RE = re.compile(r"""\bextra\s*==\s*(['"])([^'"]*)\1""")

_TEST_WORDS = ("test", "tests", "testing", "pytest", "tox", "coverage", "e2e", "integration")
_DEV_WORDS = (
    "dev",
    "develop",
    "development",
    "lint",
    "linting",
    "docs",
    "doc",
    "documentation",
    "typing",
    "types",
    "mypy",
    "format",
    "style",
    "build",
    "release",
    "ci",
    "bench",
    "benchmark",
    "benchmarks",
    "tools",
    "qa",
    "check",
    "checks",
    "pre-commit",
    "debug",
    "profiling",
    "notebook",
    "examples",
)


def normalize_name(name: str) -> str:
    """PEP 503 normalised project name: lower case, runs of '-', '_', '.' become '-'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_valid_name(name: str) -> bool:
    return bool(_NAME_RE.match(name))


@lru_cache(maxsize=65536)
def pypi_purl(name: str, version: str | None = None) -> str:
    """purl of a PyPI name (and version); cached: installed metadata names the same few
    hundred dependencies over and over."""
    return make_purl(ECOSYSTEM, normalize_name(name), version)


@dataclass(frozen=True)
class Requirement:
    """One PEP 508 requirement, split but not interpreted."""

    name: str
    extras: tuple[str, ...]
    specifier: str
    url: str | None
    marker: str | None

    @property
    def marker_extras(self) -> tuple[str, ...]:
        """The extras a marker conditions this requirement on (`extra == "socks"`)."""
        if not self.marker:
            return ()
        return tuple(m.group(2) for m in _EXTRA_MARKER_RE.finditer(self.marker))

    @property
    def pinned_version(self) -> str | None:
        """The version when the specifier is a single exact pin (`==1.2`, `===1.2`)."""
        spec = self.specifier.strip()
        if spec.startswith("===") and "," not in spec:
            version = spec[3:].strip()
        elif spec.startswith("==") and "," not in spec:
            version = spec[2:].strip()
            if "*" in version:
                return None
        else:
            return None
        return version if version and " " not in version else None


def split_requirement(text: str) -> Requirement | None:
    """Split a PEP 508 string; None when it does not start with a valid name."""
    m = _REQ_RE.match(text)
    if m is None:
        return None
    name, extras_text, rest = m.group(1), m.group(2), m.group(3).strip()
    extras = tuple(e.strip() for e in (extras_text or "").split(",") if e.strip())
    url: str | None = None
    marker: str | None = None
    if rest.startswith("@"):
        rest = rest[1:].strip()
        # A marker after a URL needs whitespace before ';' (PEP 508).
        url_part, sep, marker_part = rest.partition(" ;")
        if not sep:
            url_part, sep, marker_part = rest.partition("\t;")
        url = url_part.strip() or None
        marker = marker_part.strip() or None
        spec = ""
    else:
        spec, _, marker_part = rest.partition(";")
        marker = marker_part.strip() or None
        spec = spec.strip()
        if spec.startswith("(") and spec.endswith(")"):
            spec = spec[1:-1].strip()
        if spec and spec[0] not in "<>=!~(":
            return None
    return Requirement(name, extras, spec, url, marker)


def scope_for_group(group: str) -> Scope:
    """Scope of a named dependency group: test-like names are TEST, the rest DEV."""
    words = re.split(r"[-_.\s]+", group.lower())
    if any(w in _TEST_WORDS for w in words):
        return Scope.TEST
    return Scope.DEV


def looks_like_dev_group(group: str) -> bool:
    """Whether a group name reads as a development group (for formats that mix extras in)."""
    words = re.split(r"[-_.\s]+", group.lower())
    return any(w in _TEST_WORDS or w in _DEV_WORDS for w in words)


def table(value: object) -> dict[str, Any]:
    """`value` if it is a table, else an empty one: lockfiles from the wild may be odd."""
    return value if isinstance(value, dict) else {}


def array(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def array_of_tables_lines(text: str, header: str) -> list[int]:
    """1-based line numbers of each `[[header]]` line, in order (tomllib has no positions)."""
    lines: list[int] = []
    target = f"[[{header}]]"
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == target:
            lines.append(number)
    return lines


class LineFinder:
    """Finds the first line holding a string, for manifests where tomllib gives no lines."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def find(self, needle: str, start: int = 1) -> int | None:
        if not needle:
            return None
        for index in range(max(start - 1, 0), len(self._lines)):
            if needle in self._lines[index]:
                return index + 1
        return None


_HEX = re.compile(r"[0-9a-f]+")


def parse_hash(text: str) -> tuple[str, str] | None:
    """`sha256:abc...` -> ('sha256', 'abc...'), lower case; None when it is not that shape."""
    alg, sep, value = text.strip().partition(":")
    if not sep or not alg or not value:
        return None
    alg = alg.lower()
    value = value.strip().lower()
    if not _HEX.fullmatch(value):
        return None
    return alg, value


def file_hashes(entries: list[Any]) -> set[Hash]:
    """The `hash = "alg:hex"` of each file entry of a lock (poetry, pdm), unreadable ones left out."""
    found: set[Hash] = set()
    for entry in entries:
        value = string(table(entry).get("hash"))
        parsed = parse_hash(value) if value else None
        if parsed is not None:
            found.add(Hash(*parsed))
    return found
