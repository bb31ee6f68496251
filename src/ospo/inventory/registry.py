"""The inventory parsers, in claiming order, loaded only when a file of theirs turns up.

The table names each parser, its module under ospo.inventory.parsers and its claims test
(from `ospo.inventory.claims`); the module is imported the first time a file is claimed. A
test holds the table to the modules' own PARSER/PARSERS declarations, so a new parser module
that is not listed here fails the suite instead of being silently skipped.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ospo.inventory import claims as c
from ospo.inventory.interface import ParserSpec

PARSERS_PACKAGE = "ospo.inventory.parsers"


@dataclass(frozen=True)
class ParserEntry:
    """A parser as the walk sees it before it is needed: its name and which files it claims."""

    name: str
    module: str
    claims: Callable[[str, str], bool]

    def load(self) -> ParserSpec:
        spec = _LOADED.get(self.name)
        if spec is None:
            module = importlib.import_module(f"{PARSERS_PACKAGE}.{self.module}")
            declared = [getattr(module, "PARSER", None), *getattr(module, "PARSERS", ())]
            spec = next((s for s in declared if isinstance(s, ParserSpec) and s.name == self.name), None)
            if spec is None:
                raise LookupError(f"{PARSERS_PACKAGE}.{self.module} declares no parser named {self.name!r}")
            _LOADED[self.name] = spec
        return spec


_LOADED: dict[str, ParserSpec] = {}


# Sorted by module name, then in each module's declaration order: the first to claim wins.
PARSER_TABLE: tuple[ParserEntry, ...] = (
    ParserEntry("cargo-lock", "cargo", c.cargo_lock),
    ParserEntry("cargo-toml", "cargo", c.cargo_toml),
    ParserEntry("cocoapods-lock", "cocoapods", c.cocoapods_lock),
    ParserEntry("composer-lock", "composer", c.composer_lock),
    ParserEntry("composer-json", "composer", c.composer_json),
    ParserEntry("go-mod", "golang", c.go_mod),
    ParserEntry("go-sum", "golang", c.go_sum),
    ParserEntry("go-work", "golang", c.go_work),
    ParserEntry("go-vendor-modules", "golang", c.go_vendor_modules),
    ParserEntry("gradle-lockfile", "gradle", c.gradle_lockfile),
    ParserEntry("gradle-version-catalog", "gradle", c.gradle_version_catalog),
    ParserEntry("gradle-build-script", "gradle", c.gradle_build_script),
    ParserEntry("maven-pom", "maven", c.maven_pom),
    ParserEntry("npm-lock", "npm_lock", c.npm_lock),
    ParserEntry("nuget-packages-lock", "nuget", c.nuget_packages_lock),
    ParserEntry("nuget-project", "nuget", c.nuget_project),
    ParserEntry("nuget-packages-config", "nuget", c.nuget_packages_config),
    ParserEntry("package-json", "package_json", c.package_json),
    ParserEntry("pdm-lock", "pdm_lock", c.pdm_lock),
    ParserEntry("pip-requirements", "pip_requirements", c.pip_requirements),
    ParserEntry("pipfile-lock", "pipfile", c.pipfile_lock),
    ParserEntry("pipfile", "pipfile", c.pipfile),
    ParserEntry("pnpm-lock", "pnpm_lock", c.pnpm_lock),
    ParserEntry("poetry-lock", "poetry_lock", c.poetry_lock),
    ParserEntry("pubspec-lock", "pub", c.pubspec_lock),
    ParserEntry("pubspec-yaml", "pub", c.pubspec_yaml),
    ParserEntry("pyproject", "pyproject", c.pyproject),
    ParserEntry("dist-info", "python_metadata", c.dist_info),
    ParserEntry("gemfile-lock", "ruby", c.gemfile_lock),
    ParserEntry("gemfile", "ruby", c.gemfile),
    ParserEntry("swift-package-resolved", "swift", c.swift_package_resolved),
    ParserEntry("uv-lock", "uv_lock", c.uv_lock),
    ParserEntry("yarn-lock", "yarn_lock", c.yarn_lock),
)


class Shortlist:
    """The parsers that may claim a file of a given name, in claiming order, found with one
    dict lookup and one `endswith` per file (claims.SHORTLISTS) instead of asking every
    parser's claims test: trees hold tens of thousands of files and almost none are manifests."""

    def __init__(self, parsers: tuple[ParserEntry | ParserSpec, ...]) -> None:
        self._by_name: dict[str, list[int]] = {}
        self._by_ending: list[tuple[tuple[str, ...], int]] = []
        self._always: list[int] = []
        self._parsers = parsers
        for index, parser in enumerate(parsers):
            shortlist = c.SHORTLISTS.get(parser.claims)
            if shortlist is None:
                self._always.append(index)
                continue
            names, endings = shortlist
            for name in names:
                self._by_name.setdefault(name, []).append(index)
            if endings:
                self._by_ending.append((endings, index))
        self._endings = tuple(ending for endings, _ in self._by_ending for ending in endings)
        self._always_parsers = tuple(parsers[i] for i in self._always)

    def candidates(self, name: str) -> tuple[ParserEntry | ParserSpec, ...]:
        named = self._by_name.get(name)
        lowered = name.lower()
        if named is None and not lowered.endswith(self._endings):
            return self._always_parsers
        indexes = set(named or ()) | set(self._always)
        indexes.update(index for endings, index in self._by_ending if lowered.endswith(endings))
        return tuple(self._parsers[i] for i in sorted(indexes))


def parser_entries() -> tuple[ParserEntry | ParserSpec, ...]:
    """What the collector offers files to (tests add ParserSpecs of their own)."""
    return PARSER_TABLE


def all_parsers() -> tuple[ParserSpec, ...]:
    """Every parser, loaded (imports every parser module)."""
    return tuple(entry.load() for entry in PARSER_TABLE)


def parser_for(name: str, relpath: str) -> ParserSpec | None:
    """The first parser that claims a file, or None."""
    for entry in PARSER_TABLE:
        if entry.claims(name, relpath):
            return entry.load()
    return None
