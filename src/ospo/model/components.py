"""Components (packages) and the dependency graph between them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter

from ospo.model.errors import FileProblem


class Scope(StrEnum):
    """Why a component is in the tree; ordered from most to least shipped."""

    RUNTIME = "runtime"
    OPTIONAL = "optional"
    DEV = "dev"
    TEST = "test"

    @property
    def rank(self) -> int:
        return _SCOPE_RANK[self]


_SCOPE_RANK = {Scope.RUNTIME: 0, Scope.OPTIONAL: 1, Scope.DEV: 2, Scope.TEST: 3}


def merge_scope(a: Scope, b: Scope) -> Scope:
    """When one package is reached several ways, the most shipped way wins."""
    return a if a.rank <= b.rank else b


@dataclass(frozen=True, order=True)
class Location:
    """Where a fact came from: a path relative to the scanned root, and lines if known."""

    path: str
    line: int | None = None
    end_line: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.end_line is not None and self.end_line != self.line:
            return f"{self.path}:{self.line}-{self.end_line}"
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, order=True)
class Hash:
    """A content digest as the source states it; `algorithm` is lower case, e.g. ``sha256``."""

    algorithm: str
    value: str


_HASH_ORDER = attrgetter("algorithm", "value")


def sorted_hashes(hashes: Iterable[Hash]) -> tuple[Hash, ...]:
    """Hashes in their order (algorithm, value), sorted by key: a dataclass's generated `__lt__`
    is ten times slower, and a uv.lock holds thousands of hashes."""
    return tuple(sorted(hashes, key=_HASH_ORDER))


@dataclass(frozen=True)
class Component:
    """One package at one version (or one declared range when nothing pins it).

    `purl` is the identity: two records with the same purl are the same component, found in
    possibly several places (`locations`). `ecosystem` is the purl type (``npm``, ``pypi``,
    ``cargo``, ``golang``, ``maven``, ``gem``, ``composer``, ``nuget``, ``swift``, ``cocoapods``,
    ``pub``).
    `resolved` is False when only a declared range is known (e.g. package.json without a
    lockfile); then `version` is None and `declared_range` holds the requirement.
    `direct` is None when the source cannot tell; `scope_known` is False when it cannot
    tell the scope either.
    """

    purl: str
    name: str
    version: str | None
    ecosystem: str
    namespace: str | None = None
    scope: Scope = Scope.RUNTIME
    direct: bool | None = None
    resolved: bool = True
    declared_range: str | None = None
    declared_license: str | None = None
    hashes: tuple[Hash, ...] = ()
    locations: tuple[Location, ...] = ()
    download_url: str | None = None
    description: str | None = None
    homepage: str | None = None
    properties: tuple[tuple[str, str], ...] = ()
    # False when the source cannot tell the scope (an installed package's own metadata) and
    # `scope` is only the default: a merge then takes the scope of a source that knows.
    scope_known: bool = True

    @property
    def display_name(self) -> str:
        if self.namespace:
            sep = "/" if self.ecosystem in ("npm", "composer", "golang", "swift") else ":"
            return f"{self.namespace}{sep}{self.name}"
        return self.name


@dataclass(frozen=True)
class Dependency:
    """`ref` depends directly on each ref in `depends_on` (refs are purls or project refs)."""

    ref: str
    depends_on: tuple[str, ...]


@dataclass
class ManifestResult:
    """What one parser read from one file.

    `root` is the project the file describes, when it names one (package.json, pom.xml,
    Cargo.toml...). Edges are (from_ref, to_ref) pairs; parsers use `root_ref` for edges that
    start at the project itself. `notes` carries things reported rather than dropped (URL
    requirements, unsupported constructs), each a FileProblem of kind ``unsupported`` or
    ``note``. `includes` are further files (paths relative to the scan root) this file pulls
    in (a requirements file's `-r other.txt`): the collector parses each with the same parser
    even when no parser claims it by name. `projects` are further projects the file
    describes besides `root` (the members of a uv workspace), kept out of `components`.
    `versions_requested` says the file's exact versions are requests the build may raise
    (a Gradle script's `'g:a:1.0'`): where a lockfile pins the name, the pin is what ships.
    """

    path: str
    ecosystem: str
    root: Component | None = None
    components: list[Component] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    notes: list[FileProblem] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    projects: list[Component] = field(default_factory=list)
    versions_requested: bool = False

    @property
    def root_ref(self) -> str:
        return self.root.purl if self.root is not None else f"file:{self.path}"
