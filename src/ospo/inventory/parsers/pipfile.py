"""Pipenv: Pipfile.lock (resolved) and Pipfile (declared).

Pipfile.lock sections: ``default`` is RUNTIME, ``develop`` DEV. A lock does not say which
packages are direct; the Pipfile in the same folder does, and the collector folds its
declared ranges into the lock's pins. Entries without a ``version`` (``git``, ``path``,
``file`` sources) are unresolved components carrying the source as ``download_url`` /
``python:path``. Markers and extras are kept as properties.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._python_support import (
    ECOSYSTEM,
    array,
    is_valid_name,
    parse_hash,
    string,
    table,
)
from ospo.inventory.purls import component
from ospo.model import FileProblem, Hash, ManifestResult, ParseError, Scope, sorted_hashes
from ospo.walk import load_toml

_SECTIONS = {"default": Scope.RUNTIME, "develop": Scope.DEV}
_PIPFILE_SECTIONS = {"packages": Scope.RUNTIME, "dev-packages": Scope.DEV}
_SECTION_LINE_RE = re.compile(r'^\s*"(default|develop)"\s*:\s*\{')
_ENTRY_LINE_RE = re.compile(r'^\s*"([^"]+)"\s*:\s*\{')


claims_lock = _claims.pipfile_lock


claims_pipfile = _claims.pipfile


def _entry_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, name) -> line, read from pipenv's stable 4-space layout; best effort."""
    lines: dict[tuple[str, str], int] = {}
    section: str | None = None
    section_indent = 0
    for number, line in enumerate(text.splitlines(), 1):
        m = _SECTION_LINE_RE.match(line)
        if m is not None:
            section = m.group(1)
            section_indent = len(line) - len(line.lstrip())
            continue
        if section is None:
            continue
        entry = _ENTRY_LINE_RE.match(line)
        if entry is not None and len(line) - len(line.lstrip()) == section_indent + 4:
            lines.setdefault((section, entry.group(1)), number)
    return lines


def _key_lines(body: list[str], header: str) -> dict[str, int]:
    """Line of each `key = ...` in the TOML table that starts with `header`."""
    found: dict[str, int] = {}
    inside = False
    for number, line in enumerate(body, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == header
            continue
        if inside and "=" in stripped:
            key = stripped.split("=", 1)[0].strip().strip("\"'")
            found.setdefault(key, number)
    return found


def _props(entry: dict[str, Any]) -> list[tuple[str, str]]:
    props: list[tuple[str, str]] = []
    marker = string(entry.get("markers"))
    if marker:
        props.append(("python:marker", marker))
    extras = [e for e in array(entry.get("extras")) if isinstance(e, str)]
    if extras:
        props.append(("python:extras", ",".join(sorted(extras))))
    return props


def parse_lock(path: str, text: str) -> ManifestResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"invalid JSON: {exc.msg}", exc.lineno) from None
    except (RecursionError, ValueError) as exc:
        raise ParseError(path, f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ParseError(path, "a Pipfile.lock is a JSON object")
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = _entry_lines(text)
    try:
        for section, scope in _SECTIONS.items():
            for name, entry_any in table(data.get(section)).items():
                entry = table(entry_any)
                line = lines.get((section, name))
                if not is_valid_name(name):
                    result.notes.append(FileProblem(path, "unsupported", f"invalid package name {name!r}", line))
                    continue
                version_spec = string(entry.get("version")) or ""
                version = version_spec.lstrip("=").strip() if version_spec.startswith("==") else None
                hashes: set[Hash] = set()
                for value in array(entry.get("hashes")):
                    parsed = parse_hash(value) if isinstance(value, str) else None
                    if parsed is not None:
                        hashes.add(Hash(*parsed))
                props = _props(entry)
                download_url: str | None = None
                git = string(entry.get("git"))
                if git is not None:
                    ref = string(entry.get("ref"))
                    download_url = f"git+{git}" + (f"@{ref}" if ref else "")
                    props.append(("python:source", "git"))
                for kind in ("path", "file"):
                    value = string(entry.get(kind))
                    if value is not None:
                        props.append(("python:source", kind))
                        if "://" in value:
                            download_url = download_url or value
                        else:
                            props.append(("python:path", value))
                if entry.get("editable") is True:
                    props.append(("python:editable", "true"))
                if version is None and git is None and not any(k == "python:source" for k, _ in props):
                    result.notes.append(
                        FileProblem(path, "note", f"{name} has no pinned version ({version_spec!r})", line)
                    )
                result.components.append(
                    component(
                        ECOSYSTEM,
                        name,
                        version,
                        path,
                        line=line,
                        scope=scope,
                        declared_range=None if version else (version_spec or None),
                        hashes=sorted_hashes(hashes),
                        download_url=download_url,
                        properties=tuple(sorted(props)),
                    )
                )
    except ValueError as exc:
        raise ParseError(path, f"unreadable Pipfile.lock: {exc}") from None
    return result


def parse_pipfile(path: str, text: str) -> ManifestResult:
    """Pipfile [packages] and [dev-packages]: declared, direct requirements."""
    data = load_toml(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    body = text.splitlines()
    try:
        for section, scope in _PIPFILE_SECTIONS.items():
            key_lines = _key_lines(body, f"[{section}]")
            for name, spec_any in table(data.get(section)).items():
                line = key_lines.get(name)
                if not is_valid_name(name):
                    result.notes.append(FileProblem(path, "unsupported", f"invalid package name {name!r}", line))
                    continue
                spec_table = table(spec_any)
                spec = spec_any if isinstance(spec_any, str) else string(spec_table.get("version"))
                props = _props(spec_table)
                download_url: str | None = None
                git = string(spec_table.get("git"))
                if git is not None:
                    ref = string(spec_table.get("ref"))
                    download_url = f"git+{git}" + (f"@{ref}" if ref else "")
                    props.append(("python:source", "git"))
                local = string(spec_table.get("path")) or string(spec_table.get("file"))
                if local is not None:
                    props.append(("python:source", "path"))
                    props.append(("python:path", local))
                comp = component(
                    ECOSYSTEM,
                    name,
                    None,
                    path,
                    line=line,
                    scope=scope,
                    direct=True,
                    declared_range=None if spec in (None, "*") else spec,
                    download_url=download_url,
                    properties=tuple(sorted(props)),
                )
                result.components.append(comp)
                result.edges.append((result.root_ref, comp.purl))
    except ValueError as exc:
        raise ParseError(path, f"unreadable Pipfile: {exc}") from None
    return result


PARSERS = (
    ParserSpec(name="pipfile-lock", ecosystem=ECOSYSTEM, claims=claims_lock, parse=parse_lock),
    ParserSpec(name="pipfile", ecosystem=ECOSYSTEM, claims=claims_pipfile, parse=parse_pipfile),
)
