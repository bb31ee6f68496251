"""A fast reader for the plain block YAML that lockfile tools write, PyYAML for everything else.

pnpm (and pub, and others) write their lockfiles with a dumper that only ever produces block
mappings and sequences indented by two spaces, single-line scalars and one-line flow
collections. PyYAML reads a 1,600-package pnpm-lock.yaml in ~90 ms, nearly all of it in its
Python object constructor; this reader takes that subset line by line in a fraction of it.

It answers only when it understood every line; anything else (anchors, tags, multi-line
scalars, comments after values, tabs, escapes, documents, indentless sequences...) returns
None and the caller reads the text with PyYAML, which also gives the error messages. Plain
scalars are typed by PyYAML's own resolver table (`true`, `1.5`, `~`...), so wherever this
reader answers, its answer equals `yaml.safe_load` (property tests hold it to that).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MAX_INDENT = 200  # deeper than this is left to PyYAML (and its nesting guard)

_KEY_LINE = re.compile(r"((?:'(?:[^']|'')*')|[^'\"\s\-?:,\[\]{}#&*!|>%@`][^\n]*?|-[^\s'\"][^\n]*?):(?: (.*))?")
_ITEM_LINE = re.compile(r"- (.*)")
_PLAIN_START = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]|-[^\s]|[?:][^\s]")


# Anything but LF, printable ASCII and the printable non-ASCII PyYAML accepts: control characters
# (which PyYAML rejects), tabs, CR and the line breaks NEL, LS and PS (which PyYAML folds).
_OUTSIDE_SUBSET = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Declined(Exception):
    """The text is outside the subset: let PyYAML read it."""


@lru_cache(maxsize=1)
def _pyyaml() -> tuple[dict[str, list[tuple[str, re.Pattern[str]]]], Any, Any]:
    """PyYAML's implicit resolvers by first character, its safe constructor and ScalarNode."""
    import yaml

    return yaml.resolver.Resolver.yaml_implicit_resolvers, yaml.constructor.SafeConstructor(), yaml.nodes.ScalarNode


_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_TYPED_TAGS = frozenset(
    {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
)


def _plain(text: str) -> Any:
    """A plain scalar, typed as PyYAML types it."""
    if text and not _PLAIN_START.match(text):
        raise _Declined
    if text != text.strip() or " #" in text or ": " in text or text.endswith(":") or "\t" in text:
        raise _Declined
    resolvers, constructor, scalar_node = _pyyaml()
    tag = _STR_TAG
    for candidate, pattern in resolvers.get(text[:1], ()):
        if pattern.match(text):
            tag = candidate
            break
    if tag == _STR_TAG:
        return text
    if tag == _NULL_TAG:
        return None
    if tag in _TYPED_TAGS:
        return constructor.yaml_constructors[tag](constructor, scalar_node(tag, text))
    raise _Declined  # merge keys, `=` values


def _single_quoted(text: str) -> str:
    """The body of a whole-token '...' scalar ('' is a quote)."""
    body = text[1:-1]
    if len(text) < 2 or text[-1] != "'" or body.replace("''", "").count("'"):
        raise _Declined
    return body.replace("''", "'")


@lru_cache(maxsize=1 << 16)
def _scalar(text: str) -> Any:
    """One scalar token (lockfiles repeat the same versions and names thousands of times)."""
    if text.startswith("'"):
        return _single_quoted(text)
    if text.startswith('"'):
        body = text[1:-1]
        if len(text) < 2 or text[-1] != '"' or '"' in body or "\\" in body:
            raise _Declined
        return body
    return _plain(text)


_FLOW_SPECIAL = re.compile(r"[\"\[\]{}]")
_FLOW_ITEM = re.compile(r"((?:'(?:[^']|'')*+'|[^,'\"\[\]{}])*+)(,|$)")


def _flow_items(body: str) -> list[str]:
    """The comma-separated items of a one-line flow collection (no nesting)."""
    if "'" not in body:
        if _FLOW_SPECIAL.search(body):
            raise _Declined
        items = [item.strip() for item in body.split(",")]
    else:
        items = []
        position = 0
        while True:
            match = _FLOW_ITEM.match(body, position)
            if match is None:
                raise _Declined
            items.append(match.group(1).strip())
            if not match.group(2):
                if match.end() != len(body):
                    raise _Declined
                break
            position = match.end()
        for item in items:  # a quote may only open a whole key or value
            for part in item.partition(": ")[::2]:
                part = part.strip()
                if "'" in part and not (part.startswith("'") and part.endswith("'")):
                    raise _Declined
    if items == [""]:
        return []
    if "" in items:
        raise _Declined
    return items


def _flow_scalar(text: str) -> Any:
    """A scalar inside `{...}`/`[...]`, where a plain one may not start with `-`, `?` or `:` at all."""
    if not text or text[0] in ("-", "?", ":") or "?" in text:
        raise _Declined  # libyaml accepts `?` inside flow scalars, pure-Python PyYAML does not
    return _scalar(text)


def _value(text: str) -> Any:
    """The value after `key: ` or `- `, on one line."""
    if text.startswith("{"):
        if not text.endswith("}"):
            raise _Declined
        mapping: dict[Any, Any] = {}
        for item in _flow_items(text[1:-1]):
            key_text, sep, value_text = item.partition(": ")
            if not sep or not value_text.strip():
                raise _Declined
            mapping[_flow_scalar(key_text.strip())] = _flow_scalar(value_text.strip())
        return mapping
    if text.startswith("["):
        if not text.endswith("]"):
            raise _Declined
        return [_flow_scalar(item) for item in _flow_items(text[1:-1])]
    return _scalar(text)


def _key(text: str) -> Any:
    key = _scalar(text)
    if isinstance(key, (dict, list)):
        raise _Declined
    return key


def read_plain_yaml(text: str) -> dict[Any, Any] | None:
    """The document as `yaml.safe_load` reads it, when it is a mapping in the plain subset; else None."""
    try:
        return _read(text)
    except (_Declined, ValueError, TypeError, OverflowError):
        return None


def _read(text: str) -> dict[Any, Any]:
    if _OUTSIDE_SUBSET.search(text) or "\ufeff" in text:
        raise _Declined
    root: dict[Any, Any] = {}
    # Open containers: (indent of their entries, container). The root's entries are at 0.
    stack: list[tuple[int, Any]] = [(0, root)]
    # A `key:` with nothing after it: its value is decided by the next line.
    pending: tuple[int, Any, Any] | None = None  # (indent of the key, parent mapping, key)
    last_scalar_indent = -1  # the next line must not be deeper than a scalar entry (continuation)
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if indent > MAX_INDENT or (stripped.startswith(("---", "...", "%")) and indent == 0):
            raise _Declined
        if pending is not None:
            key_indent, parent, key = pending
            pending = None
            if indent > key_indent:
                child: Any = [] if stripped.startswith("- ") else {}
                parent[key] = child
                stack.append((indent, child))
            else:
                parent[key] = None
        elif last_scalar_indent >= 0 and indent > last_scalar_indent:
            raise _Declined
        while stack and indent < stack[-1][0]:
            stack.pop()
        if not stack or indent != stack[-1][0]:
            raise _Declined
        container = stack[-1][1]
        if isinstance(container, list):
            item = _ITEM_LINE.fullmatch(stripped)
            if item is None:
                raise _Declined
            container.append(_value(item.group(1)))
            last_scalar_indent = indent
            continue
        match = _KEY_LINE.fullmatch(stripped)
        if match is None:
            raise _Declined
        key = _key(match.group(1))
        value_text = match.group(2)
        if value_text is None or value_text == "":
            pending = (indent, container, key)
            last_scalar_indent = -1
            continue
        container[key] = _value(value_text)
        last_scalar_indent = indent
    if pending is not None:
        _, parent, key = pending
        parent[key] = None
    if not root:
        raise _Declined  # an empty document is None to PyYAML
    return root
