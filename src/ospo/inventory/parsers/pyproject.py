"""pyproject.toml: the project and the dependencies it declares.

The project (``[project]`` name/version, else ``[tool.poetry]``) is ``root``. Declared
dependencies are unresolved components, direct, with an edge from the project; a lockfile
in the same or an ancestor folder (uv.lock, poetry.lock, pdm.lock) pins them and the
collector folds each range into its pin. Read:

- PEP 621 ``[project] dependencies`` (RUNTIME) and ``optional-dependencies`` (OPTIONAL,
  the extra's name in ``python:extra``);
- PEP 735 ``[dependency-groups]`` (``include-group`` followed), ``[tool.uv]
  dev-dependencies``, ``[tool.pdm.dev-dependencies]``: DEV, or TEST for test-like group
  names;
- Poetry ``[tool.poetry.dependencies]`` (``python`` skipped; ``optional = true`` is
  OPTIONAL), ``[tool.poetry.dev-dependencies]`` and ``[tool.poetry.group.<g>.dependencies]``.

A requirement on the project itself (``myproj[extra]`` inside its own extras) is not a
component. URL, VCS and path requirements keep their location (``download_url`` or
``python:path``) and ``python:source``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._python_support import (
    ECOSYSTEM,
    array,
    is_valid_name,
    normalize_name,
    scope_for_group,
    split_requirement,
    string,
    table,
)
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, ManifestResult, ParseError, Scope
from ospo.walk import load_toml

_HEADER_RE = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
_KEY_RE = re.compile(r"""^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=""")
_QUOTED_RE = re.compile(r""""((?:[^"\\]|\\.)*)"|'([^']*)'""")
MAX_INCLUDE_DEPTH = 32


claims = _claims.pyproject


class _Lines:
    """Where strings and keys are, for locations: tomllib gives no positions."""

    def __init__(self, text: str) -> None:
        self.strings: dict[str, int] = {}
        self.keys: dict[tuple[str, str], int] = {}
        section = ""
        for number, line in enumerate(text.splitlines(), 1):
            header = _HEADER_RE.match(line)
            if header is not None and "=" not in line.split("]", 1)[0]:
                section = header.group(1).replace('"', "").replace("'", "").replace(" ", "")
                continue
            key = _KEY_RE.match(line)
            if key is not None:
                self.keys.setdefault((section, key.group(1)), number)
            for match in _QUOTED_RE.finditer(line):
                value = match.group(1) if match.group(1) is not None else match.group(2)
                self.strings.setdefault(value, number)

    def of_string(self, value: str) -> int | None:
        return self.strings.get(value)

    def of_key(self, section: str, key: str) -> int | None:
        return self.keys.get((section, key))


class _Reader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
        self.lines = _Lines("")
        self.self_name: str | None = None
        self.edges: set[tuple[str, str]] = set()
        self.expanded: dict[str, list[Any]] = {}

    def note(self, kind: str, message: str, line: int | None) -> None:
        self.result.notes.append(FileProblem(self.path, kind, message, line))

    def read(self) -> ManifestResult:
        data = load_toml(self.path, self.text)
        self.lines = _Lines(self.text)
        project = table(data.get("project"))
        tool = table(data.get("tool"))
        poetry = table(tool.get("poetry"))
        self.read_root(project, poetry)
        for requirement in array(project.get("dependencies")):
            self.pep508(requirement, Scope.RUNTIME, None)
        for extra, requirements in table(project.get("optional-dependencies")).items():
            for requirement in array(requirements):
                self.pep508(requirement, Scope.OPTIONAL, ("python:extra", str(extra)))
        groups = table(data.get("dependency-groups"))
        for group in groups:
            for requirement in self.expand_group(groups, str(group), 0, set()):
                self.pep508(requirement, scope_for_group(str(group)), ("python:group", str(group)))
        for requirement in array(table(tool.get("uv")).get("dev-dependencies")):
            self.pep508(requirement, Scope.DEV, ("python:group", "dev"))
        for group, requirements in table(table(tool.get("pdm")).get("dev-dependencies")).items():
            for requirement in array(requirements):
                self.pep508(requirement, scope_for_group(str(group)), ("python:group", str(group)))
        self.poetry_table(poetry.get("dependencies"), "tool.poetry.dependencies", Scope.RUNTIME, None)
        self.poetry_table(poetry.get("dev-dependencies"), "tool.poetry.dev-dependencies", Scope.DEV, "dev")
        for group, body in table(poetry.get("group")).items():
            self.poetry_table(
                table(body).get("dependencies"),
                f"tool.poetry.group.{group}.dependencies",
                scope_for_group(str(group)),
                str(group),
            )
        return self.result

    def read_root(self, project: dict[str, Any], poetry: dict[str, Any]) -> None:
        source, section = (project, "project") if string(project.get("name")) else (poetry, "tool.poetry")
        name = string(source.get("name"))
        if name is None:
            return
        if not is_valid_name(name):
            self.note("unsupported", f"invalid project name {name[:80]!r}", self.lines.of_key(section, "name"))
            return
        version = string(source.get("version"))
        self.self_name = normalize_name(name)
        root = component(ECOSYSTEM, name, version, self.path, line=self.lines.of_key(section, "name"))
        license_value = source.get("license")
        license_text = string(license_value) or string(table(license_value).get("text"))
        description = string(source.get("description"))
        self.result.root = replace(
            root,
            declared_license=license_text if license_text and "\n" not in license_text else None,
            description=description,
        )

    def expand_group(self, groups: dict[str, Any], group: str, depth: int, seen: set[str]) -> list[Any]:
        """A PEP 735 group's requirements with `{include-group = ...}` followed.

        Each group is expanded once and its requirements deduplicated, so includes that
        fan out (a diamond repeated at every level) stay linear; cycles are noted.
        """
        if group in self.expanded:
            return self.expanded[group]
        if group in seen:
            self.note("unsupported", f"dependency group {group!r} includes itself", None)
            return []
        if depth > MAX_INCLUDE_DEPTH:
            self.note("unsupported", f"dependency group {group!r} nested deeper than {MAX_INCLUDE_DEPTH}", None)
            return []
        seen = seen | {group}
        normalized = {normalize_name(str(k)): str(k) for k in groups}
        found: list[Any] = []
        for entry in array(groups.get(group)):
            if isinstance(entry, dict):
                included = string(entry.get("include-group"))
                if included is None:
                    self.note("unsupported", f"unknown entry in dependency group {group!r}", None)
                    continue
                target = normalized.get(normalize_name(included))
                if target is None:
                    self.note("unsupported", f"group {group!r} includes unknown group {included!r}", None)
                    continue
                found.extend(self.expand_group(groups, target, depth + 1, seen))
            else:
                found.append(entry)
        unique: dict[str, Any] = {}
        for entry in found:
            unique.setdefault(entry if isinstance(entry, str) else repr(entry), entry)
        self.expanded[group] = list(unique.values())
        return self.expanded[group]

    def add(
        self,
        name: str,
        scope: Scope,
        line: int | None,
        *,
        declared_range: str | None,
        download_url: str | None = None,
        props: list[tuple[str, str]],
    ) -> None:
        if normalize_name(name) == self.self_name:
            return
        comp: Component = component(
            ECOSYSTEM,
            name,
            None,
            self.path,
            line=line,
            scope=scope,
            direct=True,
            declared_range=declared_range,
            download_url=download_url,
            properties=tuple(sorted(set(props))),
        )
        self.result.components.append(comp)
        edge = (self.result.root_ref, comp.purl)
        if edge not in self.edges:
            self.edges.add(edge)
            self.result.edges.append(edge)

    def pep508(self, value: object, scope: Scope, prop: tuple[str, str] | None) -> None:
        if not isinstance(value, str):
            self.note("unsupported", f"requirement is not a string: {str(value)[:80]!r}", None)
            return
        line = self.lines.of_string(value)
        requirement = split_requirement(value)
        if requirement is None:
            self.note("unsupported", f"unreadable requirement {value[:120]!r}", line)
            return
        props: list[tuple[str, str]] = [prop] if prop else []
        if requirement.marker:
            props.append(("python:marker", requirement.marker))
        if requirement.extras:
            props.append(("python:extras", ",".join(sorted(requirement.extras))))
        download_url = None
        if requirement.url:
            download_url = requirement.url
            props.append(("python:source", "vcs" if "+" in requirement.url.split(":", 1)[0] else "url"))
        self.add(
            requirement.name,
            scope,
            line,
            declared_range=requirement.specifier or None,
            download_url=download_url,
            props=props,
        )

    def poetry_table(self, deps: object, section: str, scope: Scope, group: str | None) -> None:
        for name, spec in table(deps).items():
            name = str(name)
            if name.lower() == "python":
                continue
            line = self.lines.of_key(section, name)
            if not is_valid_name(name):
                self.note("unsupported", f"invalid dependency name {name[:80]!r}", line)
                continue
            specs = spec if isinstance(spec, list) else [spec]
            for one in specs:
                self.poetry_dependency(name, one, section, scope, group, line)

    def poetry_dependency(
        self, name: str, spec: object, section: str, scope: Scope, group: str | None, line: int | None
    ) -> None:
        props: list[tuple[str, str]] = [("python:group", group)] if group else []
        if isinstance(spec, str):
            self.add(name, scope, line, declared_range=None if spec == "*" else spec, props=props)
            return
        body = table(spec)
        if not body:
            self.note("unsupported", f"dependency {name!r} has an unreadable specification", line)
            return
        version = string(body.get("version"))
        if body.get("optional") is True and scope is Scope.RUNTIME:
            scope = Scope.OPTIONAL
        extras = [e for e in array(body.get("extras")) if isinstance(e, str)]
        if extras:
            props.append(("python:extras", ",".join(sorted(extras))))
        marker = string(body.get("markers"))
        if marker:
            props.append(("python:marker", marker))
        download_url: str | None = None
        git = string(body.get("git"))
        if git is not None:
            ref = string(body.get("rev")) or string(body.get("tag")) or string(body.get("branch"))
            download_url = f"git+{git}" + (f"@{ref}" if ref else "")
            props.append(("python:source", "git"))
        url = string(body.get("url"))
        if url is not None:
            download_url = url
            props.append(("python:source", "url"))
        local = string(body.get("path"))
        if local is not None:
            props.extend([("python:source", "path"), ("python:path", local)])
            if body.get("develop") is True:
                props.append(("python:editable", "true"))
        self.add(
            name,
            scope,
            line,
            declared_range=None if version in (None, "*") else version,
            download_url=download_url,
            props=props,
        )


def parse(path: str, text: str) -> ManifestResult:
    try:
        return _Reader(path, text).read()
    except ParseError:
        raise
    except (ValueError, RecursionError) as exc:
        raise ParseError(path, f"unreadable pyproject.toml: {exc}") from None


PARSER = ParserSpec(name="pyproject", ecosystem=ECOSYSTEM, claims=claims, parse=parse)
