"""Pieces shared by the npm-family parsers (package-lock, yarn.lock, pnpm-lock, package.json).

Package names, purls, licences and line numbers are handled the same way for every npm
lockfile, so a package found by two of them merges into one component.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from packageurl import quote as _purl_quote

from ospo.inventory.purls import component, parse_sri
from ospo.model import Component, FileProblem, Hash, ParseError, Scope
from ospo.walk import load_yaml

ECOSYSTEM = "npm"

# Properties every npm parser uses, so reports can rely on one spelling.
PROP_ALIAS = "npm:alias"  # the name a package is installed under when it differs from its own
PROP_PEER = "npm:peer"
PROP_BUNDLED = "npm:bundled"
PROP_EXTRANEOUS = "npm:extraneous"
PROP_RESOLVED = "npm:resolved"  # where a non-registry package came from (git, tarball, file)


def split_name(full: str) -> tuple[str | None, str]:
    """'@scope/name' -> ('@scope', 'name'); 'name' -> (None, 'name')."""
    if full.startswith("@"):
        scope, sep, name = full.partition("/")
        if sep and name:
            return scope, name
    return None, full


@functools.lru_cache(maxsize=1 << 14)
def npm_purl(full_name: str, version: str | None) -> str:
    """The purl of an npm package, built directly: identical to `make_purl("npm", ...)`.

    PackageURL.to_string() costs ~20 µs and a big lockfile has thousands of packages, so the
    string is assembled here with packageurl's own quoting and normalisation steps (a
    property test checks the two agree). Unlike the library it never raises.
    """
    namespace, name = split_name(full_name)
    if _SIMPLE_NAME.fullmatch(name):
        name_part = name.lower()
    else:
        # The constructor normalises (strip, lower) and to_string() quotes and does it again.
        name_part = _purl_quote(name.strip().strip("/").lower()).strip().strip("/").lower()
    if namespace is None:
        head = "pkg:npm/" + name_part
    elif _SIMPLE_NAME.fullmatch(namespace[1:]):
        head = f"pkg:npm/%40{namespace[1:]}/{name_part}"
    else:
        segments = [seg for seg in namespace.strip().strip("/").split("/") if seg.strip()]
        segments = [seg for seg in "/".join(segments).strip().strip("/").split("/") if seg.strip()]
        quoted = "/".join(_purl_quote(seg) for seg in segments)
        head = f"pkg:npm/{quoted}/{name_part}" if quoted else "pkg:npm/" + name_part
    if version is None:
        return head
    if _SIMPLE_NAME.fullmatch(version):
        return f"{head}@{version}"
    quoted_version = _purl_quote(version.strip())
    return f"{head}@{quoted_version}" if quoted_version else head


_SIMPLE_NAME = re.compile(r"[A-Za-z0-9._~-]+")


def npm_component(
    full_name: str,
    version: str | None,
    path: str,
    *,
    line: int | None = None,
    scope: Scope = Scope.RUNTIME,
    direct: bool | None = None,
    declared_range: str | None = None,
    declared_license: str | None = None,
    hashes: tuple[Hash, ...] = (),
    download_url: str | None = None,
    properties: tuple[tuple[str, str], ...] = (),
    scope_known: bool = True,
) -> Component:
    """A Component for an npm package: `purls.component` with the faster npm purl builder."""
    namespace, name = split_name(full_name)
    return component(
        ECOSYSTEM,
        name,
        version,
        path,
        namespace=namespace,
        line=line,
        scope=scope,
        direct=direct,
        declared_range=declared_range,
        declared_license=declared_license,
        hashes=hashes,
        download_url=download_url,
        properties=properties,
        scope_known=scope_known,
        purl=npm_purl(full_name, version),
    )


def valid_name(name: object) -> bool:
    """Whether a value can be an npm package name (loosely: what npm has ever accepted)."""
    if not isinstance(name, str) or not name or len(name) > 214 or name != name.strip():
        return False
    if name.startswith("@"):
        scope, sep, rest = name.partition("/")
        return bool(sep) and len(scope) > 1 and bool(rest) and "/" not in rest
    return "/" not in name


def license_expression(value: object, legacy: object = None) -> str | None:
    """package.json `license` (string or {type}) or legacy `licenses` ([{type}] or [str]).

    Several legacy entries mean a choice (the convention of the time), joined with OR.
    """
    found = _one_license(value)
    if found:
        return found
    if isinstance(legacy, (str, dict)):
        return _one_license(legacy)
    if isinstance(legacy, list):
        parts = [p for p in (_one_license(item) for item in legacy[:20]) if p]
        unique = list(dict.fromkeys(parts))
        if len(unique) == 1:
            return unique[0]
        if unique:
            return " OR ".join(f"({p})" if " " in p else p for p in unique)
    return None


def _one_license(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("type") or value.get("name")
    if isinstance(value, str):
        text = value.strip()
        if text and len(text) <= 1000:
            return text
    return None


def hashes_from_integrity(value: object) -> tuple[Hash, ...]:
    if isinstance(value, str) and value:
        try:
            return parse_sri(value)
        except Exception:
            return ()
    return ()


def parse_alias(spec: str) -> tuple[str, str] | None:
    """'npm:real-name@range' -> ('real-name', 'range'); anything else -> None."""
    if not spec.startswith("npm:"):
        return None
    rest = spec[4:]
    at = rest.find("@", 1)
    name, rng = (rest, "*") if at < 0 else (rest[:at], rest[at + 1 :])
    # Berry writes plain registry ranges as 'npm:^1.2.0': not an alias.
    return (name, rng) if _ALIAS_NAME.fullmatch(name) else None


_ALIAS_NAME = re.compile(r"(?:@[A-Za-z0-9~*-][A-Za-z0-9._~*-]*/)?[A-Za-z0-9~-][A-Za-z0-9._~-]*")


def load_json_object(path: str, text: str) -> dict[str, Any]:
    """Parse JSON text into an object, or raise ParseError with the line of the fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"invalid JSON: {exc.msg}", exc.lineno) from exc
    except (ValueError, RecursionError) as exc:
        raise ParseError(path, f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ParseError(path, "expected a JSON object at the top level", 1)
    return data


# Anchored on the newline (not ^ with re.M) so the regex engine can skip ahead quickly.
_OBJECT_KEY = re.compile(r'\n[ \t]*"((?:[^"\\\n]|\\.)*)"[ \t]*:[ \t]*\{')


class KeyLines:
    """Lines where JSON object members `"key": {` start, looked up in document order.

    npm writes one key per line, so a single regex pass gives each entry's line. Lookups
    must come in the order the entries appear in the file (as json.loads yields them);
    a key not found ahead of the cursor gives None and leaves the cursor where it was.
    """

    def __init__(self, text: str) -> None:
        self._keys: list[str] = []
        self._lines: list[int] = []
        line = 1  # the line holding position `last`
        last = 0
        for match in _OBJECT_KEY.finditer(text):
            start = match.start()  # the newline ending the line before the key
            line += text.count("\n", last, start)
            last = start
            self._keys.append(match.group(1))
            self._lines.append(line + 1)
        self._cursor = 0
        self._index: dict[str, list[int]] | None = None

    def next(self, key: str) -> int | None:
        keys = self._keys
        i = self._cursor
        limit = min(len(keys), i + 64)
        while i < limit:
            if keys[i] == key:
                self._cursor = i + 1
                return self._lines[i]
            i += 1
        # Far ahead (or escaped differently): fall back to an index of positions.
        if self._index is None:
            self._index = {}
            for pos, k in enumerate(keys):
                self._index.setdefault(k, []).append(pos)
        for pos in self._index.get(key, ()):
            if pos >= self._cursor:
                self._cursor = pos + 1
                return self._lines[pos]
        return None


def load_yaml_mapping(path: str, text: str) -> dict[str, Any]:
    """Parse YAML text into a mapping, nesting bounded first (ospo.walk.load_yaml)."""
    data = load_yaml(path, text)
    if not isinstance(data, dict):
        raise ParseError(path, "expected a YAML mapping at the top level", 1)
    return data


_ANY_KEY = re.compile(r'^[ \t]*"((?:[^"\\\n]|\\.)*)"[ \t]*:', re.M)


class AnyKeyLines:
    """Lines of every `"key":` that starts a line; `after(key, line)` finds the first at or
    after a line (a dependency after its section's key)."""

    def __init__(self, text: str) -> None:
        self._index: dict[str, list[int]] = {}
        line = 1
        last = 0
        for match in _ANY_KEY.finditer(text):
            line += text.count("\n", last, match.start())
            last = match.start()
            self._index.setdefault(match.group(1), []).append(line)

    def after(self, key: str, line: int | None) -> int | None:
        lines = self._index.get(key)
        if not lines:
            return None
        if line is None:
            return lines[0]
        pos = bisect.bisect_left(lines, line)
        return lines[pos] if pos < len(lines) else None


MAX_NOTES = 100


def cap_notes(path: str, notes: list[FileProblem]) -> list[FileProblem]:
    """At most MAX_NOTES notes per file, then one that counts the rest (a hostile file
    must not flood the report)."""
    if len(notes) <= MAX_NOTES:
        return notes
    rest = len(notes) - MAX_NOTES
    return [*notes[:MAX_NOTES], FileProblem(path, "unsupported", f"... and {rest} more like these")]


def str_dict(value: object) -> Iterator[tuple[str, str]]:
    """The string-to-string members of a JSON/YAML mapping; anything else is skipped."""
    if isinstance(value, dict):
        for key, val in value.items():
            if isinstance(key, str) and isinstance(val, str):
                yield key, val


def is_non_registry(spec: str) -> bool:
    """Whether a version/resolved value points somewhere else than a registry version."""
    return spec.startswith(("git", "github:", "gitlab:", "bitbucket:", "http:", "https:", "file:", "link:")) or (
        "/" in spec and not spec.startswith("@")
    )
