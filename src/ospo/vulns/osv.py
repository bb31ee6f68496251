"""OSV records (JSON, and the PyPA advisory database's YAML) parsed into typed records.

Advisory feeds are input we do not control: a record may be truncated, binary, huge, deeply
nested, or a YAML alias bomb. Everything here either returns an `OsvRecord` or raises
`ParseError(path, message)` naming the file and, when it could be read, the record id.
YAML is read without implicit float/int/timestamp typing so that a version such as ``1.10``
stays the string ``"1.10"`` and dates stay the strings OSV specifies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ospo.model import Advisory, ParseError
from ospo.walk import yaml_nesting_guard

MAX_RECORD_BYTES = 8 * 1024 * 1024
MAX_NODES = 500_000
MAX_DEPTH = 64

# Ecosystems whose package names compare without regard to case.
_CASE_INSENSITIVE = {"nuget", "packagist", "crates.io", "hex", "pub", "pypi"}
_PEP503 = re.compile(r"[-_.]+")


def base_ecosystem(ecosystem: str) -> str:
    """``Debian:11`` → ``Debian``; OSV suffixes a release after a colon."""
    return ecosystem.split(":", 1)[0]


def normalise_name(ecosystem: str, name: str) -> str:
    """The name under which an ecosystem's package is indexed and looked up.

    PyPI uses PEP 503 (runs of ``-_.`` become ``-``, lower case); Maven keeps
    ``group:artifact``; Go keeps the module path; ecosystems whose registries treat names
    case-insensitively are lower-cased.
    """
    eco = base_ecosystem(ecosystem).lower()
    name = name.strip()
    if eco == "pypi":
        return _PEP503.sub("-", name).lower()
    if eco in _CASE_INSENSITIVE:
        return name.lower()
    return name


@dataclass(frozen=True)
class OsvSeverity:
    """One `severity[]` entry: ``CVSS_V2``, ``CVSS_V3``, ``CVSS_V4`` or ``Ubuntu``, and its score."""

    type: str
    score: str


@dataclass(frozen=True)
class OsvAffected:
    """One `affected[]` entry. `entry` is the plain dict range evaluation works on."""

    ecosystem: str
    name: str
    purl: str | None
    entry: dict[str, Any]

    @property
    def normalised_name(self) -> str:
        return normalise_name(self.ecosystem, self.name)

    @property
    def range_types(self) -> tuple[str, ...]:
        ranges = self.entry.get("ranges") or []
        return tuple(str(r.get("type", "")) for r in ranges if isinstance(r, dict))


@dataclass(frozen=True)
class OsvRecord:
    """An OSV vulnerability record, checked for the fields ospo relies on."""

    id: str
    modified: str
    path: str
    published: str | None = None
    withdrawn: str | None = None
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    summary: str = ""
    details: str = ""
    severity: tuple[OsvSeverity, ...] = ()
    affected: tuple[OsvAffected, ...] = ()
    references: tuple[str, ...] = ()
    database_specific: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The summary, or the first line of the details when there is no summary."""
        if self.summary:
            return self.summary
        first = self.details.strip().splitlines()[0] if self.details.strip() else ""
        return first[:200]

    def to_advisory(self, severity: str = "unknown", score: float | None = None, vector: str | None = None) -> Advisory:
        return Advisory(
            id=self.id,
            aliases=self.aliases,
            summary=self.title,
            severity=severity,
            score=score,
            vector=vector,
            published=self.published,
            modified=self.modified,
            references=self.references,
            withdrawn=self.withdrawn,
        )


class _OsvYamlLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML where only null and booleans are typed; numbers and dates stay strings."""


_OsvYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_document(path: str, data: bytes | str) -> Any:
    """Decode one OSV document (JSON or YAML by file name) with size and shape limits."""
    size = len(data)
    if size > MAX_RECORD_BYTES:
        raise ParseError(path, f"record is {size} bytes, above the {MAX_RECORD_BYTES} byte limit")
    if isinstance(data, bytes):
        if b"\x00" in data[:8192]:
            raise ParseError(path, "binary content, not an OSV record")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(path, f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    else:
        text = data
    lower = path.lower()
    try:
        if lower.endswith((".yaml", ".yml")):
            yaml_nesting_guard(path, text)  # libyaml would crash the process on deep nesting
            obj = yaml.load(text, Loader=_OsvYamlLoader)
        else:
            obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"invalid JSON: {exc.msg}", exc.lineno) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise ParseError(path, f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise ParseError(path, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise ParseError(path, "nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise ParseError(path, f"unreadable record: {exc}") from None
    _check_shape(path, obj)
    return obj


def _check_shape(path: str, obj: Any) -> None:
    """Bound depth and node count (YAML aliases can make a small file a huge tree)."""
    budget = MAX_NODES
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise ParseError(path, f"record has more than {MAX_NODES} values (alias bomb?)")
        if depth > MAX_DEPTH:
            raise ParseError(path, f"record is nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    raise ParseError(path, f"non-string key {key!r}")
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
        elif not (node is None or isinstance(node, (str, int, float, bool))):
            raise ParseError(path, f"unexpected value of type {type(node).__name__}")


def parse_osv(path: str, data: bytes | str) -> OsvRecord:
    """Parse one OSV record file (``.json``, or ``.yaml``/``.yml`` as in the PyPA database)."""
    return record_from_mapping(path, load_document(path, data))


def record_from_mapping(path: str, obj: Any) -> OsvRecord:
    """Check and type a decoded OSV document; errors name the file and the record id."""
    if not isinstance(obj, dict):
        raise ParseError(path, f"an OSV record is an object, not {type(obj).__name__}")
    rid = obj.get("id")
    if not isinstance(rid, str) or not rid.strip() or len(rid) > 200:
        raise ParseError(path, "record has no usable 'id'")
    rid = rid.strip()

    def fail(message: str) -> ParseError:
        return ParseError(path, f"{rid}: {message}")

    def text(key: str, required: bool = False) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                raise fail(f"'{key}' is missing")
            return None
        if not isinstance(value, str):
            raise fail(f"'{key}' must be a string")
        return value

    def strings(value: Any, what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"'{what}' must be a list of strings")
        return tuple(value)

    modified = text("modified", required=True)
    assert modified is not None
    severities: list[OsvSeverity] = []
    sev = obj.get("severity")
    if sev is not None:
        if not isinstance(sev, list):
            raise fail("'severity' must be a list")
        for item in sev:
            if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                raise fail("'severity' entries need a 'type'")
            score = item.get("score")
            if not isinstance(score, (str, int, float)) or isinstance(score, bool):
                raise fail("'severity' entries need a 'score'")
            severities.append(OsvSeverity(item["type"], str(score)))

    affected: list[OsvAffected] = []
    raw_affected = obj.get("affected")
    if raw_affected is not None and not isinstance(raw_affected, list):
        raise fail("'affected' must be a list")
    for i, entry in enumerate(raw_affected or []):
        affected.append(_affected(entry, i, fail))

    references: list[str] = []
    raw_refs = obj.get("references")
    if raw_refs is not None:
        if not isinstance(raw_refs, list):
            raise fail("'references' must be a list")
        for ref in raw_refs:
            if isinstance(ref, dict) and isinstance(ref.get("url"), str):
                references.append(ref["url"])
            else:
                raise fail("'references' entries need a 'url'")
    dbs = obj.get("database_specific")
    if dbs is not None and not isinstance(dbs, dict):
        raise fail("'database_specific' must be an object")
    return OsvRecord(
        id=rid,
        modified=modified,
        path=path,
        published=text("published"),
        withdrawn=text("withdrawn"),
        aliases=tuple(a for a in strings(obj.get("aliases"), "aliases") if a != rid),
        related=strings(obj.get("related"), "related"),
        summary=(text("summary") or "").strip(),
        details=text("details") or "",
        severity=tuple(severities),
        affected=tuple(affected),
        references=tuple(references),
        database_specific=dbs or {},
        raw=obj,
    )


def _affected(entry: Any, index: int, fail: Any) -> OsvAffected:
    where = f"affected[{index}]"
    if not isinstance(entry, dict):
        raise fail(f"{where} must be an object")
    package = entry.get("package")
    ecosystem = name = ""
    purl: str | None = None
    if package is not None:
        if not isinstance(package, dict):
            raise fail(f"{where}.package must be an object")
        eco_value, name_value = package.get("ecosystem"), package.get("name")
        if not isinstance(eco_value, str) or not isinstance(name_value, str) or not name_value.strip():
            raise fail(f"{where}.package needs 'ecosystem' and 'name'")
        ecosystem, name = eco_value, name_value
        raw_purl = package.get("purl")
        purl = raw_purl if isinstance(raw_purl, str) else None
    ranges = entry.get("ranges")
    if ranges is not None:
        if not isinstance(ranges, list):
            raise fail(f"{where}.ranges must be a list")
        for j, rng in enumerate(ranges):
            if not isinstance(rng, dict) or not isinstance(rng.get("type"), str):
                raise fail(f"{where}.ranges[{j}] needs a 'type'")
            events = rng.get("events")
            if not isinstance(events, list) or not all(
                isinstance(e, dict) and all(isinstance(v, str) for v in e.values()) for e in events
            ):
                raise fail(f"{where}.ranges[{j}].events must be a list of objects of strings")
    versions = entry.get("versions")
    if versions is not None and (not isinstance(versions, list) or not all(isinstance(v, str) for v in versions)):
        raise fail(f"{where}.versions must be a list of strings")
    return OsvAffected(ecosystem=ecosystem, name=name.strip(), purl=purl, entry=entry)
