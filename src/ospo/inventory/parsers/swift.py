"""Swift Package Manager: Package.resolved (format versions 1, 2 and 3).

v1 nests pins under `object.pins` with `package` and `repositoryURL`; v2 and v3 list
`pins` with `identity`, `kind` and `location` (v3 adds an `originHash`). Each pin is a
resolved package: the purl namespace is the repository's host and owner and the name its
last path element without `.git` (`pkg:swift/github.com/apple/swift-nio@2.58.0`). A pin
on a branch or a bare revision has no version: the commit becomes the version and the
branch a property, which is what was resolved. Registry pins (`scope.name` identities)
use the scope as namespace. Package.resolved does not record which pins are direct.
"""

from __future__ import annotations

import re
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import LineIndex, as_dict, as_str, guarded, load_json
from ospo.inventory.purls import component
from ospo.model import FileProblem, ManifestResult, ParseError

ECOSYSTEM = "swift"
_SCP = re.compile(r"^(?:[^@/]+@)?([^:/]+):(.+)$")


def split_location(location: str) -> tuple[str | None, str]:
    """(namespace, name) of a repository URL: https, ssh:// and scp-like git@host:path.
    The namespace is the host (without user or port) and the owner path."""
    loc = location.strip()
    if "://" in loc:
        rest = loc.split("://", 1)[1]
    else:
        match = _SCP.match(loc)
        rest = f"{match.group(1)}/{match.group(2)}" if match else loc
    host, _, tail = rest.partition("/")
    host = host.rsplit("@", 1)[-1].split(":", 1)[0]
    rest = f"{host}/{tail}" if tail else host
    rest = rest.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if rest.endswith(".git"):
        rest = rest[:-4]
    namespace, sep, name = rest.rpartition("/")
    return (namespace if sep and namespace else None), name


def parse_package_resolved(path: str, text: str) -> ManifestResult:
    data = load_json(path, text)
    if not isinstance(data, dict):
        raise ParseError(path, "Package.resolved is not a JSON object", 1)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    container = data if "pins" in data else as_dict(data.get("object"))
    pins_raw = container.get("pins")
    if not isinstance(pins_raw, list):
        raise ParseError(path, "no 'pins' list", 1)
    pins: list[Any] = pins_raw
    origin = as_str(data.get("originHash"))
    cursor = 0
    for raw in pins:
        pin = as_dict(raw)
        location = as_str(pin.get("location")) or as_str(pin.get("repositoryURL"))
        identity = as_str(pin.get("identity")) or as_str(pin.get("package"))
        kind = as_str(pin.get("kind")) or "remoteSourceControl"
        state = as_dict(pin.get("state"))
        version = as_str(state.get("version"))
        revision = as_str(state.get("revision"))
        branch = as_str(state.get("branch"))
        needle = f'"{location}"' if location else f'"{identity}"'
        pos = text.find(needle, cursor)
        if pos < 0:
            pos = text.find(needle)
        line = lines.line_at(pos) if pos >= 0 else None
        cursor = pos + 1 if pos >= 0 else cursor
        if location is None and identity is None:
            result.notes.append(FileProblem(path, "unsupported", "pin without identity or location", line))
            continue
        props: list[tuple[str, str]] = [("swift:kind", kind)]
        if identity:
            props.append(("swift:identity", identity))
        if revision:
            props.append(("swift:revision", revision))
        if branch:
            props.append(("swift:branch", branch))
        if origin:
            props.append(("swift:origin-hash", origin))
        namespace: str | None
        if kind == "registry" and identity and "." in identity:
            namespace, name = identity.split(".", 1)
        elif kind in ("localSourceControl", "fileSystem") or location is None:
            namespace, name = None, identity or (location or "").rstrip("/").rsplit("/", 1)[-1]
        else:
            namespace, name = split_location(location)
        if not name:
            result.notes.append(FileProblem(path, "unsupported", f"cannot name the pin at {location}", line))
            continue
        result.components.append(
            component(
                ECOSYSTEM,
                name,
                version or revision,
                path,
                namespace=namespace,
                line=line,
                download_url=location if location and "://" in location else None,
                properties=tuple(props),
            )
        )
    return result


PARSER = ParserSpec(
    name="swift-package-resolved",
    ecosystem=ECOSYSTEM,
    claims=_claims.swift_package_resolved,
    parse=guarded(parse_package_resolved),
)
