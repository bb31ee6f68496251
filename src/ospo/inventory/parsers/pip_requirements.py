"""pip requirements files (requirements.txt, pip-compile output, constraints files).

What is claimed, by name: ``requirements*.txt`` and ``requirements*.in`` (pip-tools input),
``*-requirements.txt`` / ``*_requirements.txt``, ``constraints*.txt`` / ``*-constraints.txt``,
and any ``*.txt`` directly inside a folder named ``requirements``. Any other file a claimed
file names with ``-r``/``-c`` is not claimed by name but listed in
``ManifestResult.includes``; the collector then reads it with this parser, so it is
reported as well.

What each line becomes:

- ``name==1.0`` / ``name===1.0``: a resolved component (the exact pin). Its ``direct`` is
  read from pip-compile's ``# via`` comments when present (``# via -r ...`` is direct, ``#
  via pkg`` is transitive and becomes an edge pkg -> name); otherwise None, since a frozen
  file cannot tell.
- any other specifier (or none): a declared, unresolved range, direct.
- ``--hash=alg:hex`` options become hashes; the environment marker and extras are kept as
  the properties ``python:marker`` and ``python:extras``.
- URL, VCS, local path and ``-e`` lines: a component when a name is known (``#egg=``,
  ``name @ url``, a wheel or sdist file name) with ``download_url`` and the property
  ``python:source``; otherwise a note of kind ``unsupported``.
- Entries of a constraints file (by name, or reached with ``-c``) carry ``pip:constraint``:
  a constraint pins a version only if something else requires the package, so it is
  listed, marked, and not direct.
- Global options (``--index-url``, ``--find-links``...) change where pip looks, not what
  is installed; they are ignored. Unknown options are noted.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._python_support import (
    ECOSYSTEM,
    Requirement,
    is_valid_name,
    normalize_name,
    parse_hash,
    pypi_purl,
    split_requirement,
)
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError, Scope

_VIA_RE = re.compile(r"^\s*#\s+via\b(.*)$")
_VIA_MORE_RE = re.compile(r"^\s*#\s{2,}(\S.*)$")
_EGG_RE = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_NAMED_URL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@\s*\S")
_SDIST_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip")
_VERSION_RE = re.compile(r"^[0-9][A-Za-z0-9.+!_]*$")
_VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz")

# Options that take a value and change only where or how pip fetches.
_GLOBAL_VALUE_OPTIONS = {
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--trusted-host",
    "--no-binary",
    "--only-binary",
    "--use-feature",
    "--progress-bar",
}
_GLOBAL_FLAGS = {"--no-index", "--pre", "--prefer-binary", "--require-hashes", "--no-deps"}
_PER_REQ_VALUE_OPTIONS = {"--hash", "--global-option", "--install-option", "--config-settings", "-C"}
_INCLUDE_OPTIONS = {
    "-r": "requirement",
    "--requirement": "requirement",
    "-c": "constraint",
    "--constraint": "constraint",
}
_EDITABLE_OPTIONS = {"-e", "--editable"}


claims = _claims.pip_requirements


def is_constraints_file(relpath: str) -> bool:
    name = posixpath.basename(relpath).lower()
    return name.startswith("constraints") or name.rsplit(".", 1)[0].endswith(("-constraints", "_constraints"))


def scope_of_file(relpath: str) -> Scope:
    """Scope a file's name implies: requirements-dev.txt, requirements/test.txt..."""
    name = posixpath.basename(relpath).lower().rsplit(".", 1)[0]
    words = set(re.split(r"[-_.]+", name))
    if posixpath.basename(posixpath.dirname(relpath)).lower() == "requirements":
        words |= set(re.split(r"[-_.]+", name))
    if words & {"test", "tests", "testing"}:
        return Scope.TEST
    if words & {"dev", "develop", "development", "docs", "doc", "lint", "typing", "ci", "build"}:
        return Scope.DEV
    return Scope.RUNTIME


@dataclass
class _Entry:
    component: Component
    line: int
    via: list[str] = field(default_factory=list)
    via_seen: bool = False


@dataclass
class _Logical:
    text: str
    line: int
    end_line: int


def _strip_comment(text: str) -> str:
    """Text before the first '#' that starts the line or follows whitespace (pip's rule)."""
    index = text.find("#")
    while index != -1:
        if index == 0 or text[index - 1].isspace():
            return text[:index]
        index = text.find("#", index + 1)
    return text


def _logical_lines(text: str) -> tuple[list[_Logical], dict[int, list[str]]]:
    """Join continuation lines, strip comments; also collect `# via` comments by line.

    Returns the logical lines and, keyed by the line of the requirement they follow, the
    names pip-compile wrote in its `# via` comments.
    """
    logical: list[_Logical] = []
    vias: dict[int, list[str]] = {}
    pending: list[str] = []
    start = 0
    last_req_line = 0
    in_via = False
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            via = _VIA_RE.match(raw)
            if via is not None and last_req_line:
                rest = via.group(1).strip()
                vias.setdefault(last_req_line, [])
                if rest:
                    vias[last_req_line].append(rest)
                    in_via = False
                else:
                    in_via = True
                continue
            more = _VIA_MORE_RE.match(raw) if in_via else None
            if more is not None:
                vias[last_req_line].append(more.group(1).strip())
                continue
            in_via = False
        if not pending:
            start = number
        line = raw
        if line.endswith("\\") and _strip_comment(line[:-1]) == line[:-1]:
            pending.append(line[:-1])
            continue
        pending.append(line)
        joined = _strip_comment(" ".join(pending)).strip()
        pending = []
        if joined:
            logical.append(_Logical(joined, start, number))
            if not joined.startswith("-") or joined.startswith(("-e", "--editable")):
                last_req_line = start
    if pending:
        joined = _strip_comment(" ".join(pending)).strip()
        if joined:
            logical.append(_Logical(joined, start, start + len(pending) - 1))
    return logical, vias


def _split_options(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split trailing per-requirement options (`--hash=...`) from the requirement text."""
    options: list[tuple[str, str]] = []
    tokens = text.split()
    req_tokens: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.startswith("-") and req_tokens:
            name, sep, value = token.partition("=")
            if not sep and index + 1 < len(tokens) and not tokens[index + 1].startswith("-"):
                value = tokens[index + 1]
                index += 1
            options.append((name, value))
        else:
            req_tokens.append(token)
        index += 1
    return " ".join(req_tokens), options


def _name_from_location(location: str) -> tuple[str | None, str | None]:
    """Name and version a URL or path reveals: `#egg=`, a wheel or an sdist file name."""
    egg = _EGG_RE.search(location)
    if egg is not None:
        name = egg.group(1)
        # `egg=name-1.0` is legacy; keep the name only when it splits cleanly.
        return name, None
    filename = posixpath.basename(location.split("#", 1)[0].split("?", 1)[0])
    if filename.endswith(".whl"):
        # name-version(-build)?-python-abi-platform.whl; names use '_' instead of '-'
        parts = filename[:-4].split("-")
        if len(parts) in (5, 6) and _VERSION_RE.match(parts[1]) and is_valid_name(parts[0]):
            return parts[0], parts[1]
        return None, None
    for suffix in _SDIST_SUFFIXES:
        if filename.lower().endswith(suffix):
            stem = filename[: -len(suffix)]
            # the version starts at the first '-' followed by a digit
            for index in range(1, len(stem) - 1):
                if stem[index] == "-" and stem[index + 1].isdigit():
                    name, version = stem[:index], stem[index + 1 :]
                    if is_valid_name(name) and _VERSION_RE.match(version):
                        return name, version
                    return None, None
    return None, None


def _source_kind(location: str, editable: bool) -> str:
    if location.startswith(_VCS_PREFIXES):
        return "vcs"
    if "://" in location and not location.startswith("file:"):
        return "url"
    return "editable" if editable else "path"


def _is_location(text: str) -> bool:
    return (
        text.startswith(_VCS_PREFIXES)
        or "://" in text
        or text.startswith((".", "/", "~", "file:"))
        or text.lower().split("#", 1)[0].endswith(_ARCHIVE_SUFFIXES)
        or ("/" in text and not text.startswith(("<", ">", "=", "!", "~")) and "@" not in text)
    )


class _Reader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
        self.constraints = is_constraints_file(path)
        self.scope = scope_of_file(path)
        self.entries: list[_Entry] = []

    def note(self, kind: str, message: str, line: int) -> None:
        self.result.notes.append(FileProblem(self.path, kind, message, line))

    def read(self) -> ManifestResult:
        logical, vias = _logical_lines(self.text)
        for item in logical:
            self.read_line(item)
        self.apply_vias(vias)
        root = self.result.root_ref
        seen = set(self.result.edges)
        for entry in self.entries:
            edge = (root, entry.component.purl)
            if entry.component.direct and edge not in seen:
                seen.add(edge)
                self.result.edges.append(edge)
        self.result.components = [e.component for e in self.entries]
        return self.result

    def read_line(self, item: _Logical) -> None:
        text = item.text
        if text.startswith("-"):
            option, sep, value = text.partition("=") if text.startswith("--") else ("", "", "")
            if not sep:
                option, _, value = text.partition(" ")
            option = option.strip()
            value = value.strip()
            if option in _INCLUDE_OPTIONS:
                self.include(value, _INCLUDE_OPTIONS[option], item.line)
            elif option in _EDITABLE_OPTIONS:
                req, options = _split_options(value)
                self.location_line(req, options, item, editable=True)
            elif option in _GLOBAL_VALUE_OPTIONS or option in _GLOBAL_FLAGS:
                return
            else:
                self.note("unsupported", f"unknown pip option {option!r} ignored", item.line)
            return
        req_text, options = _split_options(text)
        if _NAMED_URL_RE.match(req_text):
            self.location_line(req_text, options, item, editable=False)
            return
        requirement = split_requirement(req_text) if not _is_location(req_text) else None
        if requirement is not None and requirement.url is None:
            self.requirement_line(requirement, options, item)
        elif _is_location(req_text):
            self.location_line(req_text, options, item, editable=False)
        else:
            self.note("unsupported", f"not a requirement: {req_text[:120]!r}", item.line)

    def include(self, target: str, kind: str, line: int) -> None:
        target = target.strip().strip("'\"")
        if not target:
            self.note("unsupported", f"-{kind[0]} without a file name", line)
            return
        if "://" in target:
            self.note("unsupported", f"remote {kind} file {target!r} not read", line)
            return
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), target))
        if target.startswith(("/", "~")) or resolved == ".." or resolved.startswith("../"):
            self.note("unsupported", f"{kind} file {target!r} is outside the scanned tree; not read", line)
            return
        self.result.includes.append(resolved)
        self.note("note", f"includes {kind} file {resolved}", line)

    def properties(self, marker: str | None, extras: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        props: list[tuple[str, str]] = []
        if marker:
            props.append(("python:marker", marker))
        if extras:
            props.append(("python:extras", ",".join(sorted(extras))))
        if self.constraints:
            props.append(("pip:constraint", "true"))
        return tuple(props)

    def hashes(self, options: list[tuple[str, str]], line: int) -> tuple[Hash, ...]:
        found: list[Hash] = []
        for name, value in options:
            if name == "--hash":
                parsed = parse_hash(value)
                if parsed is None:
                    self.note("unsupported", f"unreadable hash {value[:80]!r}", line)
                else:
                    found.append(Hash(*parsed))
            elif name not in _PER_REQ_VALUE_OPTIONS:
                self.note("unsupported", f"unknown requirement option {name!r} ignored", line)
        return tuple(sorted(set(found)))

    def requirement_line(self, requirement: Requirement, options: list[tuple[str, str]], item: _Logical) -> None:
        specifier = requirement.specifier
        version = requirement.pinned_version
        direct: bool | None = None if version else True
        if self.constraints:
            direct = False
        comp = component(
            ECOSYSTEM,
            requirement.name,
            version,
            self.path,
            line=item.line,
            scope=self.scope,
            direct=direct,
            declared_range=specifier or None,
            hashes=self.hashes(options, item.line),
            properties=self.properties(requirement.marker, requirement.extras),
        )
        self.entries.append(_Entry(comp, item.line))

    def location_line(self, text: str, options: list[tuple[str, str]], item: _Logical, *, editable: bool) -> None:
        marker: str | None = None
        extras: tuple[str, ...] = ()
        name: str | None = None
        version: str | None = None
        location = text
        requirement = split_requirement(text) if _NAMED_URL_RE.match(text) else None
        if requirement is not None and requirement.url:
            name, location, marker, extras = (
                requirement.name,
                requirement.url,
                requirement.marker,
                requirement.extras,
            )
        else:
            location, _, marker_text = text.partition(" ;")
            location = location.strip()
            marker = marker_text.strip() or None
            # A path may carry extras: `./pkg[extra]`.
            base, hash_sep, fragment = location.partition("#")
            opening = base.rfind("[")
            if base.endswith("]") and opening > 0 and not location.startswith(_VCS_PREFIXES):
                extras = tuple(e.strip() for e in base[opening + 1 : -1].split(",") if e.strip())
                location = base[:opening] + hash_sep + fragment
        found_name, found_version = _name_from_location(location)
        name = name or found_name
        version = found_version if found_name and (name is None or _same(name, found_name)) else None
        kind = _source_kind(location, editable)
        if name is None or not is_valid_name(name):
            self.note(
                "unsupported",
                f"{kind} requirement {location[:200]!r} names no package; not inventoried",
                item.line,
            )
            return
        props = (*self.properties(marker, extras), ("python:source", kind))
        if editable:
            props = (*props, ("python:editable", "true"))
        comp = component(
            ECOSYSTEM,
            name,
            version,
            self.path,
            line=item.line,
            scope=self.scope,
            direct=not self.constraints,
            declared_range=None,
            hashes=self.hashes(options, item.line),
            download_url=location,
            properties=tuple(sorted(props)),
        )
        self.entries.append(_Entry(comp, item.line))

    def apply_vias(self, vias: dict[int, list[str]]) -> None:
        """Use pip-compile's `# via` comments for direct/transitive and for edges."""
        if not vias:
            return
        purl_by_name = {normalize_name(e.component.name): e.component.purl for e in self.entries}
        for index, entry in enumerate(self.entries):
            sources = vias.get(entry.line)
            if sources is None:
                continue
            direct = any(s.startswith(("-r", "-c")) for s in sources)
            for source in sources:
                if source.startswith("-"):
                    continue
                for token in re.split(r"[,\s]+", source):
                    token = token.strip()
                    if not token or not is_valid_name(token):
                        continue
                    src = purl_by_name.get(normalize_name(token))
                    if src is not None and src != entry.component.purl:
                        self.result.edges.append((src, entry.component.purl))
            if entry.component.direct is None and not self.constraints:
                self.entries[index] = _Entry(replace(entry.component, direct=direct), entry.line, sources, True)


def _same(a: str, b: str) -> bool:
    return normalize_name(a) == normalize_name(b)


def parse(path: str, text: str) -> ManifestResult:
    try:
        return _Reader(path, text).read()
    except ParseError:
        raise
    except (ValueError, RecursionError) as exc:  # a purl the library refuses, say
        raise ParseError(path, f"unreadable requirements file: {exc}") from None


PARSER = ParserSpec(name="pip-requirements", ecosystem=ECOSYSTEM, claims=claims, parse=parse)
__all__ = ["PARSER", "claims", "parse", "pypi_purl"]
