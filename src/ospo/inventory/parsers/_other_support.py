"""Small shared pieces for the Rust, Go, JVM, Ruby, PHP, .NET, Swift, CocoaPods and Dart parsers.

Every loader here turns whatever the underlying library raises on hostile input into a
ParseError naming the file (and line where the library knows it), so a parser built on
them has one failure mode. The `as_*` helpers read untrusted decoded data without
assuming its shape: a list where a table was expected reads as empty, not as a crash.
"""

from __future__ import annotations

import functools
import json
import re
import xml.parsers.expat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ospo.model import ManifestResult, ParseError
from ospo.walk import load_yaml as _load_yaml


def guarded(parse: Callable[[str, str], ManifestResult]) -> Callable[[str, str], ManifestResult]:
    """A parse function whose purl-validation failures become ParseErrors.

    packageurl raises ValueError for an identity it cannot represent (an empty name, say)
    and TypeError for some others (a name of "/"), which hostile input can always
    provoke; that is a malformed file, not a crash. Errors raised elsewhere are bugs and
    propagate.
    """

    @functools.wraps(parse)
    def run(path: str, text: str) -> ManifestResult:
        try:
            return parse(path, text)
        except (ValueError, TypeError) as exc:
            if not _raised_in_packageurl(exc):
                raise
            raise ParseError(path, f"cannot form a package identity: {exc}") from None

    return run


def _raised_in_packageurl(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and "packageurl" in tb.tb_frame.f_code.co_filename


def load_json(path: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"invalid JSON: {exc.msg}", exc.lineno) from None
    except (RecursionError, ValueError) as exc:
        raise ParseError(path, f"invalid JSON: {exc.__class__.__name__}") from None


def load_yaml(path: str, text: str) -> Any:
    """Safe YAML with nesting bounded (see ospo.walk.reading.load_yaml)."""
    return _load_yaml(path, text)


def as_dict(value: object) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: object) -> str | None:
    """A non-empty string, or None (numbers are accepted as their text: `version = 1`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


class LineIndex:
    """Line numbers of strings in a text, searched forward so repeated names resolve in
    order (the n-th `[[package]]` header belongs to the n-th package)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] = [0]
        for match in re.finditer("\n", text):
            self._starts.append(match.end())

    def line_at(self, offset: int) -> int:
        lo, hi = 0, len(self._starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def find(self, needle: str, start: int = 0) -> int | None:
        """Line of the first occurrence of `needle` at or after offset `start`."""
        pos = self.text.find(needle, start)
        return self.line_at(pos) if pos >= 0 else None

    def offsets(self, pattern: re.Pattern[str]) -> list[int]:
        return [m.start() for m in pattern.finditer(self.text)]


# --- XML: expat with line numbers, no DTDs at all -------------------------------------


@dataclass
class XmlNode:
    """An element of a small tree built by `parse_xml`: local tag name, attributes,
    text and the line it starts on."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[XmlNode] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts).strip()

    def child(self, tag: str) -> XmlNode | None:
        for node in self.children:
            if node.tag == tag:
                return node
        return None

    def children_named(self, tag: str) -> Iterator[XmlNode]:
        return (node for node in self.children if node.tag == tag)

    def child_text(self, tag: str) -> str | None:
        node = self.child(tag)
        return node.text or None if node is not None else None

    def find_path(self, *tags: str) -> XmlNode | None:
        node: XmlNode | None = self
        for tag in tags:
            if node is None:
                return None
            node = node.child(tag)
        return node


class _XmlRefused(Exception):
    pass


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def parse_xml(path: str, text: str) -> XmlNode:
    """Parse XML into XmlNodes, refusing any DOCTYPE.

    Manifests (pom.xml, *.csproj) never need a DTD; refusing the declaration outright
    rules out entity expansion attacks (billion laughs, quadratic blow-up) and external
    entities before expat reads a single entity definition.
    """
    parser = xml.parsers.expat.ParserCreate()
    root: list[XmlNode] = []
    stack: list[XmlNode] = []

    def refuse_doctype(*_args: object) -> None:
        raise _XmlRefused("DOCTYPE declarations are not allowed in this file")

    def refuse_entity(*_args: object) -> None:
        raise _XmlRefused("entity declarations are not allowed in this file")

    def start(name: str, attrs: dict[str, str]) -> None:
        node = XmlNode(_local(name), {_local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].text_parts.append(data)

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_entity  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text, True)
    except _XmlRefused as exc:
        raise ParseError(path, str(exc), parser.CurrentLineNumber) from None
    except xml.parsers.expat.ExpatError as exc:
        raise ParseError(path, f"invalid XML: {exc}", exc.lineno) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ParseError(path, f"invalid XML: {exc.__class__.__name__}") from None
    if not root:
        raise ParseError(path, "no XML root element")
    return root[0]
