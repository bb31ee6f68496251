"""Gradle: dependency lockfiles and version catalogs (no Gradle run needed).

gradle.lockfile lines are `group:artifact:version=conf1,conf2`; the configurations say why
a module is there. A module locked only in configurations whose names mention "test" is
TEST; one in a compile or runtime classpath (any variant: `releaseRuntimeClasspath`...)
is RUNTIME; anything else (annotation processors, linters, code generators) is DEV with
the configurations kept as a property. The lockfile does not say which modules are
direct, so `direct` is None. The older per-configuration layout
(`gradle/dependency-locks/<conf>.lockfile`, lines without `=`) is read the same way, the
configuration coming from the file name.

gradle/libs.versions.toml (a version catalog) declares coordinates and versions for
build scripts to use; every [libraries] entry is a declared, direct requirement
(`resolved=False`, the version or rich version as the range). [plugins] are Gradle
plugins (build tooling): DEV, as their marker artifact `id:id.gradle.plugin`.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import LineIndex, as_dict, as_str, guarded
from ospo.inventory.purls import component
from ospo.model import FileProblem, ManifestResult, ParseError, Scope
from ospo.walk import load_toml

ECOSYSTEM = "maven"


def configuration_scope(configurations: list[str]) -> Scope:
    lowered = [c.lower() for c in configurations]
    if lowered and all("test" in c for c in lowered):
        return Scope.TEST
    if any(c.endswith(("compileclasspath", "runtimeclasspath")) and "test" not in c for c in lowered):
        return Scope.RUNTIME
    return Scope.DEV


def parse_gradle_lockfile(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    name = posixpath.basename(path)
    file_conf = name[: -len(".lockfile")] if name not in ("gradle.lockfile", "buildscript-gradle.lockfile") else None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        coords, sep, confs_text = line.partition("=")
        if coords == "empty":
            continue
        confs = [c for c in confs_text.split(",") if c] if sep else ([file_conf] if file_conf else [])
        parts = coords.split(":")
        if len(parts) < 3 or not all(parts[:3]):
            raise ParseError(path, "expected group:artifact:version", lineno)
        group, artifact, version = parts[0], parts[1], parts[2]
        qualifiers = {"classifier": parts[3]} if len(parts) > 3 and parts[3] else {}
        scope = configuration_scope(confs)
        props: tuple[tuple[str, str], ...] = (("gradle:configurations", ",".join(confs)),) if confs else ()
        if name.startswith("buildscript"):
            scope = Scope.DEV
            props += (("gradle:buildscript", "true"),)
        result.components.append(
            component(
                ECOSYSTEM,
                artifact,
                version,
                path,
                namespace=group,
                line=lineno,
                scope=scope,
                qualifiers=qualifiers,
                properties=props,
            )
        )
    return result


def _catalog_version(
    spec: Any, versions: dict[str, Any], path: str, line: int | None, result: ManifestResult
) -> str | None:
    """A catalog version: a string, {ref = ...}, or a rich version table."""
    if isinstance(spec, str):
        return spec.strip() or None
    table = as_dict(spec)
    ref = as_str(table.get("ref"))
    if ref is not None:
        if ref not in versions:
            result.notes.append(FileProblem(path, "unsupported", f"version.ref {ref!r} is not in [versions]", line))
            return None
        return _catalog_version(versions[ref], {}, path, line, result)
    for key in ("strictly", "require", "prefer"):
        value = as_str(table.get(key))
        if value is not None:
            return value
    return None


def parse_version_catalog(path: str, text: str) -> ManifestResult:
    data = load_toml(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    versions = as_dict(data.get("versions"))
    libraries_at = max(text.find("[libraries]"), 0)
    plugins_at = max(text.find("[plugins]"), 0)
    for alias, raw in as_dict(data.get("libraries")).items():
        line = _key_line(lines, alias, libraries_at)
        group: str | None
        artifact: str | None
        version: str | None
        if isinstance(raw, str):
            parts = raw.split(":")
            if len(parts) < 2:
                result.notes.append(FileProblem(path, "unsupported", f"library {alias!r}: {raw!r}", line))
                continue
            group, artifact = parts[0], parts[1]
            version = parts[2] if len(parts) > 2 and parts[2] else None
        else:
            spec = as_dict(raw)
            module = as_str(spec.get("module"))
            if module is not None and ":" in module:
                group, artifact = module.split(":", 1)
            else:
                group, artifact = as_str(spec.get("group")), as_str(spec.get("name"))
            version = None
            if "version" in spec:
                version = _catalog_version(spec["version"], versions, path, line, result)
            elif "version.ref" in spec:  # only reachable if a dotted key was quoted
                version = _catalog_version({"ref": spec["version.ref"]}, versions, path, line, result)
        if not group or not artifact:
            result.notes.append(FileProblem(path, "unsupported", f"library {alias!r} has no module", line))
            continue
        result.components.append(
            component(
                ECOSYSTEM,
                artifact,
                None,
                path,
                namespace=group,
                line=line,
                direct=True,
                declared_range=version,
                properties=(("gradle:catalog-alias", alias),),
            )
        )
    for alias, raw in as_dict(data.get("plugins")).items():
        line = _key_line(lines, alias, plugins_at)
        spec = as_dict(raw) if not isinstance(raw, str) else {}
        if isinstance(raw, str):
            plugin_id, _, plain = raw.partition(":")
            version = plain or None
        else:
            plugin_id = as_str(spec.get("id")) or ""
            version = _catalog_version(spec.get("version"), versions, path, line, result)
        if not plugin_id:
            result.notes.append(FileProblem(path, "unsupported", f"plugin {alias!r} has no id", line))
            continue
        result.components.append(
            component(
                ECOSYSTEM,
                f"{plugin_id}.gradle.plugin",
                None,
                path,
                namespace=plugin_id,
                line=line,
                scope=Scope.DEV,
                direct=True,
                declared_range=version,
                properties=(("gradle:catalog-alias", alias), ("gradle:plugin", plugin_id)),
            )
        )
    return result


def _key_line(lines: LineIndex, key: str, start: int) -> int | None:
    for needle in (f"\n{key} ", f"\n{key}=", f'\n"{key}"'):
        line = lines.find(needle, start)
        if line is not None:
            return line + 1
    return None


PARSERS = (
    ParserSpec(
        name="gradle-lockfile",
        ecosystem=ECOSYSTEM,
        claims=_claims.gradle_lockfile,
        parse=guarded(parse_gradle_lockfile),
    ),
    ParserSpec(
        name="gradle-version-catalog",
        ecosystem=ECOSYSTEM,
        claims=_claims.gradle_version_catalog,
        parse=guarded(parse_version_catalog),
    ),
)
