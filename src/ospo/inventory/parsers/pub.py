"""Dart and Flutter: pubspec.lock.

Every entry of `packages` is resolved. `dependency` says how it got there: "direct main"
(RUNTIME, direct), "direct dev" (DEV, direct), "direct overridden" (a
dependency_overrides entry: direct, with a property), "transitive" (not direct; the lock
does not say through which dev dependency, so RUNTIME). `source` decides identity:
hosted packages from a registry other than pub.dev carry `repository_url`; git packages
carry `vcs_url` with the resolved commit; `sdk` packages (flutter, flutter_test) ship
with the SDK and are listed with `pub:source=sdk`; `path` packages are local code,
reported in a note and not listed. `description.sha256` (pub 3.x) is the archive digest.
The `sdks` constraints bound tool versions, not packages, and are not listed.

pubspec.yaml: the package (`name`, `version`) is the root; `dependencies` are declared
RUNTIME ranges, `dev_dependencies` DEV, all direct, folded by the collector into the pins
of pubspec.lock beside it. Path dependencies are first-party (a property of the root);
`dependency_overrides` only change what the lock pins, so they are not declarations.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import LineIndex, as_dict, as_str, guarded, load_yaml
from ospo.inventory.purls import component
from ospo.model import FileProblem, Hash, ManifestResult, ParseError, Scope

ECOSYSTEM = "pub"
_DEFAULT_HOSTS = ("https://pub.dev", "https://pub.dartlang.org", "https://pub.flutter-io.cn")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def parse_pubspec_lock(path: str, text: str) -> ManifestResult:
    data = load_yaml(path, text)
    if data is None:
        return ManifestResult(path=path, ecosystem=ECOSYSTEM)
    if not isinstance(data, dict):
        raise ParseError(path, "pubspec.lock is not a mapping", 1)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    cursor = max(text.find("packages:"), 0)
    for name_raw, raw in as_dict(data.get("packages")).items():
        name = str(name_raw)
        entry = as_dict(raw)
        # entries come in file order: search on from the previous one (linear, not quadratic)
        pos = text.find(f"\n  {name}:", cursor)
        if pos < 0:
            pos = text.find(f"\n  {name}:")
        line = lines.line_at(pos) + 1 if pos >= 0 else None
        cursor = pos + 1 if pos >= 0 else cursor
        dependency = as_str(entry.get("dependency")) or "transitive"
        source = as_str(entry.get("source")) or "hosted"
        version = as_str(entry.get("version"))
        description = entry.get("description")
        desc = as_dict(description)
        if source == "path":
            where = as_str(desc.get("path")) or "?"
            result.notes.append(
                FileProblem(
                    path,
                    "note",
                    f"{name} comes from the local path {where}: first-party code, not listed",
                    line,
                )
            )
            continue
        if version is None:
            result.notes.append(FileProblem(path, "unsupported", f"{name} has no version", line))
            continue
        qualifiers: dict[str, str] = {}
        props: list[tuple[str, str]] = [("pub:dependency", dependency)]
        hashes: tuple[Hash, ...] = ()
        download = None
        if source == "hosted":
            url = as_str(desc.get("url"))
            if url and url.rstrip("/") not in _DEFAULT_HOSTS:
                qualifiers["repository_url"] = url
            else:
                download = f"https://pub.dev/api/archives/{name}-{version}.tar.gz"
            sha = as_str(desc.get("sha256"))
            if sha and _HEX64.match(sha):
                hashes = (Hash("sha256", sha.lower()),)
        elif source == "git":
            url = as_str(desc.get("url"))
            commit = as_str(desc.get("resolved-ref"))
            if url:
                qualifiers["vcs_url"] = f"git+{url}@{commit}" if commit else f"git+{url}"
            sub = as_str(desc.get("path"))
            if sub and sub != ".":
                props.append(("pub:git-path", sub))
        elif source == "sdk":
            props.append(("pub:source", "sdk"))
            sdk = as_str(description)
            if sdk:
                props.append(("pub:sdk", sdk))
        else:
            props.append(("pub:source", source))
        if dependency == "direct dev":
            scope, direct = Scope.DEV, True
        elif dependency.startswith("direct"):
            scope, direct = Scope.RUNTIME, True
        else:
            scope, direct = Scope.RUNTIME, False
        result.components.append(
            component(
                ECOSYSTEM,
                name,
                version,
                path,
                line=line,
                scope=scope,
                direct=direct,
                hashes=hashes,
                qualifiers=qualifiers,
                download_url=download,
                properties=tuple(props),
            )
        )
        if direct:
            result.edges.append((result.root_ref, result.components[-1].purl))
    return result


def parse_pubspec_yaml(path: str, text: str) -> ManifestResult:
    data = load_yaml(path, text)
    if not isinstance(data, dict):
        raise ParseError(path, "pubspec.yaml is not a mapping", 1)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    root_props: list[tuple[str, str]] = []
    for key, scope in (("dependencies", Scope.RUNTIME), ("dev_dependencies", Scope.DEV)):
        section_at = text.find(f"\n{key}:")
        for dep_raw, spec in as_dict(data.get(key)).items():
            dep = str(dep_raw)
            found = lines.find(f"\n  {dep}:", max(section_at, 0)) if section_at >= 0 else None
            line = found + 1 if found is not None else None
            table = as_dict(spec)
            if "path" in table:
                root_props.append(("pub:path-dependency", f"{dep}={as_str(table.get('path'))}"))
                continue
            if isinstance(spec, str) or spec is None or isinstance(spec, int | float):
                constraint = as_str(spec) or "any"
            elif "sdk" in table:
                constraint = f"sdk:{as_str(table.get('sdk'))}"
            elif "git" in table:
                git = table.get("git")
                constraint = f"git:{as_str(git) or as_str(as_dict(git).get('url'))}"
            else:
                constraint = as_str(table.get("version")) or "any"
            comp = component(ECOSYSTEM, dep, None, path, line=line, scope=scope, direct=True, declared_range=constraint)
            result.components.append(comp)
    name = as_str(data.get("name"))
    if name is not None:
        result.root = component(
            ECOSYSTEM,
            name,
            as_str(data.get("version")),
            path,
            line=lines.find("name:"),
            properties=tuple(root_props),
        )
        result.root = replace(
            result.root,
            description=as_str(data.get("description")),
            homepage=as_str(data.get("homepage")) or as_str(data.get("repository")),
        )
    result.edges.extend((result.root_ref, c.purl) for c in result.components)
    return result


PARSERS = (
    ParserSpec(
        name="pubspec-lock",
        ecosystem=ECOSYSTEM,
        claims=_claims.pubspec_lock,
        parse=guarded(parse_pubspec_lock),
    ),
    ParserSpec(
        name="pubspec-yaml",
        ecosystem=ECOSYSTEM,
        claims=_claims.pubspec_yaml,
        parse=guarded(parse_pubspec_yaml),
    ),
)
