"""yarn.lock: Yarn classic (v1, its own indented text format) and Yarn Berry (YAML).

Both map descriptors (`name@range`, several per entry) to one resolved package, and list
each package's dependencies as descriptors, so edges are exact lookups. Neither records
whether a package is for development: scopes come from the package.json files the
collector folds in (direct dependencies only). Berry workspaces (`workspace:`), `link:`
and `portal:` entries are in-tree folders, reported as project refs, not components.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import replace
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._npm import (
    ECOSYSTEM,
    PROP_ALIAS,
    PROP_RESOLVED,
    cap_notes,
    hashes_from_integrity,
    load_yaml_mapping,
    npm_component,
    parse_alias,
    str_dict,
    valid_name,
)
from ospo.inventory.parsers.npm_lock import project_ref
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError, Scope

PROP_PATCH = "yarn:patch"
PROP_CHECKSUM = "yarn:checksum"  # Berry: digest of Yarn's cache zip, not of the npm tarball
_DEP_KINDS = ("dependencies", "optionalDependencies")
_MAX_DEPTH = 8


claims = _claims.yarn_lock


def parse(path: str, text: str) -> ManifestResult:
    result = _parse(path, text)
    result.notes = cap_notes(path, result.notes)
    return result


def _parse(path: str, text: str) -> ManifestResult:
    if _is_berry(text):
        return _parse_berry(path, text)
    return _parse_classic(path, text)


def _is_berry(text: str) -> bool:
    return text.startswith("__metadata:") or "\n__metadata:" in text


def split_descriptor(descriptor: str) -> tuple[str, str]:
    """'@scope/name@^1' -> ('@scope/name', '^1'); a bare name gets the range ''."""
    at = descriptor.find("@", 1)
    if at < 0:
        return descriptor, ""
    return descriptor[:at], descriptor[at + 1 :]


# --- Yarn classic ------------------------------------------------------------------------

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|([^\s"]+)')


def _unquote(token: re.Match[str]) -> str:
    quoted = token.group(1)
    if quoted is None:
        return token.group(2)
    if "\\" not in quoted:
        return quoted
    try:
        value = json.loads(f'"{quoted}"')
    except ValueError:
        return quoted
    return value if isinstance(value, str) else quoted


def _split_keys(head: str) -> list[str]:
    keys: list[str] = []
    for part in re.finditer(r'"((?:[^"\\]|\\.)*)"|([^,]+)', head):
        value = part.group(1) if part.group(1) is not None else part.group(2).strip()
        if value:
            keys.append(value)
    return keys


def _parse_classic_blocks(path: str, text: str) -> list[tuple[list[str], dict[str, Any], int]]:
    """The entries of a classic lockfile: (descriptors, fields, line of the entry)."""
    entries: list[tuple[list[str], dict[str, Any], int]] = []
    current: dict[str, Any] | None = None
    stack: list[tuple[int, dict[str, Any]]] = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r ")
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if indent == 0:
            if not stripped.endswith(":"):
                raise ParseError(path, "expected an entry header ending with ':'", lineno)
            keys = _split_keys(stripped[:-1])
            if not keys:
                raise ParseError(path, "entry without descriptors", lineno)
            current = {}
            stack = [(0, current)]
            entries.append((keys, current, lineno))
            continue
        if current is None:
            raise ParseError(path, "indented line outside an entry", lineno)
        while stack and indent <= stack[-1][0] and len(stack) > 1:
            stack.pop()
        target = stack[-1][1]
        if stripped.endswith(":") and " " not in stripped.strip('"').rstrip(":"):
            if len(stack) >= _MAX_DEPTH:
                raise ParseError(path, "nested too deep", lineno)
            key = stripped[:-1].strip('"')
            block: dict[str, Any] = {}
            target[key] = block
            stack.append((indent, block))
            continue
        tokens = list(_TOKEN.finditer(stripped))
        if len(tokens) < 2:
            if len(tokens) == 1:
                target[_unquote(tokens[0])] = ""
                continue
            raise ParseError(path, "expected 'key value'", lineno)
        target[_unquote(tokens[0])] = _unquote(tokens[1])
    return entries


def _parse_classic(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    blocks = _parse_classic_blocks(path, text)
    by_descriptor: dict[str, str] = {}
    comps: dict[str, Component] = {}
    pending: list[tuple[str, dict[str, Any]]] = []
    for keys, fields, line in blocks:
        installed_as, rng = split_descriptor(keys[0])
        name = installed_as
        props: list[tuple[str, str]] = []
        alias = parse_alias(rng)
        if alias is not None:
            name = alias[0]
            props.append((PROP_ALIAS, installed_as))
        version = fields.get("version")
        if not valid_name(name) or not isinstance(version, str) or not version.strip():
            result.notes.append(FileProblem(path, "unsupported", f"entry {keys[0]!r} has no usable name/version", line))
            continue
        resolved = fields.get("resolved") if isinstance(fields.get("resolved"), str) else None
        hashes = hashes_from_integrity(fields.get("integrity"))
        if resolved and not hashes and "#" in resolved and "/-/" in resolved:
            digest = resolved.rpartition("#")[2]
            if re.fullmatch(r"[0-9a-f]{40}", digest):
                hashes = (Hash("sha1", digest),)
        if resolved and "/-/" not in resolved:
            props.append((PROP_RESOLVED, resolved))
        download = resolved.partition("#")[0] if resolved and "/-/" in resolved else resolved
        comp = npm_component(
            name,
            version,
            path,
            line=line,
            hashes=hashes,
            download_url=download or None,
            properties=tuple(props),
            scope_known=False,
        )
        prev = comps.get(comp.purl)
        if prev is None:
            comps[comp.purl] = comp
        elif props:
            comps[comp.purl] = replace(prev, properties=tuple(sorted(set(prev.properties) | set(props))))
        for key in keys:
            by_descriptor[key] = comp.purl
        pending.append((comp.purl, fields))
    for purl, fields in pending:
        for kind in _DEP_KINDS:
            for dep, rng in str_dict(fields.get(kind)):
                target = by_descriptor.get(f"{dep}@{rng}")
                if target is not None and target != purl:
                    result.edges.append((purl, target))
    result.components = list(comps.values())
    return result


# --- Yarn Berry --------------------------------------------------------------------------


_TOP_KEY = re.compile(r'^("?)([^\s#"][^"\n]*?)\1:[ \t]*$', re.M)


def _top_lines(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    line = 1
    last = 0
    for match in _TOP_KEY.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        found.setdefault(match.group(2), line)
    return found


def _parse_berry(path: str, text: str) -> ManifestResult:
    data = load_yaml_mapping(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = _top_lines(text)
    by_descriptor: dict[str, str] = {}
    by_bare: dict[str, str] = {}
    comps: dict[str, Component] = {}
    workspaces: dict[str, dict[str, Any]] = {}
    pending: list[tuple[str, dict[str, Any]]] = []
    for key, entry in data.items():
        if key == "__metadata":
            continue
        line = lines.get(str(key))
        if not isinstance(key, str) or not isinstance(entry, dict):
            result.notes.append(FileProblem(path, "unsupported", f"entry {key!r} is not a mapping", line))
            continue
        resolution = entry.get("resolution")
        if not isinstance(resolution, str):
            result.notes.append(FileProblem(path, "unsupported", f"entry {key!r} has no resolution", line))
            continue
        ref = _berry_ref(path, key, resolution, entry, line, result, comps)
        if ref is None:
            continue
        for descriptor in key.split(","):
            by_descriptor[descriptor.strip()] = ref
            # Relative descriptors are keyed with their '::locator=...' binding; a
            # dependency names them without it.
            bare = descriptor.strip().split("::", 1)[0]
            by_bare.setdefault(bare, ref)
        if ref.startswith("file:"):
            workspaces[ref] = entry
        pending.append((ref, entry))
    for ref, entry in pending:
        for kind in _DEP_KINDS:
            for dep, rng in str_dict(entry.get(kind)):
                target = by_descriptor.get(f"{dep}@{rng}") or by_bare.get(f"{dep}@{rng}")
                if target is None and ":" not in rng:
                    target = by_descriptor.get(f"{dep}@npm:{rng}")
                if target is None or target == ref:
                    continue
                result.edges.append((ref, target))
                if ref in workspaces and target in comps:
                    comp = comps[target]
                    if not comp.direct:
                        declared = rng[4:] if rng.startswith("npm:") else rng
                        alias = parse_alias(rng)
                        comps[target] = _direct(comp, alias[1] if alias else declared)
    result.components = list(comps.values())
    return result


def _direct(comp: Component, declared: str) -> Component:
    return replace(comp, direct=True, declared_range=declared)


def _berry_ref(
    path: str,
    key: str,
    resolution: str,
    entry: dict[str, Any],
    line: int | None,
    result: ManifestResult,
    comps: dict[str, Component],
) -> str | None:
    name, locator = split_descriptor(resolution)
    protocol, _, reference = locator.partition(":")
    if protocol in ("workspace", "link", "portal"):
        target = reference.split("::", 1)[0]
        if protocol != "workspace":
            base = _locator_workspace(reference)
            target = posixpath.join(base, target)
        return project_ref(path, target)
    version = entry.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)
    if not valid_name(name) or not isinstance(version, str) or not version.strip():
        result.notes.append(FileProblem(path, "unsupported", f"entry {key!r}: no name/version", line))
        return None
    props: list[tuple[str, str]] = []
    for descriptor in key.split(","):
        installed_as = split_descriptor(descriptor.strip())[0]
        if installed_as != name and valid_name(installed_as):
            props.append((PROP_ALIAS, installed_as))
    if protocol == "patch":
        props.append((PROP_PATCH, reference))
    elif protocol != "npm":
        props.append((PROP_RESOLVED, locator))
    checksum = entry.get("checksum")
    if isinstance(checksum, str) and checksum:
        props.append((PROP_CHECKSUM, checksum))
    comp = npm_component(
        name,
        version,
        path,
        line=line,
        scope=Scope.RUNTIME,
        properties=tuple(props),
        scope_known=False,
    )
    prev = comps.get(comp.purl)
    if prev is None:
        comps[comp.purl] = comp
    else:
        comps[comp.purl] = replace(prev, properties=tuple(sorted(set(prev.properties) | set(props))))
    return comp.purl


def _locator_workspace(reference: str) -> str:
    """`../x::locator=root%40workspace%3A.` -> the workspace folder links are relative to."""
    from urllib.parse import unquote

    _, _, params = reference.partition("::")
    for param in params.split("&"):
        key, _, value = param.partition("=")
        if key == "locator":
            loc = unquote(value)
            _, rest = split_descriptor(loc)
            if rest.startswith("workspace:"):
                return rest[len("workspace:") :]
    return "."


PARSER = ParserSpec(name="yarn-lock", ecosystem=ECOSYSTEM, claims=claims, parse=parse)
