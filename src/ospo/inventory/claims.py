"""Which files each inventory parser reads, decided from the name and path alone.

These tests run for every file of a tree, before any parser is loaded: the registry keeps
them apart from the parser modules so that a run imports only the parsers whose files the
tree holds (importing all of them is ~20 ms, as long as reading a typical lockfile). Each
parser module declares its ParserSpec with the function of the same name here.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable


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


def cargo_lock(name: str, relpath: str) -> bool:
    return name == "Cargo.lock"


def cargo_toml(name: str, relpath: str) -> bool:
    return name == "Cargo.toml" and not _cargo_vendored(relpath)


def cocoapods_lock(name: str, relpath: str) -> bool:
    return name == "Podfile.lock"


def composer_lock(name: str, relpath: str) -> bool:
    return name == "composer.lock"


def composer_json(name: str, relpath: str) -> bool:
    return name == "composer.json" and "/vendor/" not in f"/{relpath}"


def go_mod(name: str, relpath: str) -> bool:
    return name == "go.mod" and not _ignored_by_go(relpath)


def go_sum(name: str, relpath: str) -> bool:
    return name == "go.sum" and not _ignored_by_go(relpath)


def go_work(name: str, relpath: str) -> bool:
    return name == "go.work" and not _ignored_by_go(relpath)


def go_vendor_modules(name: str, relpath: str) -> bool:
    """`go mod vendor` writes its list beside the copies, vendor/modules.txt; a list under
    a vendored module or a testdata folder is not the one the go command reads."""
    if name != "modules.txt":
        return False
    parts = relpath.split("/")[:-1]
    return bool(parts) and parts[-1] == "vendor" and "vendor" not in parts[:-1] and "testdata" not in parts


def gradle_lockfile(name: str, relpath: str) -> bool:
    if name in ("gradle.lockfile", "buildscript-gradle.lockfile"):
        return True
    return name.endswith(".lockfile") and "gradle/dependency-locks/" in relpath


def gradle_version_catalog(name: str, relpath: str) -> bool:
    return name.endswith(".versions.toml")


def gradle_build_script(name: str, relpath: str) -> bool:
    return name in ("build.gradle", "build.gradle.kts")


def maven_pom(name: str, relpath: str) -> bool:
    return name == "pom.xml"


def npm_lock(name: str, relpath: str) -> bool:
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        return True
    return name == ".package-lock.json" and relpath.endswith("node_modules/.package-lock.json")


def nuget_packages_lock(name: str, relpath: str) -> bool:
    return name == "packages.lock.json"


def nuget_project(name: str, relpath: str) -> bool:
    return name.endswith((".csproj", ".fsproj", ".vbproj"))


def nuget_packages_config(name: str, relpath: str) -> bool:
    return name == "packages.config"


def package_json(name: str, relpath: str) -> bool:
    if name != "package.json":
        return False
    if "node_modules/" not in relpath:
        return True
    return installed_name(relpath) is not None


def pdm_lock(name: str, relpath: str) -> bool:
    return name == "pdm.lock"


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


def pipfile_lock(name: str, relpath: str) -> bool:
    return name == "Pipfile.lock"


def pipfile(name: str, relpath: str) -> bool:
    return name == "Pipfile"


def pnpm_lock(name: str, relpath: str) -> bool:
    return name == "pnpm-lock.yaml"


def poetry_lock(name: str, relpath: str) -> bool:
    return name == "poetry.lock"


def pubspec_lock(name: str, relpath: str) -> bool:
    return name == "pubspec.lock"


def pubspec_yaml(name: str, relpath: str) -> bool:
    return name == "pubspec.yaml"


def pyproject(name: str, relpath: str) -> bool:
    return name == "pyproject.toml"


def dist_info(name: str, relpath: str) -> bool:
    if name == "METADATA":
        return posixpath.dirname(relpath).endswith(".dist-info")
    if name == "PKG-INFO":
        return posixpath.dirname(relpath).endswith(".egg-info")
    return name.endswith(".egg-info")


def gemfile_lock(name: str, relpath: str) -> bool:
    return name in ("Gemfile.lock", "gems.locked")


def gemfile(name: str, relpath: str) -> bool:
    return name in ("Gemfile", "gems.rb")


def swift_package_resolved(name: str, relpath: str) -> bool:
    return name == "Package.resolved"


def uv_lock(name: str, relpath: str) -> bool:
    return name == "uv.lock"


def yarn_lock(name: str, relpath: str) -> bool:
    return name == "yarn.lock"


# Which file names each claims test can possibly accept: exact names, and lower-case name
# endings. The collector (registry.Shortlist) asks a test only about files that pass this:
# one dict lookup per file instead of ~30 calls, 143 -> 22 ms on a 46,000-file
# site-packages. Tests with no entry here are asked about every file. A property test
# checks that the shortlist never drops a parser that would claim the file.
SHORTLISTS: dict[Callable[[str, str], bool], tuple[frozenset[str], tuple[str, ...]]] = {
    cargo_lock: (frozenset({"Cargo.lock"}), ()),
    cargo_toml: (frozenset({"Cargo.toml"}), ()),
    cocoapods_lock: (frozenset({"Podfile.lock"}), ()),
    composer_lock: (frozenset({"composer.lock"}), ()),
    composer_json: (frozenset({"composer.json"}), ()),
    go_mod: (frozenset({"go.mod"}), ()),
    go_sum: (frozenset({"go.sum"}), ()),
    go_work: (frozenset({"go.work"}), ()),
    go_vendor_modules: (frozenset({"modules.txt"}), ()),
    gradle_lockfile: (frozenset(), (".lockfile",)),
    gradle_version_catalog: (frozenset(), (".versions.toml",)),
    gradle_build_script: (frozenset({"build.gradle", "build.gradle.kts"}), ()),
    maven_pom: (frozenset({"pom.xml"}), ()),
    npm_lock: (frozenset({"package-lock.json", "npm-shrinkwrap.json", ".package-lock.json"}), ()),
    nuget_packages_lock: (frozenset({"packages.lock.json"}), ()),
    nuget_project: (frozenset(), (".csproj", ".fsproj", ".vbproj")),
    nuget_packages_config: (frozenset({"packages.config"}), ()),
    package_json: (frozenset({"package.json"}), ()),
    pdm_lock: (frozenset({"pdm.lock"}), ()),
    pip_requirements: (frozenset(), (".txt", ".in")),
    pipfile_lock: (frozenset({"Pipfile.lock"}), ()),
    pipfile: (frozenset({"Pipfile"}), ()),
    pnpm_lock: (frozenset({"pnpm-lock.yaml"}), ()),
    poetry_lock: (frozenset({"poetry.lock"}), ()),
    pubspec_lock: (frozenset({"pubspec.lock"}), ()),
    pubspec_yaml: (frozenset({"pubspec.yaml"}), ()),
    pyproject: (frozenset({"pyproject.toml"}), ()),
    dist_info: (frozenset({"METADATA", "PKG-INFO"}), (".egg-info",)),
    gemfile_lock: (frozenset({"Gemfile.lock", "gems.locked"}), ()),
    gemfile: (frozenset({"Gemfile", "gems.rb"}), ()),
    swift_package_resolved: (frozenset({"Package.resolved"}), ()),
    uv_lock: (frozenset({"uv.lock"}), ()),
    yarn_lock: (frozenset({"yarn.lock"}), ()),
}
