"""PHP: composer.lock.

`packages` are RUNTIME, `packages-dev` DEV. A package's `license` array lists
alternatives the user may choose from, so it becomes an OR expression. The dist
`shasum` (sha1, often empty) is kept; `require` becomes edges to the locked packages.
Platform requirements (`php`, `ext-*`, `lib-*`, `composer-*`) are not packages and make
no edges. The lockfile does not record the root's own requirements, so `direct` is None
(composer.json, where present, says which are direct).

composer.json: the package (`name`, `version` if stated, `license`) is the root;
`require` entries are declared RUNTIME ranges and `require-dev` DEV ones, all direct;
the collector folds them into the pins of composer.lock beside it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import LineIndex, as_dict, as_list, as_str, guarded, load_json
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError, Scope

ECOSYSTEM = "composer"
_PLATFORM = re.compile(
    r"^(php(-64bit|-ipv6|-zts|-debug)?|hhvm|composer(-plugin|-runtime)?-api|composer|ext-.+|lib-.+)$"
)
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")


def is_platform_package(name: str) -> bool:
    return bool(_PLATFORM.match(name.lower()))


def license_expression(licenses: list[Any]) -> str | None:
    names = [s for s in (as_str(x) for x in licenses) if s]
    if not names:
        return None
    if len(names) == 1:
        return names[0]
    return " OR ".join(f"({n})" if " " in n.strip("()") else n for n in names)


def _split(name: str) -> tuple[str | None, str]:
    vendor, sep, package = name.partition("/")
    return (vendor, package) if sep else (None, name)


def parse_composer_lock(path: str, text: str) -> ManifestResult:
    data = load_json(path, text)
    if not isinstance(data, dict):
        raise ParseError(path, "composer.lock is not a JSON object", 1)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    entries: list[tuple[dict[str, Any], Scope]] = []
    for key, scope in (("packages", Scope.RUNTIME), ("packages-dev", Scope.DEV)):
        entries.extend((as_dict(p), scope) for p in as_list(data.get(key)))
    by_name: dict[str, str] = {}
    comps: list[tuple[Component, dict[str, Any]]] = []
    search_from = 0
    for entry, scope in entries:
        name = as_str(entry.get("name"))
        version = as_str(entry.get("version"))
        line = None
        if name is not None:
            needle = f'"name": "{name}"'
            pos = text.find(needle, search_from)
            if pos >= 0:
                line, search_from = lines.line_at(pos), pos + len(needle)
        if name is None or version is None:
            result.notes.append(FileProblem(path, "unsupported", "package entry without name or version", line))
            continue
        namespace, package = _split(name)
        dist = as_dict(entry.get("dist"))
        source = as_dict(entry.get("source"))
        shasum = as_str(dist.get("shasum"))
        props: list[tuple[str, str]] = []
        reference = as_str(source.get("reference")) or as_str(dist.get("reference"))
        if reference:
            props.append(("composer:reference", reference))
        if as_str(source.get("url")):
            props.append(("composer:source-url", str(source.get("url"))))
        comp = component(
            ECOSYSTEM,
            package,
            version,
            path,
            namespace=namespace,
            line=line,
            scope=scope,
            declared_license=license_expression(as_list(entry.get("license"))),
            hashes=(Hash("sha1", shasum.lower()),) if shasum and _SHA1.match(shasum) else (),
            download_url=as_str(dist.get("url")),
            properties=tuple(props),
        )
        comp = replace(
            comp,
            description=as_str(entry.get("description")),
            homepage=as_str(entry.get("homepage")),
        )
        by_name[name.lower()] = comp.purl
        comps.append((comp, entry))
        result.components.append(comp)
    for comp, entry in comps:  # a package that replaces or provides another satisfies it
        for key in ("replace", "provide"):
            for other in as_dict(entry.get(key)):
                by_name.setdefault(other.lower(), comp.purl)
    for comp, entry in comps:
        for dep in as_dict(entry.get("require")):
            if is_platform_package(dep):
                continue
            target = by_name.get(dep.lower())
            if target is None:
                result.notes.append(
                    FileProblem(
                        path,
                        "note",
                        f"{comp.display_name} requires {dep}, which is not locked"
                        " (replaced or provided by another package?)",
                        comp.locations[0].line,
                    )
                )
                continue
            result.edges.append((comp.purl, target))
    return result


def parse_composer_json(path: str, text: str) -> ManifestResult:
    data = load_json(path, text)
    if not isinstance(data, dict):
        raise ParseError(path, "composer.json is not a JSON object", 1)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    name = as_str(data.get("name"))
    if name is not None:
        namespace, package = _split(name)
        result.root = replace(
            component(
                ECOSYSTEM,
                package,
                as_str(data.get("version")),
                path,
                namespace=namespace,
                line=lines.find('"name"'),
                declared_license=license_expression(
                    [data["license"]] if isinstance(data.get("license"), str) else as_list(data.get("license"))
                ),
            ),
            description=as_str(data.get("description")),
            homepage=as_str(data.get("homepage")),
        )
    for key, scope in (("require", Scope.RUNTIME), ("require-dev", Scope.DEV)):
        section_at = max(text.find(f'"{key}"'), 0)
        for dep, constraint in as_dict(data.get(key)).items():
            if is_platform_package(dep):
                continue
            namespace, package = _split(dep)
            comp = component(
                ECOSYSTEM,
                package,
                None,
                path,
                namespace=namespace,
                line=lines.find(f'"{dep}"', section_at),
                scope=scope,
                direct=True,
                declared_range=as_str(constraint),
            )
            result.components.append(comp)
            result.edges.append((result.root_ref, comp.purl))
    return result


PARSERS = (
    ParserSpec(
        name="composer-lock",
        ecosystem=ECOSYSTEM,
        claims=_claims.composer_lock,
        parse=guarded(parse_composer_lock),
    ),
    ParserSpec(
        name="composer-json",
        ecosystem=ECOSYSTEM,
        claims=_claims.composer_json,
        parse=guarded(parse_composer_json),
    ),
)
