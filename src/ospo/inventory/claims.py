"""Which files each inventory parser reads, decided from the name and path alone.

These tests run for every file of a tree, before any parser is loaded: the registry keeps
them apart from the parser modules so that a run imports only the parsers whose files the
tree holds (importing all of them is ~20 ms, as long as reading a typical lockfile). Each
parser module declares its ParserSpec with the function of the same name here.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

Claims = Callable[[str, str], bool]

# Which file names each claims test can possibly accept: exact names, and lower-case name
# endings. The collector (registry.Shortlist) asks a test only about files that pass this:
# one dict lookup per file instead of ~30 calls, 143 -> 22 ms on a 46,000-file
# site-packages. Tests with no entry here are asked about every file. A property test
# checks that the shortlist never drops a parser that would claim the file.
SHORTLISTS: dict[Claims, tuple[frozenset[str], tuple[str, ...]]] = {}


def named(*names: str) -> Claims:
    """A claims test that accepts exactly these file names, wherever they are."""
    allowed = frozenset(names)

    def claims(name: str, relpath: str) -> bool:
        return name in allowed

    SHORTLISTS[claims] = (allowed, ())
    return claims


def shortlisted(names: tuple[str, ...] = (), endings: tuple[str, ...] = ()) -> Callable[[Claims], Claims]:
    """Record which names (exact) and endings (lower case) a claims test can accept at all."""

    def register(claims: Claims) -> Claims:
        SHORTLISTS[claims] = (frozenset(names), endings)
        return claims

    return register


def installed_name(relpath: str) -> str | None:
    """For node_modules/<name>/package.json (or @scope/name), the installed name; else None."""
    parts = relpath.split("/")
    if len(parts) >= 3 and parts[-3] == "node_modules":
        return parts[-2]
    if len(parts) >= 4 and parts[-4] == "node_modules" and parts[-3].startswith("@"):
        return f"{parts[-3]}/{parts[-2]}"
    return None


def _cargo_vendored(relpath: str) -> bool:
    """Crates copied in by `cargo vendor` are dependencies (listed by Cargo.lock), not
    projects of the tree."""
    return relpath.startswith("vendor/") or "/vendor/" in relpath


def _ignored_by_go(relpath: str) -> bool:
    """The go command ignores `testdata` folders (test fixtures) and `vendor` copies."""
    parts = relpath.split("/")[:-1]
    return "testdata" in parts or "vendor" in parts


cargo_lock = named("Cargo.lock")


@shortlisted(names=("Cargo.toml",))
def cargo_toml(name: str, relpath: str) -> bool:
    return name == "Cargo.toml" and not _cargo_vendored(relpath)


cocoapods_lock = named("Podfile.lock")


composer_lock = named("composer.lock")


@shortlisted(names=("composer.json",))
def composer_json(name: str, relpath: str) -> bool:
    return name == "composer.json" and "/vendor/" not in f"/{relpath}"


@shortlisted(names=("go.mod",))
def go_mod(name: str, relpath: str) -> bool:
    return name == "go.mod" and not _ignored_by_go(relpath)


@shortlisted(names=("go.sum",))
def go_sum(name: str, relpath: str) -> bool:
    return name == "go.sum" and not _ignored_by_go(relpath)


@shortlisted(names=("go.work",))
def go_work(name: str, relpath: str) -> bool:
    return name == "go.work" and not _ignored_by_go(relpath)


@shortlisted(names=("modules.txt",))
def go_vendor_modules(name: str, relpath: str) -> bool:
    """`go mod vendor` writes its list beside the copies, vendor/modules.txt; a list under
    a vendored module or a testdata folder is not the one the go command reads."""
    if name != "modules.txt":
        return False
    parts = relpath.split("/")[:-1]
    return bool(parts) and parts[-1] == "vendor" and "vendor" not in parts[:-1] and "testdata" not in parts


@shortlisted(endings=(".lockfile",))
def gradle_lockfile(name: str, relpath: str) -> bool:
    if name in ("gradle.lockfile", "buildscript-gradle.lockfile"):
        return True
    return name.endswith(".lockfile") and "gradle/dependency-locks/" in relpath


@shortlisted(endings=(".versions.toml",))
def gradle_version_catalog(name: str, relpath: str) -> bool:
    return name.endswith(".versions.toml")


gradle_build_script = named("build.gradle", "build.gradle.kts")


maven_pom = named("pom.xml")


@shortlisted(names=("package-lock.json", "npm-shrinkwrap.json", ".package-lock.json"))
def npm_lock(name: str, relpath: str) -> bool:
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        return True
    return name == ".package-lock.json" and relpath.endswith("node_modules/.package-lock.json")


nuget_packages_lock = named("packages.lock.json")


@shortlisted(endings=(".csproj", ".fsproj", ".vbproj"))
def nuget_project(name: str, relpath: str) -> bool:
    return name.endswith((".csproj", ".fsproj", ".vbproj"))


nuget_packages_config = named("packages.config")


@shortlisted(names=("package.json",))
def package_json(name: str, relpath: str) -> bool:
    if name != "package.json":
        return False
    if "node_modules/" not in relpath:
        return True
    return installed_name(relpath) is not None


pdm_lock = named("pdm.lock")


@shortlisted(endings=(".txt", ".in"))
def pip_requirements(name: str, relpath: str) -> bool:
    suffix = name[-4:].lower()
    if suffix == ".txt":
        stem = name[:-4].lower()
        if stem.startswith(("requirements", "constraints")) or stem.endswith(
            ("-requirements", "_requirements", "-constraints", "_constraints")
        ):
            return True
        return posixpath.basename(posixpath.dirname(relpath)).lower() == "requirements"
    return name[-3:].lower() == ".in" and name.lower().startswith("requirements")


pipfile_lock = named("Pipfile.lock")


pipfile = named("Pipfile")


pnpm_lock = named("pnpm-lock.yaml")


poetry_lock = named("poetry.lock")


pubspec_lock = named("pubspec.lock")


pubspec_yaml = named("pubspec.yaml")


pyproject = named("pyproject.toml")


@shortlisted(names=("METADATA", "PKG-INFO"), endings=(".egg-info",))
def dist_info(name: str, relpath: str) -> bool:
    if name == "METADATA":
        return posixpath.dirname(relpath).endswith(".dist-info")
    if name == "PKG-INFO":
        return posixpath.dirname(relpath).endswith(".egg-info")
    return name.endswith(".egg-info")


gemfile_lock = named("Gemfile.lock", "gems.locked")


gemfile = named("Gemfile", "gems.rb")


swift_package_resolved = named("Package.resolved")


uv_lock = named("uv.lock")


yarn_lock = named("yarn.lock")
