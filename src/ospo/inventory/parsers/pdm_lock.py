"""pdm.lock (lock_version 4.x, and the 3.x layout with ``[metadata.files]``).

Each package lists the ``groups`` that pull it in. ``default`` is RUNTIME. PDM puts the
optional-dependency extras and the development groups in the same list, and only the
pyproject.toml can tell them apart; so a group whose name reads as development (dev, test,
lint, docs...) gives DEV or TEST and any other non-default group OPTIONAL. The collector
folds the pyproject's declared dependencies into these pins, which marks the direct ones.

PDM may lock one package twice, once plain and once with ``extras``: both are the same
component (same purl), their edges merged. ``dependencies`` are PEP 508 strings; they
become edges to the locked packages of those names. Hashes come from ``files`` or from
``[metadata.files]`` ("name version" keys).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._python_support import (
    ECOSYSTEM,
    array,
    array_of_tables_lines,
    file_hashes,
    is_valid_name,
    looks_like_dev_group,
    normalize_name,
    scope_for_group,
    split_requirement,
    string,
    table,
)
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, ManifestResult, ParseError, Scope, merge_scope, sorted_hashes
from ospo.walk import load_toml

claims = _claims.pdm_lock


def _scope(groups: list[str]) -> Scope:
    if not groups or "default" in groups:
        return Scope.RUNTIME
    scopes = [scope_for_group(g) if looks_like_dev_group(g) else Scope.OPTIONAL for g in groups]
    best = scopes[0]
    for scope in scopes[1:]:
        best = merge_scope(best, scope)
    return best


def _source(raw: dict[str, Any]) -> tuple[str | None, list[tuple[str, str]]]:
    git = string(raw.get("git"))
    if git is not None:
        rev = string(raw.get("revision")) or string(raw.get("ref"))
        return f"git+{git}" + (f"@{rev}" if rev else ""), [("python:source", "git")]
    url = string(raw.get("url"))
    if url is not None:
        return url, [("python:source", "url")]
    local = string(raw.get("path"))
    if local is not None:
        props = [("python:source", "path"), ("python:path", local)]
        if raw.get("editable") is True:
            props.append(("python:editable", "true"))
        return None, props
    return None, []


def parse(path: str, text: str) -> ManifestResult:
    data = load_toml(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    packages = array(data.get("package"))
    lines = array_of_tables_lines(text, "package")
    if len(lines) != len(packages):
        lines = []
    old_files: dict[str, list[Any]] = {}
    for key, value in table(table(data.get("metadata")).get("files")).items():
        name_part, _, version_part = str(key).partition(" ")
        old_files[f"{normalize_name(name_part)} {version_part}"] = array(value)
    by_name: dict[str, list[Component]] = {}
    deps_of: list[tuple[Component, list[str]]] = []
    seen: dict[str, int] = {}
    try:
        for index, raw_any in enumerate(packages):
            raw = table(raw_any)
            line = lines[index] if lines else None
            name = string(raw.get("name"))
            if name is None or not is_valid_name(name):
                result.notes.append(FileProblem(path, "unsupported", "package entry without a valid name", line))
                continue
            version = string(raw.get("version"))
            # lock_version 3 called them sections
            groups = [g for g in array(raw.get("groups") or raw.get("sections")) if isinstance(g, str)]
            hashes = file_hashes(array(raw.get("files"))) | file_hashes(
                old_files.get(f"{normalize_name(name)} {version or ''}", [])
            )
            download_url, props = _source(raw)
            marker = string(raw.get("marker"))
            if marker:
                props.append(("python:marker", marker))
            comp = component(
                ECOSYSTEM,
                name,
                version,
                path,
                line=line,
                scope=_scope(groups),
                hashes=sorted_hashes(hashes),
                download_url=download_url,
                properties=tuple(sorted(props)),
            )
            deps = [d for d in array(raw.get("dependencies")) if isinstance(d, str)]
            if comp.purl in seen:  # the same package locked again with extras
                position = seen[comp.purl]
                previous = result.components[position]
                result.components[position] = _combine(previous, comp)
            else:
                seen[comp.purl] = len(result.components)
                result.components.append(comp)
                by_name.setdefault(normalize_name(name), []).append(comp)
            deps_of.append((comp, deps))
    except ValueError as exc:
        raise ParseError(path, f"unreadable pdm.lock: {exc}") from None
    edges: set[tuple[str, str]] = set()
    for comp, deps in deps_of:
        for dep in deps:
            requirement = split_requirement(dep)
            if requirement is None:
                result.notes.append(FileProblem(path, "unsupported", f"unreadable dependency {dep[:120]!r}"))
                continue
            for target in by_name.get(normalize_name(requirement.name), []):
                if target.purl != comp.purl:
                    edges.add((comp.purl, target.purl))
    result.edges = sorted(edges)
    return result


def _combine(a: Component, b: Component) -> Component:
    return replace(
        a,
        scope=merge_scope(a.scope, b.scope),
        hashes=sorted_hashes(set(a.hashes) | set(b.hashes)),
        locations=tuple(sorted(set(a.locations) | set(b.locations), key=lambda x: (x.path, x.line or 0))),
        properties=tuple(sorted(set(a.properties) | set(b.properties))),
    )


PARSER = ParserSpec(name="pdm-lock", ecosystem=ECOSYSTEM, claims=claims, parse=parse)
