"""Summaries of a licence scan: what the tree declares, and what each top-level folder holds.

The declared licence of a folder is what its package metadata says when it says something
(package.json, pyproject.toml, Cargo.toml, setup.cfg at that folder's top), else what its
top-level licence files (LICENSE, COPYING, ...; README only when there is none) hold.
"""

from __future__ import annotations

import json
import os
import re

from ospo.model import FileLicenses, MatchKind, PackageLicenses, ParseError
from ospo.walk import load_toml

LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|copyright|unlicen[cs]e|notice|legal|mit-license)([-._].*)?$", re.I)
README_FILE = re.compile(r"^readme([-._].*)?$", re.I)
METADATA_FILES = ("package.json", "pyproject.toml", "Cargo.toml", "setup.cfg")
MAX_METADATA_BYTES = 1 << 20
_STRONG = (MatchKind.TAG, MatchKind.TEXT, MatchKind.NOTICE, MatchKind.REFERENCE, MatchKind.DECLARED)


def metadata_license(folder: str) -> tuple[str | None, str | None]:
    """(licence expression, file name) from the package metadata at `folder`'s top."""
    for name in METADATA_FILES:
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_METADATA_BYTES)
        except OSError:
            continue
        value = _metadata_value(name, raw)
        if value:
            return value, name
    return None, None


def _metadata_value(name: str, raw: bytes) -> str | None:
    text = raw.decode("utf-8", errors="replace")
    try:
        if name == "package.json":
            doc = json.loads(text)
            value = doc.get("license") if isinstance(doc, dict) else None
            if isinstance(value, dict):
                value = value.get("type")
            return value.strip() if isinstance(value, str) and value.strip() else None
        if name in ("pyproject.toml", "Cargo.toml"):
            doc = load_toml(name, text)
            section = doc.get("project" if name == "pyproject.toml" else "package", {})
            value = section.get("license") if isinstance(section, dict) else None
            if isinstance(value, dict):
                value = value.get("text")
            return value.strip() if isinstance(value, str) and value.strip() else None
        match = re.search(r"^license\s*=\s*(.+)$", text, re.M)
        return match.group(1).strip() if match else None
    except (ValueError, ParseError):
        return None


def _normalise(expression: str) -> str:
    from ospo.licenses.spdx_tags import normalise

    return normalise(expression)[0]


def _combine(expressions: list[str]) -> str | None:
    distinct = list(dict.fromkeys(expressions))
    if not distinct:
        return None
    if len(distinct) == 1:
        return distinct[0]
    return " AND ".join(f"({e})" if " OR " in e else e for e in distinct)


def _declared(
    folder_rel: str, root: str, by_path: dict[str, FileLicenses], declared_metadata: str | None
) -> tuple[str | None, tuple[str, ...]]:
    base = os.path.join(root, folder_rel) if folder_rel != "." else root
    meta, meta_file = (declared_metadata, "(metadata)") if declared_metadata else metadata_license(base)
    if meta:
        where = meta_file if folder_rel == "." or meta_file == "(metadata)" else f"{folder_rel}/{meta_file}"
        return _normalise(meta), (where or "",)
    prefix = "" if folder_rel == "." else folder_rel + "/"
    top = [r for p, r in by_path.items() if p.startswith(prefix) and "/" not in p[len(prefix) :] and r.findings]
    for pattern in (LICENSE_FILE, README_FILE):
        chosen = [r for r in top if pattern.match(r.path.rsplit("/", 1)[-1])]
        expressions = [f.expression for r in chosen for f in r.findings if f.kind in _STRONG]
        if expressions:
            return _combine(expressions), tuple(sorted(r.path for r in chosen))
    return None, ()


def summarise(root: str, results: list[FileLicenses], declared_metadata: str | None = None) -> list[PackageLicenses]:
    """The root's summary (folder ".") and one per top-level folder holding findings."""
    by_path = {r.path: r for r in results}
    folders: dict[str, list[FileLicenses]] = {".": list(results)}
    if not os.path.isfile(root):
        for r in results:
            if "/" in r.path:
                folders.setdefault(r.path.split("/", 1)[0], []).append(r)
    out: list[PackageLicenses] = []
    for folder, members in folders.items():
        detected = sorted({f.expression for r in members for f in r.findings})
        declared, sources = _declared(folder, root, by_path, declared_metadata if folder == "." else None)
        if folder != "." and not detected and declared is None:
            continue
        out.append(
            PackageLicenses(
                folder=folder,
                declared=declared,
                declared_from=sources,
                detected=tuple(detected),
                files_with_licenses=sum(1 for r in members if r.findings),
            )
        )
    out.sort(key=lambda p: (p.folder != ".", p.folder))
    return out
