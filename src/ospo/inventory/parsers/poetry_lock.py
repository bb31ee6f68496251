"""poetry.lock (lock-version 1.x and 2.x).

Scope comes from the package's own record, which Poetry computes over the whole graph:
Poetry >= 1.5 writes ``groups`` (``main`` is RUNTIME; otherwise the least-shipped reading of
the group names: test-like TEST, anything else DEV), older Poetry writes ``category``
(``main``/``dev``). ``optional = true`` (a package only an extra pulls in) is OPTIONAL
when it would otherwise be RUNTIME.

Hashes come from ``files`` per package (lock 2.0) or ``[metadata.files]`` (lock 1.x).
``[package.dependencies]`` become edges to the locked packages of those names (all
versions, when the lock holds several under different markers); an optional dependency
(one only an extra needs) is an edge when its target is locked, since the lock does not
record which extras were asked for. Which packages are direct is not in the lock: the
pyproject.toml beside it says, and the collector folds it in.
Sources: ``git`` (download_url ``git+url@resolved_reference``), ``url``, ``file`` /
``directory`` (``python:path``), ``legacy`` (a private index: ``python:index``).
"""

from __future__ import annotations

from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._python_support import (
    ECOSYSTEM,
    array,
    array_of_tables_lines,
    file_hashes,
    is_valid_name,
    normalize_name,
    scope_for_group,
    string,
    table,
)
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, ManifestResult, ParseError, Scope, merge_scope, sorted_hashes
from ospo.walk import load_toml

claims = _claims.poetry_lock


def _scope(raw: dict[str, Any]) -> Scope:
    groups = [g for g in array(raw.get("groups")) if isinstance(g, str)]
    if groups:
        if "main" in groups:
            scope = Scope.RUNTIME
        else:
            scope = scope_for_group(groups[0])
            for group in groups[1:]:
                scope = merge_scope(scope, scope_for_group(group))
    else:
        category = string(raw.get("category")) or "main"
        scope = Scope.RUNTIME if category == "main" else scope_for_group(category)
    if scope is Scope.RUNTIME and raw.get("optional") is True:
        scope = Scope.OPTIONAL
    return scope


def _source(raw: dict[str, Any]) -> tuple[str | None, list[tuple[str, str]]]:
    source = table(raw.get("source"))
    kind = string(source.get("type"))
    url = string(source.get("url"))
    if kind is None or url is None:
        return None, []
    if kind == "git":
        ref = string(source.get("resolved_reference")) or string(source.get("reference"))
        return f"git+{url}" + (f"@{ref}" if ref else ""), [("python:source", "git")]
    if kind == "url":
        return url, [("python:source", "url")]
    if kind in ("file", "directory"):
        return None, [("python:source", kind), ("python:path", url)]
    if kind == "legacy":
        return None, [("python:index", url)]
    return None, [("python:source", kind)]


def _dependency_names(raw: dict[str, Any]) -> list[str]:
    return [name for name in table(raw.get("dependencies")) if isinstance(name, str)]


def parse(path: str, text: str) -> ManifestResult:
    data = load_toml(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    packages = array(data.get("package"))
    lines = array_of_tables_lines(text, "package")
    if len(lines) != len(packages):
        lines = []
    metadata_files = table(table(data.get("metadata")).get("files"))
    old_files = {normalize_name(str(k)): array(v) for k, v in metadata_files.items()}
    by_name: dict[str, list[Component]] = {}
    deps_of: list[tuple[Component, list[str]]] = []
    try:
        for index, raw_any in enumerate(packages):
            raw = table(raw_any)
            line = lines[index] if lines else None
            name = string(raw.get("name"))
            if name is None or not is_valid_name(name):
                result.notes.append(FileProblem(path, "unsupported", "package entry without a valid name", line))
                continue
            version = string(raw.get("version"))
            hashes = file_hashes(array(raw.get("files"))) | file_hashes(old_files.get(normalize_name(name), []))
            download_url, props = _source(raw)
            extras = sorted(str(e) for e in table(raw.get("extras")))
            if extras:
                props.append(("python:provides-extras", ",".join(extras)))
            markers = raw.get("markers")
            marker = string(markers) or "; ".join(
                f"{group}: {value}" for group, value in sorted(table(markers).items()) if isinstance(value, str)
            )
            if marker:
                props.append(("python:marker", marker))
            comp = component(
                ECOSYSTEM,
                name,
                version,
                path,
                line=line,
                scope=_scope(raw),
                hashes=sorted_hashes(hashes),
                download_url=download_url,
                properties=tuple(sorted(props)),
            )
            result.components.append(comp)
            by_name.setdefault(normalize_name(name), []).append(comp)
            deps_of.append((comp, _dependency_names(raw)))
    except ValueError as exc:
        raise ParseError(path, f"unreadable poetry.lock: {exc}") from None
    edges: set[tuple[str, str]] = set()
    for comp, names in deps_of:
        for dep in names:
            for target in by_name.get(normalize_name(dep), []):
                if target.purl != comp.purl:
                    edges.add((comp.purl, target.purl))
    result.edges = sorted(edges)
    return result


PARSER = ParserSpec(name="poetry-lock", ecosystem=ECOSYSTEM, claims=claims, parse=parse)
