"""Ruby: Gemfile.lock (and gems.locked), as Bundler writes it.

Sections start at column 0. GEM, GIT, PATH and PLUGIN SOURCE sections list `specs:`,
one gem per line at four spaces (`name (version[-platform])`), its dependencies below it
at six. DEPENDENCIES lists what the Gemfile asks for (`name!` marks a gem pinned to a GIT
or PATH source): those gems are direct, every other one is not. CHECKSUMS (Bundler 2.5+)
adds sha256 digests. PLATFORMS, RUBY VERSION and BUNDLED WITH describe the bundle, not
its gems; the last two become properties of the root when there is one.

A platform-specific build (`nokogiri (1.15.4-x86_64-linux)`) has version `1.15.4` and the
purl qualifier `platform=x86_64-linux`; every platform variant is its own component. GIT
gems carry `vcs_url`; PATH gems are local code: a PATH source at `.` is the gem being
developed and becomes the root, other PATH gems are reported as local, not listed. The
lockfile does not record Gemfile groups, so every gem is RUNTIME.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import guarded
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError

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
        comp = _gem(spec, path, spec.name in direct, checksums, direct.get(spec.name))
        refs[id(spec)] = comp.purl
        by_name.setdefault(spec.name, []).append(comp.purl)
        result.components.append(comp)
    if len(local_roots) == 1:
        spec = local_roots[0]
        result.root = component(
            ECOSYSTEM, spec.name, spec.version, path, line=spec.line, properties=tuple(root_props)
        )
    for spec in specs:
        for dep_name in spec.deps:
            targets = by_name.get(dep_name)
            if not targets and dep_name == "bundler":
                continue  # Bundler itself runs the bundle; it is never locked as a spec
            if not targets:
                result.notes.append(
                    FileProblem(
                        path, "unsupported", f"{spec.name}: dependency {dep_name} has no spec", spec.line
                    )
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
    direct: bool,
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


PARSER = ParserSpec(
    name="gemfile-lock",
    ecosystem=ECOSYSTEM,
    claims=lambda name, relpath: name in ("Gemfile.lock", "gems.locked"),
    parse=guarded(parse_gemfile_lock),
)
