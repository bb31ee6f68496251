"""Gradle: dependency lockfiles and version catalogs (no Gradle run needed).

gradle.lockfile lines are `group:artifact:version=conf1,conf2`; the configurations say why
a module is there. A module locked only in configurations whose names mention "test" is
TEST; one in a compile or runtime classpath (any variant: `releaseRuntimeClasspath`...)
is RUNTIME; anything else (annotation processors, linters, code generators) is DEV with
the configurations kept as a property. The lockfile does not say which modules are
direct, so `direct` is None. The older per-configuration layout
(`gradle/dependency-locks/<conf>.lockfile`, lines without `=`) is read the same way, the
configuration coming from the file name.

gradle/libs.versions.toml (a version catalog) declares coordinates and versions for
build scripts to use; every [libraries] entry is a declared, direct requirement
(`resolved=False`, the version or rich version as the range). [plugins] are Gradle
plugins (build tooling): DEV, as their marker artifact `id:id.gradle.plugin`.

build.gradle and build.gradle.kts are programs, but their `dependencies { }` blocks are
nearly always plain calls, so they are read as text (a small tokenizer that knows
comments and strings; nothing is run and nothing is fetched). Every declaration is a
direct requirement. As in pom.xml, a plain literal version (`'g:a:1.2'`) is taken as
the version, unless a gradle.lockfile in the same or a parent folder pins the module:
Gradle may raise a requested version through conflict resolution, so the pin is what was
built (the result says `versions_requested`; the collector folds such versions into pins
like ranges). A dynamic version (`1.+`, `latest.release`), a range, a strict `!!` or a
`$variable` the script itself does not settle stays unresolved with the text as the
declared range, for a gradle.lockfile nearby to pin. Variables are read from
`ext { }`, `ext.x =`, `def`/`val` and top-level `version`/`group` of the same script;
gradle.properties and other scripts are other files, which a parser never sees, so a
version taken from them is noted and left unresolved. Version catalog references
(`libs.x`) are noted, not followed: the catalog parser lists the catalog's entries.
`project(...)`, `files(...)` and `fileTree(...)` are not components.

Scopes follow the configuration: anything naming "test" -> TEST; `classpath`,
annotation processors (`annotationProcessor`, `kapt`, `ksp`) and everything in
`buildscript { }` -> DEV (build tooling); `compileOnly` -> OPTIONAL (needed to compile,
not packaged: like Maven's provided, the running environment may or may not supply it,
and the code links against it, so its licence still matters); `implementation`, `api`,
`runtimeOnly` and the legacy `compile`/`runtime` -> RUNTIME; other configurations are
RUNTIME when they end in Implementation, Api or RuntimeOnly (`debugImplementation`) and
DEV otherwise. The configuration is kept as a property.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import LineIndex, as_dict, as_str, guarded
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, ManifestResult, ParseError, Scope
from ospo.walk import load_toml

ECOSYSTEM = "maven"


def configuration_scope(configurations: list[str]) -> Scope:
    lowered = [c.lower() for c in configurations]
    if lowered and all("test" in c for c in lowered):
        return Scope.TEST
    if any(c.endswith(("compileclasspath", "runtimeclasspath")) and "test" not in c for c in lowered):
        return Scope.RUNTIME
    return Scope.DEV


def parse_gradle_lockfile(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    name = posixpath.basename(path)
    file_conf = name[: -len(".lockfile")] if name not in ("gradle.lockfile", "buildscript-gradle.lockfile") else None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        coords, sep, confs_text = line.partition("=")
        if coords == "empty":
            continue
        confs = [c for c in confs_text.split(",") if c] if sep else ([file_conf] if file_conf else [])
        parts = coords.split(":")
        if len(parts) < 3 or not all(parts[:3]):
            raise ParseError(path, "expected group:artifact:version", lineno)
        group, artifact, version = parts[0], parts[1], parts[2]
        qualifiers = {"classifier": parts[3]} if len(parts) > 3 and parts[3] else {}
        scope = configuration_scope(confs)
        props: tuple[tuple[str, str], ...] = (("gradle:configurations", ",".join(confs)),) if confs else ()
        if name.startswith("buildscript"):
            scope = Scope.DEV
            props += (("gradle:buildscript", "true"),)
        result.components.append(
            component(
                ECOSYSTEM,
                artifact,
                version,
                path,
                namespace=group,
                line=lineno,
                scope=scope,
                qualifiers=qualifiers,
                properties=props,
            )
        )
    return result


def _catalog_version(
    spec: Any, versions: dict[str, Any], path: str, line: int | None, result: ManifestResult
) -> str | None:
    """A catalog version: a string, {ref = ...}, or a rich version table."""
    if isinstance(spec, str):
        return spec.strip() or None
    table = as_dict(spec)
    ref = as_str(table.get("ref"))
    if ref is not None:
        if ref not in versions:
            result.notes.append(FileProblem(path, "unsupported", f"version.ref {ref!r} is not in [versions]", line))
            return None
        return _catalog_version(versions[ref], {}, path, line, result)
    for key in ("strictly", "require", "prefer"):
        value = as_str(table.get(key))
        if value is not None:
            return value
    return None


def parse_version_catalog(path: str, text: str) -> ManifestResult:
    data = load_toml(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    versions = as_dict(data.get("versions"))
    libraries_at = max(text.find("[libraries]"), 0)
    plugins_at = max(text.find("[plugins]"), 0)
    for alias, raw in as_dict(data.get("libraries")).items():
        line = _key_line(lines, alias, libraries_at)
        group: str | None
        artifact: str | None
        version: str | None
        if isinstance(raw, str):
            parts = raw.split(":")
            if len(parts) < 2:
                result.notes.append(FileProblem(path, "unsupported", f"library {alias!r}: {raw!r}", line))
                continue
            group, artifact = parts[0], parts[1]
            version = parts[2] if len(parts) > 2 and parts[2] else None
        else:
            spec = as_dict(raw)
            module = as_str(spec.get("module"))
            if module is not None and ":" in module:
                group, artifact = module.split(":", 1)
            else:
                group, artifact = as_str(spec.get("group")), as_str(spec.get("name"))
            version = None
            if "version" in spec:
                version = _catalog_version(spec["version"], versions, path, line, result)
            elif "version.ref" in spec:  # only reachable if a dotted key was quoted
                version = _catalog_version({"ref": spec["version.ref"]}, versions, path, line, result)
        if not group or not artifact:
            result.notes.append(FileProblem(path, "unsupported", f"library {alias!r} has no module", line))
            continue
        result.components.append(
            component(
                ECOSYSTEM,
                artifact,
                None,
                path,
                namespace=group,
                line=line,
                direct=True,
                declared_range=version,
                properties=(("gradle:catalog-alias", alias),),
            )
        )
    for alias, raw in as_dict(data.get("plugins")).items():
        line = _key_line(lines, alias, plugins_at)
        spec = as_dict(raw) if not isinstance(raw, str) else {}
        if isinstance(raw, str):
            plugin_id, _, plain = raw.partition(":")
            version = plain or None
        else:
            plugin_id = as_str(spec.get("id")) or ""
            version = _catalog_version(spec.get("version"), versions, path, line, result)
        if not plugin_id:
            result.notes.append(FileProblem(path, "unsupported", f"plugin {alias!r} has no id", line))
            continue
        result.components.append(
            component(
                ECOSYSTEM,
                f"{plugin_id}.gradle.plugin",
                None,
                path,
                namespace=plugin_id,
                line=line,
                scope=Scope.DEV,
                direct=True,
                declared_range=version,
                properties=(("gradle:catalog-alias", alias), ("gradle:plugin", plugin_id)),
            )
        )
    return result


def _key_line(lines: LineIndex, key: str, start: int) -> int | None:
    for needle in (f"\n{key} ", f"\n{key}=", f'\n"{key}"'):
        line = lines.find(needle, start)
        if line is not None:
            return line + 1
    return None


# --- build.gradle / build.gradle.kts ------------------------------------------------------

# Every quantifier is possessive: a token is taken whole or not at all, so no input can
# make the tokenizer backtrack. An unterminated string runs to the end of its line.
_TOKEN = re.compile(
    r"""
    (?P<nl>\n)
    |[ \t\r\f\v]++
    |//[^\n]*+
    |(?P<bc>/\*)
    |(?P<tq>\"\"\"|''')
    |(?P<dq>"(?:[^"\\\n]++|\\.)*+"?+)
    |(?P<sq>'(?:[^'\\\n]++|\\.)*+'?+)
    |(?P<id>[A-Za-z_][\w$]*+(?:\.[A-Za-z_][\w$]*+)*+)
    |[0-9][\w.]*+
    |(?P<p>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_INTERPOLATION = re.compile(r"\$\{\s*+([A-Za-z_][\w.]*+)\s*+\}|\$([A-Za-z_]\w*+)")
_LITERAL_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*+")
_MAX_DEPTH = 16
_VARIABLE_PREFIXES = ("project.ext.", "rootProject.ext.", "ext.", "project.", "rootProject.")
_WRAPPERS = {"platform": "true", "enforcedPlatform": "enforced", "testFixtures": ""}
_NOT_COMPONENTS = frozenset({"project", "files", "fileTree", "gradleApi", "localGroovy", "gradleTestKit"})
_MAP_KEYS = frozenset({"group", "name", "version", "classifier", "ext", "extension"})


class _Token:
    __slots__ = ("kind", "offset", "text")

    def __init__(self, kind: str, text: str, offset: int) -> None:
        self.kind = kind  # nl, id, p (punctuation), str (no interpolation), istr, other
        self.text = text
        self.offset = offset

    def punct(self, chars: str) -> bool:
        return self.kind == "p" and self.text in chars


def _tokens(text: str) -> list[_Token]:
    """Tokens of a Groovy or Kotlin script, comments dropped; strings carry their content."""
    out: list[_Token] = []
    pos, end = 0, len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - the last alternative matches any character
            break
        kind = m.lastgroup
        if kind == "bc":
            close = text.find("*/", pos + 2)
            pos = end if close < 0 else close + 2
            continue
        if kind == "tq":
            quote = m.group()
            close = text.find(quote, pos + 3)
            stop = end if close < 0 else close
            out.append(_Token("istr" if quote[0] == '"' else "str", text[pos + 3 : stop], pos))
            pos = end if close < 0 else close + 3
            continue
        pos = m.end()
        if kind == "dq" or kind == "sq":
            raw = m.group()
            body = raw[1:-1] if len(raw) > 1 and raw[-1] == raw[0] else raw[1:]
            out.append(_Token("istr" if kind == "dq" else "str", body, m.start()))
        elif kind is not None:
            out.append(_Token(kind, m.group(), m.start()))
    return out


def declaration_scope(configuration: str, buildscript: bool = False) -> Scope:
    lowered = configuration.lower()
    if "test" in lowered:
        return Scope.TEST
    if buildscript or lowered == "classpath" or "annotationprocessor" in lowered:
        return Scope.DEV
    if lowered.startswith(("kapt", "ksp")):
        return Scope.DEV
    if lowered.endswith("compileonly") or lowered.endswith("compileonlyapi"):
        return Scope.OPTIONAL
    if lowered in ("compile", "runtime") or lowered.endswith(("implementation", "api", "runtimeonly")):
        return Scope.RUNTIME
    return Scope.DEV


class _Variables:
    """Values the script assigns itself, `$name` and `${name}` resolved from them."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[str, bool] | None] = {}

    def set(self, name: str, token: _Token) -> None:
        for prefix in _VARIABLE_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        value = (token.text, token.kind == "istr")
        previous = self.values.get(name, value)
        # Assigned twice with different values: which one a dependency sees depends on
        # evaluation order, so neither is trusted.
        self.values[name] = value if previous == value else None

    def resolve(self, text: str) -> str:
        for _ in range(_MAX_DEPTH):
            new = _INTERPOLATION.sub(self._lookup, text)
            if new == text or len(new) > 4096:
                break
            text = new
        return text

    def _lookup(self, match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        for prefix in _VARIABLE_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        value = self.values.get(name)
        if value is None:
            return match.group()
        text, interpolating = value
        return text if interpolating or "$" not in text else match.group()


def parse_build_script(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM, versions_requested=True)
    if "\x00" in text:
        raise ParseError(path, "binary data, not a Gradle script")
    tokens = _tokens(text)
    lines = LineIndex(text)
    variables = _Variables()
    # First pass: the variables, wherever they are assigned (ext blocks usually come
    # first, but a `def` below the dependencies still holds when they are resolved).
    _read_variables(tokens, variables)
    stack: list[str] = []
    head: str | None = None
    at_start = True
    i, count = 0, len(tokens)
    while i < count:
        tok = tokens[i]
        if tok.kind == "nl" or tok.punct(";"):
            at_start, head = True, None
        elif tok.punct("{"):
            stack.append(head or "")
            at_start, head = True, None
        elif tok.punct("}"):
            if stack:
                stack.pop()
            at_start, head = True, None
        elif at_start:
            at_start = False
            if tok.kind == "id":
                head = tok.text
                if stack and stack[-1] == "dependencies":
                    i = _declaration(path, tokens, i, "buildscript" in stack, variables, lines, result)
                    continue
        i += 1
    return result


def _read_variables(tokens: list[_Token], variables: _Variables) -> None:
    stack: list[str] = []
    at_start = True
    head: str | None = None
    for i, tok in enumerate(tokens):
        if tok.kind == "nl" or tok.punct(";"):
            at_start, head = True, None
            continue
        if tok.punct("{"):
            stack.append(head or "")
            at_start, head = True, None
            continue
        if tok.punct("}"):
            if stack:
                stack.pop()
            at_start, head = True, None
            continue
        if not at_start:
            continue
        at_start = False
        if tok.kind != "id":
            continue
        head = tok.text
        nxt = tokens[i + 1 : i + 6]
        if tok.text in ("def", "val", "var", "String") and nxt and nxt[0].kind == "id":
            name = nxt[0].text
            rest = nxt[1:]
            if len(rest) >= 2 and rest[0].punct(":") and rest[1].kind == "id":
                rest = rest[2:]
            if len(rest) >= 2 and rest[0].punct("=") and rest[1].kind in ("str", "istr"):
                variables.set(name, rest[1])
            continue
        simple = len(nxt) >= 2 and nxt[0].punct("=") and nxt[1].kind in ("str", "istr")
        simple = simple and (len(nxt) == 2 or nxt[2].kind == "nl" or nxt[2].punct(";}"))
        if not simple:
            continue
        extra = tok.text.startswith(("ext.", "project.ext.", "rootProject.ext."))
        in_ext_block = bool(stack) and stack[-1] == "ext" and "." not in tok.text
        if extra or in_ext_block or (not stack and tok.text in ("version", "group")):
            variables.set(tok.text, nxt[1])


def _declaration(
    path: str,
    tokens: list[_Token],
    start: int,
    buildscript: bool,
    variables: _Variables,
    lines: LineIndex,
    result: ManifestResult,
) -> int:
    """Read one `configuration <arguments>` statement; return the index after it."""
    configuration = tokens[start].text
    i, count = start + 1, len(tokens)
    args: list[_Token] = []
    if i < count and tokens[i].punct("("):
        depth = 0
        while i < count:
            tok = tokens[i]
            if tok.punct("([{"):
                depth += 1
            elif tok.punct(")]}"):
                depth -= 1
                if depth <= 0:
                    i += 1
                    break
            if tok.kind != "nl" and (depth > 1 or not tok.punct("(")):
                args.append(tok)
            i += 1
    else:
        depth = 0
        while i < count:
            tok = tokens[i]
            if depth <= 0 and (tok.punct(";{}") or (tok.kind == "nl" and not (args and args[-1].punct(",:")))):
                break
            if tok.punct("(["):
                depth += 1
            elif tok.punct(")]"):
                depth -= 1
            if tok.kind != "nl":
                args.append(tok)
            i += 1
    if configuration == "add" and args and args[0].kind in ("str", "istr"):
        configuration = args[0].text
        args = args[2:] if len(args) > 1 and args[1].punct(",") else []
    scope = declaration_scope(configuration, buildscript)
    props: tuple[tuple[str, str], ...] = (("gradle:configuration", configuration),)
    if buildscript:
        props += (("gradle:buildscript", "true"),)
    named: dict[str, _Token] = {}
    named_line: int | None = None
    for arg in _split_arguments(args):
        line = lines.line_at(arg[0].offset)
        if len(arg) == 3 and arg[0].kind == "id" and arg[1].punct(":=") and arg[2].kind in ("str", "istr", "id"):
            if arg[0].text in _MAP_KEYS:
                value = arg[2]
                if value.kind == "id":  # a variable: read as if written "${name}"
                    value = _Token("istr", "${" + value.text + "}", value.offset)
                named[arg[0].text] = value
                named_line = named_line or line
            continue
        _notation(path, arg, line, scope, props, variables, result)
    if named:
        _map_notation(path, named, named_line, scope, props, variables, result)
    return i


def _split_arguments(args: list[_Token]) -> list[list[_Token]]:
    out: list[list[_Token]] = [[]]
    depth = 0
    for tok in args:
        if tok.punct("([{"):
            depth += 1
        elif tok.punct(")]}"):
            depth -= 1
        elif depth == 0 and tok.punct(","):
            out.append([])
            continue
        out[-1].append(tok)
    return [arg for arg in out if arg]


def _notation(
    path: str,
    arg: list[_Token],
    line: int,
    scope: Scope,
    props: tuple[tuple[str, str], ...],
    variables: _Variables,
    result: ManifestResult,
) -> None:
    platform = ""
    # Unwrapped in a loop over bounds, not by recursion or slicing: hostile nesting must
    # neither exhaust the stack nor copy the argument once per level.
    lo, hi = 0, len(arg)
    while hi - lo >= 3 and arg[lo].kind == "id" and arg[lo + 1].punct("(") and arg[hi - 1].punct(")"):
        wrapper = arg[lo].text
        if wrapper in _NOT_COMPONENTS:
            return
        if wrapper == "kotlin":
            inner = _split_arguments(arg[lo + 2 : hi - 1])
            if inner and len(inner[0]) == 1 and inner[0][0].kind in ("str", "istr"):
                version = inner[1][0] if len(inner) > 1 and inner[1][0].kind in ("str", "istr") else None
                module = variables.resolve(inner[0][0].text) if inner[0][0].kind == "istr" else inner[0][0].text
                coordinate = f"org.jetbrains.kotlin:kotlin-{module}"
                if version is not None:
                    coordinate += ":" + (variables.resolve(version.text) if version.kind == "istr" else version.text)
                _coordinates(path, coordinate, line, scope, props, result)
            return
        if wrapper not in _WRAPPERS:
            break
        platform = platform or _WRAPPERS[wrapper]
        lo, hi = lo + 2, hi - 1
    arg = arg[lo:hi]
    if not arg:
        return
    if platform:
        props += (("gradle:platform", platform),)
    if len(arg) == 1 and arg[0].kind in ("str", "istr"):
        text = variables.resolve(arg[0].text) if arg[0].kind == "istr" else arg[0].text
        _coordinates(path, text, line, scope, props, result)
    elif arg[0].kind == "id" and arg[0].text in _NOT_COMPONENTS:
        return
    elif arg[0].kind == "id" and (arg[0].text == "libs" or arg[0].text.startswith("libs.")):
        result.notes.append(
            FileProblem(path, "note", f"{arg[0].text}: a version catalog reference (the catalog lists it)", line)
        )
    elif len(arg) == 1 and arg[0].kind == "id":
        result.notes.append(
            FileProblem(path, "unsupported", f"dependency given by the expression {arg[0].text} is not read", line)
        )


def _map_notation(
    path: str,
    named: dict[str, _Token],
    line: int | None,
    scope: Scope,
    props: tuple[tuple[str, str], ...],
    variables: _Variables,
    result: ManifestResult,
) -> None:
    values = {k: variables.resolve(t.text) if t.kind == "istr" else t.text for k, t in named.items()}
    if "name" not in values:
        result.notes.append(FileProblem(path, "unsupported", "map notation without a name", line))
        return
    coordinate = f"{values.get('group', '')}:{values['name']}:{values.get('version', '')}"
    if values.get("classifier"):
        coordinate += ":" + values["classifier"]
    extension = values.get("ext") or values.get("extension")
    if extension:
        coordinate += "@" + extension
    _coordinates(path, coordinate, line, scope, props, result)


def _coordinates(
    path: str,
    text: str,
    line: int | None,
    scope: Scope,
    props: tuple[tuple[str, str], ...],
    result: ManifestResult,
) -> None:
    coordinate, at, extension = text.strip().partition("@")
    parts = coordinate.split(":")
    if len(parts) < 2 or len(parts) > 4 or not all(parts[:2]) or any(c.isspace() for c in coordinate):
        result.notes.append(FileProblem(path, "unsupported", f"not a group:name[:version] coordinate: {text!r}", line))
        return
    group, artifact = parts[0], parts[1]
    if "$" in group or "$" in artifact:
        result.notes.append(
            FileProblem(path, "unsupported", f"{text}: uses a variable not defined in this script", line)
        )
        return
    declared = parts[2] if len(parts) > 2 and parts[2] else None
    qualifiers: dict[str, str] = {}
    if len(parts) > 3 and parts[3]:
        qualifiers["classifier"] = parts[3]
    if at and extension:
        qualifiers["type"] = extension
    version = declared if declared is not None and _is_literal(declared) else None
    if declared is not None and version is None and "$" in declared:
        why = f"version {declared} uses a variable this script does not define (gradle.properties, another script?)"
        result.notes.append(FileProblem(path, "note", f"{group}:{artifact}: {why}", line))
    result.components.append(_build_component(path, group, artifact, version, declared, line, scope, qualifiers, props))


def _is_literal(version: str) -> bool:
    return _LITERAL_VERSION.fullmatch(version) is not None and not version.startswith("latest.")


def _build_component(
    path: str,
    group: str,
    artifact: str,
    version: str | None,
    declared: str | None,
    line: int | None,
    scope: Scope,
    qualifiers: dict[str, str],
    props: tuple[tuple[str, str], ...],
) -> Component:
    return component(
        ECOSYSTEM,
        artifact,
        version,
        path,
        namespace=group,
        line=line,
        scope=scope,
        direct=True,
        declared_range=declared,
        qualifiers=qualifiers,
        properties=props,
    )


PARSERS = (
    ParserSpec(
        name="gradle-lockfile",
        ecosystem=ECOSYSTEM,
        claims=_claims.gradle_lockfile,
        parse=guarded(parse_gradle_lockfile),
    ),
    ParserSpec(
        name="gradle-version-catalog",
        ecosystem=ECOSYSTEM,
        claims=_claims.gradle_version_catalog,
        parse=guarded(parse_version_catalog),
    ),
    ParserSpec(
        name="gradle-build-script",
        ecosystem=ECOSYSTEM,
        claims=_claims.gradle_build_script,
        parse=guarded(parse_build_script),
        max_bytes=16 << 20,
    ),
)
