"""Ruby: Gemfile.lock (and gems.locked), as Bundler writes it, and the Gemfile.

Sections start at column 0. GEM, GIT, PATH and PLUGIN SOURCE sections list `specs:`,
one gem per line at four spaces (`name (version[-platform])`), its dependencies below it
at six. DEPENDENCIES lists what the Gemfile asks for (`name!` marks a gem pinned to a GIT
or PATH source): those gems are linked from the project; every other gem is not direct
(`direct=False`). The lockfile does not record Gemfile groups, so the gems it lists as
dependencies keep `direct=None` and let the Gemfile's declaration (and its group, hence
its scope) decide when the collector folds the two. CHECKSUMS (Bundler 2.5+)
adds sha256 digests. PLATFORMS, RUBY VERSION and BUNDLED WITH describe the bundle, not
its gems; the last two become properties of the root when there is one.

A platform-specific build (`nokogiri (1.15.4-x86_64-linux)`) has version `1.15.4` and the
purl qualifier `platform=x86_64-linux`; every platform variant is its own component. GIT
gems carry `vcs_url`; PATH gems are local code: a PATH source at `.` is the gem being
developed and becomes the root, other PATH gems are reported as local, not listed. The
lockfile itself makes every gem RUNTIME.

Gemfile: Ruby code, read for its common declarative forms only: `gem "name", "req"...`
lines, `group :a, :b do ... end` blocks and `group:`/`groups:` options. Gems only in
the test group are TEST, only in development/test groups DEV, otherwise RUNTIME. Gems
from `path:` options are first-party and not listed; `gemspec` and computed
declarations are not evaluated (the lockfile still lists what they resolve to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import guarded
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError, Scope

ECOSYSTEM = "gem"
_SPEC = re.compile(r"^    (\S+?)(?: \(([^)]*)\))?$")
_DEP = re.compile(r"^      (\S+?)(?: \(([^)]*)\))?$")
_CHECKSUM = re.compile(r"^  (\S+) \(([^)]*)\)(?: (.*))?$")
_SOURCE_SECTIONS = ("GEM", "GIT", "PATH", "PLUGIN SOURCE")


@dataclass
class _Spec:
    name: str
    version: str
    platform: str | None
    line: int
    source_kind: str
    options: dict[str, str]
    deps: list[str] = field(default_factory=list)


def split_platform(version: str) -> tuple[str, str | None]:
    """`1.15.4-x86_64-linux` -> (`1.15.4`, `x86_64-linux`), as Bundler splits it."""
    base, sep, platform = version.partition("-")
    return base, (platform if sep and platform else None)


def parse_gemfile_lock(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    specs: list[_Spec] = []
    direct: dict[str, str | None] = {}
    checksums: dict[tuple[str, str], list[Hash]] = {}
    root_props: list[tuple[str, str]] = []
    section: str | None = None
    options: dict[str, str] = {}
    in_specs = False
    current: _Spec | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if not line.startswith(" "):
            section, options, in_specs, current = line.strip(), {}, False, None
            continue
        if section is None:
            raise ParseError(path, "indented line outside any section", lineno)
        if section in _SOURCE_SECTIONS:
            if line.startswith("    ") and in_specs:
                if line.startswith("      "):
                    dep = _DEP.match(line)
                    if current is None or dep is None:
                        raise ParseError(path, "malformed dependency line", lineno)
                    current.deps.append(dep.group(1))
                    continue
                match = _SPEC.match(line)
                if match is None or match.group(2) is None:
                    raise ParseError(path, "malformed spec line", lineno)
                version, platform = split_platform(match.group(2))
                current = _Spec(match.group(1), version, platform, lineno, section, dict(options))
                specs.append(current)
                continue
            key, sep, value = line.strip().partition(":")
            if not sep:
                raise ParseError(path, f"unexpected line in {section}", lineno)
            if key == "specs":
                in_specs = True
            else:
                options.setdefault(key, value.strip())
        elif section == "DEPENDENCIES":
            name, _, requirement = line.strip().partition(" ")
            direct[name.rstrip("!")] = requirement.strip().rstrip("!").strip("()") or None
        elif section == "CHECKSUMS":
            match = _CHECKSUM.match(line)
            if match and match.group(3):
                for digest in match.group(3).split(","):
                    alg, _, value = digest.strip().partition("=")
                    if value:
                        checksums.setdefault((match.group(1), match.group(2)), []).append(
                            Hash(alg.lower(), value.lower())
                        )
        elif section == "RUBY VERSION":
            root_props.append(("gem:ruby-version", line.strip()))
        elif section == "BUNDLED WITH":
            root_props.append(("gem:bundled-with", line.strip()))
        elif section == "PLATFORMS":
            continue
        else:
            continue  # unknown sections are skipped line by line, never fatal

    refs: dict[int, str] = {}
    by_name: dict[str, list[str]] = {}
    local_roots = [s for s in specs if s.source_kind == "PATH" and s.options.get("remote") == "."]
    for spec in specs:
        if spec.source_kind == "PATH":
            refs[id(spec)] = component(ECOSYSTEM, spec.name, spec.version, path).purl
            if spec not in local_roots:
                result.notes.append(
                    FileProblem(
                        path,
                        "note",
                        f"{spec.name} {spec.version} comes from the local path "
                        f"{spec.options.get('remote', '?')}: first-party code, not listed",
                        spec.line,
                    )
                )
            by_name.setdefault(spec.name, []).append(refs[id(spec)])
            continue
        comp = _gem(spec, path, None if spec.name in direct else False, checksums, direct.get(spec.name))
        refs[id(spec)] = comp.purl
        by_name.setdefault(spec.name, []).append(comp.purl)
        result.components.append(comp)
    if len(local_roots) == 1:
        spec = local_roots[0]
        result.root = component(ECOSYSTEM, spec.name, spec.version, path, line=spec.line, properties=tuple(root_props))
    for spec in specs:
        for dep_name in spec.deps:
            targets = by_name.get(dep_name)
            if not targets and dep_name == "bundler":
                continue  # Bundler itself runs the bundle; it is never locked as a spec
            if not targets:
                result.notes.append(
                    FileProblem(path, "unsupported", f"{spec.name}: dependency {dep_name} has no spec", spec.line)
                )
                continue
            result.edges.extend((refs[id(spec)], target) for target in targets)
    for name in sorted(direct):
        for target in by_name.get(name, []):
            if result.root is None or target != result.root.purl:
                result.edges.append((result.root_ref, target))
    return result


def _gem(
    spec: _Spec,
    path: str,
    direct: bool | None,
    checksums: dict[tuple[str, str], list[Hash]],
    requirement: str | None,
) -> Component:
    qualifiers: dict[str, str] = {}
    props: list[tuple[str, str]] = []
    if spec.platform:
        qualifiers["platform"] = spec.platform
    remote = spec.options.get("remote")
    download = None
    if spec.source_kind == "GIT" and remote:
        revision = spec.options.get("revision")
        qualifiers["vcs_url"] = f"git+{remote}@{revision}" if revision else f"git+{remote}"
        for key in ("branch", "tag", "ref"):
            if key in spec.options:
                props.append((f"gem:git-{key}", spec.options[key]))
    elif remote and remote.rstrip("/") not in ("https://rubygems.org", "http://rubygems.org"):
        qualifiers["repository_url"] = remote
    elif remote:
        full = f"{spec.version}-{spec.platform}" if spec.platform else spec.version
        download = f"https://rubygems.org/downloads/{spec.name}-{full}.gem"
    if spec.source_kind == "PLUGIN SOURCE":
        props.append(("gem:plugin-source", "true"))
    full_version = f"{spec.version}-{spec.platform}" if spec.platform else spec.version
    return component(
        ECOSYSTEM,
        spec.name,
        spec.version,
        path,
        line=spec.line,
        direct=direct,
        declared_range=requirement,
        hashes=tuple(checksums.get((spec.name, full_version), ())),
        qualifiers=qualifiers,
        download_url=download,
        properties=tuple(props),
    )


_GEM_LINE = re.compile(r"""^\s*gem\s*\(?\s*(["'])([^"']+)\1(.*)$""")
_STRING = re.compile(r"""(["'])([^"']*)\1""")
_OPTION = re.compile(
    r"""(\w+):\s*(\[[^\]]*\]|:\w+|["'][^"']*["']|\w+)|:(\w+)\s*=>\s*(\[[^\]]*\]|:\w+|["'][^"']*["'])"""
)
_BLOCK_START = re.compile(r"\bdo\s*(\|[^|]*\|)?\s*(#.*)?$")
_OPENERS = re.compile(r"^\s*(if|unless|case|begin|while|until|def|class|module)\b")
_GROUP = re.compile(r"^\s*group\s*\(?\s*(.*?)\)?\s*do\b")
_SYMBOLS = re.compile(r""":(\w+)|["'](\w+)["']""")
_DEV_GROUPS = frozenset({"development", "test"})


def _groups_scope(groups: set[str]) -> Scope:
    if not groups or not groups <= _DEV_GROUPS:
        return Scope.RUNTIME
    return Scope.TEST if groups == {"test"} else Scope.DEV


def parse_gemfile(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    stack: list[set[str]] = []  # groups of each open block (empty for non-group blocks)
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "end" or stripped.startswith("end "):
            if stack:
                stack.pop()
            continue
        group = _GROUP.match(line)
        if group is not None:
            stack.append({a or b for a, b in _SYMBOLS.findall(group.group(1))})
            continue
        gem = _GEM_LINE.match(line)
        if gem is None:
            if _BLOCK_START.search(line) or (_OPENERS.match(line) and not stripped.endswith(" end")):
                stack.append(set())
            continue
        name, rest = gem.group(2), gem.group(3)
        options: dict[str, str] = {}
        for key, value, old_key, old_value in _OPTION.findall(rest):
            options[key or old_key] = (value or old_value).strip()
        head = _OPTION.split(rest, maxsplit=1)[0]
        requirements = [m.group(2) for m in _STRING.finditer(head)]
        if "path" in options:
            result.notes.append(
                FileProblem(path, "note", f"{name} comes from the local path {options['path']}: not listed", lineno)
            )
            continue
        groups = set().union(*stack) if stack else set()
        for key in ("group", "groups"):
            if key in options:
                groups |= {a or b for a, b in _SYMBOLS.findall(options[key])}
        props: list[tuple[str, str]] = []
        if groups:
            props.append(("gem:groups", ",".join(sorted(groups))))
        for key in ("git", "github", "branch", "tag", "ref", "platforms", "require"):
            if key in options:
                props.append((f"gem:{key}", options[key].strip("\"'")))
        comp = component(
            ECOSYSTEM,
            name,
            None,
            path,
            line=lineno,
            scope=_groups_scope(groups),
            direct=True,
            declared_range=", ".join(requirements) or None,
            properties=tuple(props),
        )
        result.components.append(comp)
        result.edges.append((result.root_ref, comp.purl))
    return result


PARSERS = (
    ParserSpec(
        name="gemfile-lock",
        ecosystem=ECOSYSTEM,
        claims=_claims.gemfile_lock,
        parse=guarded(parse_gemfile_lock),
    ),
    ParserSpec(
        name="gemfile",
        ecosystem=ECOSYSTEM,
        claims=_claims.gemfile,
        parse=guarded(parse_gemfile),
    ),
)
