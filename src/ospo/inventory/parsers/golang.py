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

go.work: `use` names the directories of the workspace's modules. Those modules are
projects, not dependencies, and their paths are spelt in each directory's go.mod, whose
own parser makes each one a root; the workspace links to them through that go.mod
(`file:<dir>/go.mod`, which the collector turns into the module's purl). A workspace
`replace` overrides the modules' own: a replacement by a module version is a component
(with `golang:replaces`), one by a directory is local code and only noted. Which module
requires what is in the go.mod files, so go.work says nothing of directness.

vendor/modules.txt: `go mod vendor` lists every module of the build list, `# path version`
(and `=> replacement [version]` when replaced), with the packages copied from it below.
`## explicit` says the main module's go.mod requires the module: since Go 1.17 that
includes its `// indirect` requirements, so it does not mean direct. What it does tell is
that a module without it is only there for others (`direct=False`); an explicit one keeps
`direct=None` for the go.mod beside vendor/ to decide when the two merge by purl. A module
line without a version records a replacement of every version, not a vendored module.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
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


def _replace(path: str, args: list[str], line: int) -> tuple[tuple[str, str | None], tuple[str, str | None, int]]:
    """((old module, old version or None), (new module or directory, new version or None, line))."""
    if "=>" not in args:
        raise ParseError(path, "replace needs '=>'", line)
    arrow = args.index("=>")
    old, new = args[:arrow], args[arrow + 1 :]
    if len(old) not in (1, 2) or len(new) not in (1, 2):
        raise ParseError(path, "malformed replace directive", line)
    return (old[0], old[1] if len(old) == 2 else None), (new[0], new[1] if len(new) == 2 else None, line)


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
            old_key, replacement = _replace(path, args, line)
            replaces[old_key] = replacement
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


def parse_go_work(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    base = posixpath.dirname(path)
    for verb, args, _comment, line in _directives(path, text):
        if not args:
            continue  # an empty block, `use ()`
        if verb == "use":
            if len(args) != 1:
                raise ParseError(path, "use needs one directory", line)
            member = posixpath.normpath(posixpath.join(base, args[0], "go.mod"))
            result.edges.append((result.root_ref, f"file:{member}"))
        elif verb == "replace":
            (old_mod, old_version), (new_mod, new_version, _line) = _replace(path, args, line)
            replaced = f"{old_mod}@{old_version}" if old_version else old_mod
            if new_mod.startswith(_LOCAL_PREFIXES):
                result.notes.append(
                    FileProblem(path, "note", f"{replaced} is replaced by the local directory {new_mod}", line)
                )
            elif new_version is None:
                raise ParseError(path, "a replacement module needs a version", line)
            else:
                result.components.append(
                    _golang(new_mod, new_version, path, line, properties=(("golang:replaces", replaced),))
                )
        elif verb not in ("go", "toolchain", "godebug"):
            result.notes.append(FileProblem(path, "unsupported", f"unknown go.work directive {verb!r}", line))
    return result


@dataclass
class _VendoredModule:
    fields: list[str]
    line: int
    packages: list[str] = field(default_factory=list)
    explicit: bool = False
    go_version: str | None = None


def parse_vendor_modules(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    modules: list[_VendoredModule] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            if not modules:
                raise ParseError(path, "annotation before any module line", lineno)
            for note in line[3:].split(";"):
                word, _, value = note.strip().partition(" ")
                if word == "explicit":
                    modules[-1].explicit = True
                elif word == "go" and value.strip():
                    modules[-1].go_version = value.strip()
        elif line.startswith("# "):
            modules.append(_VendoredModule(line[2:].split(), lineno))
        elif line.startswith("#"):
            raise ParseError(path, "malformed module line", lineno)
        elif not modules:
            raise ParseError(path, "package line before any module line", lineno)
        else:
            modules[-1].packages.append(line)
    for module in modules:
        comp = _vendored(path, module)
        if comp is not None:
            result.components.append(comp)
    return result


def _vendored(path: str, module: _VendoredModule) -> Component | None:
    """The component of one `# module version [=> replacement [version]]` line."""
    fields, line = module.fields, module.line
    new_mod: str | None = None
    new_version: str | None = None
    if "=>" in fields:
        (mod, version), (new_mod, new_version, _line) = _replace(path, fields, line)
    elif len(fields) == 2:
        mod, version = fields
    else:
        raise ParseError(path, "expected '# module version'", line)
    if version is None:
        return None  # a replacement of every version of the module, not a vendored copy
    if not _VERSION.match(version):
        raise ParseError(path, f"not a module version: {version!r}", line)
    props: list[tuple[str, str]] = [("golang:vendored-packages", str(len(module.packages)))]
    if module.go_version:
        props.append(("golang:go", module.go_version))
    direct = None if module.explicit else False
    if new_mod is None:
        return _golang(mod, version, path, line, direct=direct, properties=tuple(props))
    if new_mod.startswith(_LOCAL_PREFIXES):
        props.append(("golang:replaced-by-directory", new_mod))
        return _golang(
            mod, None, path, line, direct=direct, declared_range=f"{version} => {new_mod}", properties=tuple(props)
        )
    props.append(("golang:replaces", f"{mod}@{version}"))
    return _golang(new_mod, new_version or version, path, line, direct=direct, properties=tuple(props))


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
    ParserSpec(
        name="go-work",
        ecosystem=ECOSYSTEM,
        claims=_claims.go_work,
        parse=guarded(parse_go_work),
    ),
    ParserSpec(
        name="go-vendor-modules",
        ecosystem=ECOSYSTEM,
        claims=_claims.go_vendor_modules,
        parse=guarded(parse_vendor_modules),
    ),
)
