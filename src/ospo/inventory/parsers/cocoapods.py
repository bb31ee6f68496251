"""CocoaPods: Podfile.lock, as `pod install` writes it (YAML).

`PODS` is the resolved set: one entry per pod or subspec as `Name (version)`, optionally
with the requirements it has on other pods nested below it, which become edges. A subspec
(`Firebase/Analytics`) is a part of its pod built from the same release: the purl spec
names the pod and puts the subspec in the subpath (`pkg:cocoapods/Firebase@10.18.0#Analytics`),
so each subspec is its own component and the component's name is the pod's. `DEPENDENCIES`
is what the Podfile asks for across all its targets: those pods are direct, every other one
is not. The lockfile does not say which targets are test targets, so every pod is RUNTIME.

`SPEC CHECKSUMS` holds, per pod, the sha1 of the podspec that was resolved: it identifies
the exact specification (and so the source it points at), not an archive, and is shared
by all subspecs of the pod. `EXTERNAL SOURCES` names pods taken from a git repository, a
local path or a podspec URL instead of a spec repo, and `CHECKOUT OPTIONS` the commit a git
source resolved to: both become properties, and a git pod also carries the purl `vcs_url`
as pods of other ecosystems do. `SPEC REPOS` says which spec repo served each pod; only a
repo other than the public trunk is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import as_dict, as_list, as_str, guarded, load_yaml
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError

ECOSYSTEM = "cocoapods"
_ENTRY = re.compile(r"^(\S+)(?: \((.*)\))?$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_TRUNK = ("trunk", "https://github.com/CocoaPods/Specs.git", "https://cdn.cocoapods.org/")
_SOURCE_KINDS = (":git", ":path", ":podspec", ":http")


@dataclass
class _Pod:
    name: str
    version: str
    line: int | None
    requires: list[str] = field(default_factory=list)


def split_name(name: str) -> tuple[str, str | None]:
    """`Firebase/Analytics` -> (`Firebase`, `Analytics`); nested subspecs keep their path."""
    pod, sep, subspec = name.partition("/")
    return pod, (subspec if sep and subspec else None)


def _entry(text: str) -> tuple[str, str | None]:
    """Name and parenthesised part of `Name (version)` or `Name (~> 1.0)`."""
    match = _ENTRY.match(text.strip())
    if match is None:
        return text.strip(), None
    return match.group(1), match.group(2)


def parse_podfile_lock(path: str, text: str) -> ManifestResult:
    data = load_yaml(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    if data is None:
        return result
    if not isinstance(data, dict):
        raise ParseError(path, "Podfile.lock is not a mapping", 1)
    raw_pods = data.get("PODS")
    if not isinstance(raw_pods, list):
        raise ParseError(path, "no 'PODS' list", 1)
    lines = _pod_lines(text)
    pods: list[_Pod] = []
    for raw in raw_pods:
        if isinstance(raw, dict) and len(raw) == 1:
            ((head, nested),) = raw.items()
            requires = [name for name, _ in (_entry(str(r)) for r in as_list(nested) if as_str(r))]
        else:
            head, requires = raw, []
        head_text = as_str(head)
        if head_text is None:
            raise ParseError(path, "a PODS entry is neither a pod nor a pod with dependencies")
        name, version = _entry(head_text)
        seen_at = lines.get(head_text)
        line = seen_at.pop() if seen_at else None
        if not version:
            raise ParseError(path, f"pod {name} has no version", line)
        pods.append(_Pod(name, version, line, requires))

    direct = {_entry(str(r))[0] for r in as_list(data.get("DEPENDENCIES")) if as_str(r)}
    checksums = {k: v for k, raw_v in as_dict(data.get("SPEC CHECKSUMS")).items() if (v := as_str(raw_v))}
    external = as_dict(data.get("EXTERNAL SOURCES"))
    checkout = as_dict(data.get("CHECKOUT OPTIONS"))
    repo_of: dict[str, str] = {}
    for repo, names in as_dict(data.get("SPEC REPOS")).items():
        for pod_name in as_list(names):
            if as_str(pod_name):
                repo_of.setdefault(str(pod_name), repo)

    named = {pod.name for pod in pods}
    # A Podfile naming a whole pod whose lock lists only its subspecs asks for those.
    whole_pods = direct - named
    direct |= {pod.name for pod in pods if split_name(pod.name)[0] in whole_pods}
    by_name: dict[str, str] = {}
    for pod in pods:
        comp = _pod(pod, path, pod.name in direct, checksums, external, checkout, repo_of)
        by_name.setdefault(pod.name, comp.purl)
        result.components.append(comp)
    for pod in pods:
        for required in pod.requires:
            target = by_name.get(required)
            if target is None:
                result.notes.append(
                    FileProblem(path, "unsupported", f"{pod.name}: dependency {required} is not locked", pod.line)
                )
                continue
            result.edges.append((by_name[pod.name], target))
    for name in sorted(direct & named):
        result.edges.append((result.root_ref, by_name[name]))
    return result


def _pod_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of the top-level items of the PODS block, by their text.

    One pass over the block rather than a search per pod: a search that misses (an item
    spelt with YAML escapes, a flow-style list) would otherwise rescan the rest of the file
    for every pod of a hostile lockfile.
    """
    found: dict[str, list[int]] = {}
    inside = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        if raw[:1] not in ("", " "):
            inside = raw.rstrip() == "PODS:"
            continue
        if inside and raw.startswith("  - "):
            item = raw[4:].rstrip()
            item = item[:-1].rstrip() if item.endswith(":") else item
            if len(item) >= 2 and item[0] == item[-1] and item[0] in "\"'":
                item = item[1:-1]
            found.setdefault(item, []).append(lineno)
    for lines in found.values():
        lines.reverse()  # popped from the end, so in file order
    return found


def _pod(
    pod: _Pod,
    path: str,
    direct: bool,
    checksums: dict[str, str],
    external: dict[str, object],
    checkout: dict[str, object],
    repo_of: dict[str, str],
) -> Component:
    root_name, subspec = split_name(pod.name)
    props: list[tuple[str, str]] = []
    qualifiers: dict[str, str] = {}
    if subspec:
        props.append(("cocoapods:subspec", subspec))
    source = as_dict(external.get(root_name))
    resolved = as_dict(checkout.get(root_name))
    kind = next((k for k in _SOURCE_KINDS if as_str(source.get(k))), None)
    if kind is not None:
        props.append(("cocoapods:source", kind[1:]))
        for key, value in sorted({**source, **resolved}.items()):
            text = as_str(value)
            if key.startswith(":") and text:
                props.append((f"cocoapods:{key[1:]}", text))
        if kind == ":git":
            url = as_str(resolved.get(":git")) or as_str(source.get(":git"))
            commit = as_str(resolved.get(":commit"))
            qualifiers["vcs_url"] = f"git+{url}@{commit}" if commit else f"git+{url}"
    repo = repo_of.get(root_name)
    if repo and repo not in _TRUNK:
        props.append(("cocoapods:spec-repo", repo))
    digest = checksums.get(root_name)
    hashes = (Hash("sha1", digest.lower()),) if digest and _SHA1.match(digest) else ()
    return component(
        ECOSYSTEM,
        root_name,
        pod.version,
        path,
        line=pod.line,
        direct=direct,
        hashes=hashes,
        qualifiers=qualifiers,
        subpath=subspec,
        properties=tuple(props),
    )


PARSER = ParserSpec(
    name="cocoapods-lock",
    ecosystem=ECOSYSTEM,
    claims=_claims.cocoapods_lock,
    parse=guarded(parse_podfile_lock),
)
