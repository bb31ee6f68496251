"""Go: go.mod and go.sum.

go.mod: the `module` is the root. Every `require` is a pinned module version (Go's minimal
version selection uses exactly the versions the main module's go.mod lists once it is
tidy, and since Go 1.17 that list is complete), so requirements are resolved components;
`// indirect` ones are `direct=False`. `replace` changes what is built: a replacement by
another module version yields that module (with a `golang:replaces` property); a
replacement by a local directory leaves the original name unresolved with the directory as
its declared range, since no published version is used. `exclude`d versions that are also
required are reported; `retract`, `go`, `toolchain` and `godebug` describe the module, not
its dependencies (the first two become properties of the root).

go.sum: a line `MODULE VERSION h1:HASH` means the module's source was downloaded to build
or test some package of the main module, so it is a component (resolved, `direct=None`:
go.sum cannot tell; the go.mod beside it can, and the two merge by purl). A line whose
version ends in `/go.mod` only records the hash of that module's go.mod file, read while
computing the module graph; it is not a package in the build and yields no component.
The `h1:` value is a hash of a file tree listing, not of any downloadable file, so it is
kept under the algorithm name ``h1`` in its base64 form.
"""

from __future__ import annotations

import re
from dataclasses import replace as dc_replace

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import guarded
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError, sorted_hashes

ECOSYSTEM = "golang"
_LOCAL_PREFIXES = ("./", "../", "/", ".\\", "..\\")
_VERSION = re.compile(r"^v\d+\.\d+\.\d+\S*$")


def split_module(path: str) -> tuple[str | None, str]:
    """purl namespace and name of a module path: everything before the last '/', then
    the last element (``golang.org/x/net`` -> ``golang.org/x``, ``net``)."""
    namespace, sep, name = path.rpartition("/")
    return (namespace if sep else None), name


def _golang(module: str, version: str | None, path: str, line: int | None, **kwargs: object) -> Component:
    namespace, name = split_module(module)
    if not name or namespace == "":
        raise ParseError(path, f"invalid module path {module!r}", line)
    return component(ECOSYSTEM, name, version, path, namespace=namespace, line=line, **kwargs)  # type: ignore[arg-type]


def _tokens(line: str, path: str, lineno: int) -> tuple[list[str], str]:
    """Split a go.mod line into tokens (Go-quoted and back-quoted strings allowed) and
    the text of its trailing comment."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch.isspace():
            i += 1
        elif line.startswith("//", i):
            return tokens, line[i + 2 :].strip()
        elif ch in '"`':
            end = line.find(ch, i + 1)
            while ch == '"' and end > 0 and line[end - 1] == "\\":
                end = line.find(ch, end + 1)
            if end < 0:
                raise ParseError(path, "unterminated quoted string", lineno)
            tokens.append(line[i + 1 : end])
            i = end + 1
        elif ch in "()":
            tokens.append(ch)
            i += 1
        else:
            j = i
            while j < n and not line[j].isspace() and line[j] not in "()" and not line.startswith("//", j):
                j += 1
            tokens.append(line[i:j])
            i = j
    return tokens, ""


def _directives(path: str, text: str) -> list[tuple[str, list[str], str, int]]:
    """(verb, arguments, comment, line) for every directive, blocks flattened."""
    out: list[tuple[str, list[str], str, int]] = []
    block: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        tokens, comment = _tokens(raw, path, lineno)
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
                continue
            out.append((block, tokens, comment, lineno))
            continue
        verb, args = tokens[0], tokens[1:]
        if args == ["("]:
            block = verb
            continue
        if args[:1] == ["("] and args[-1:] == [")"]:
            args = args[1:-1]
        out.append((verb, args, comment, lineno))
    if block is not None:
        raise ParseError(path, f"unterminated {block} block")
    return out


def parse_go_mod(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    module: str | None = None
    module_line: int | None = None
    props: list[tuple[str, str]] = []
    requires: list[tuple[str, str, bool, int]] = []
    replaces: dict[tuple[str, str | None], tuple[str, str | None, int]] = {}
    excludes: set[tuple[str, str]] = set()
    for verb, args, comment, line in _directives(path, text):
        if verb == "module" and args:
            module, module_line = args[0], line
        elif verb in ("go", "toolchain") and args:
            props.append((f"golang:{verb}", args[0]))
        elif verb == "require":
            if len(args) != 2:
                raise ParseError(path, "require needs a module path and a version", line)
            indirect = any(part.strip() == "indirect" for part in comment.split(";"))
            requires.append((args[0], args[1], not indirect, line))
        elif verb == "replace":
            if "=>" not in args:
                raise ParseError(path, "replace needs '=>'", line)
            arrow = args.index("=>")
            old, new = args[:arrow], args[arrow + 1 :]
            if len(old) not in (1, 2) or len(new) not in (1, 2):
                raise ParseError(path, "malformed replace directive", line)
            replaces[(old[0], old[1] if len(old) == 2 else None)] = (
                new[0],
                new[1] if len(new) == 2 else None,
                line,
            )
        elif verb == "exclude" and len(args) == 2:
            excludes.add((args[0], args[1]))
        elif verb in ("retract", "godebug", "tool", "ignore"):
            continue
        elif verb not in ("module", "go", "toolchain", "exclude"):
            result.notes.append(FileProblem(path, "unsupported", f"unknown go.mod directive {verb!r}", line))

    if module is not None:
        result.root = _golang(module, None, path, module_line, properties=tuple(props))
    for mod, version, direct, line in requires:
        if (mod, version) in excludes:
            result.notes.append(FileProblem(path, "note", f"{mod} {version} is both required and excluded", line))
        target = replaces.get((mod, version)) or replaces.get((mod, None))
        if target is None:
            comp = _golang(mod, version, path, line, direct=direct)
        elif target[0].startswith(_LOCAL_PREFIXES):
            comp = _golang(
                mod,
                None,
                path,
                line,
                direct=direct,
                declared_range=f"{version} => {target[0]}",
                properties=(("golang:replaced-by-directory", target[0]),),
            )
        else:
            new_mod, new_version, _rline = target
            comp = _golang(
                new_mod,
                new_version or version,
                path,
                line,
                direct=direct,
                properties=(("golang:replaces", f"{mod}@{version}"),),
            )
        result.components.append(comp)
        result.edges.append((result.root_ref, comp.purl))
    return result


def parse_go_sum(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 3 or not parts[2].startswith("h") or ":" not in parts[2]:
            raise ParseError(path, "expected 'module version hash'", lineno)
        module, version, digest = parts
        if version.endswith("/go.mod"):
            continue
        if not _VERSION.match(version):
            raise ParseError(path, f"not a module version: {version!r}", lineno)
        algorithm, _, value = digest.partition(":")
        comp = _golang(module, version, path, lineno, hashes=(Hash(algorithm, value),))
        if comp.purl in seen:
            prev = result.components[seen[comp.purl]]
            result.components[seen[comp.purl]] = dc_replace(
                prev, hashes=sorted_hashes(set(prev.hashes) | set(comp.hashes))
            )
            continue
        seen[comp.purl] = len(result.components)
        result.components.append(comp)
    return result


PARSERS = (
    ParserSpec(
        name="go-mod",
        ecosystem=ECOSYSTEM,
        claims=_claims.go_mod,
        parse=guarded(parse_go_mod),
    ),
    ParserSpec(
        name="go-sum",
        ecosystem=ECOSYSTEM,
        claims=_claims.go_sum,
        parse=guarded(parse_go_sum),
    ),
)
