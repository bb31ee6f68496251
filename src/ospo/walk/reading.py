"""Reading one file safely: bounded size, binary sniffing, tolerant decoding."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ospo.model import ParseError
from ospo.walk.plain_yaml import read_plain_yaml

BINARY_SNIFF_BYTES = 8192

# Control bytes that never appear in text files (everything below 0x20 except \t \n \f \r
# and ESC, which shows up in terminal-coloured logs).
_TEXT_CONTROL = {0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1B}
_BINARY_BYTES = bytes(b for b in range(0x20) if b not in _TEXT_CONTROL)


def is_binary(head: bytes) -> bool:
    """Guess from the first bytes whether data is binary, the way git and file(1) do.

    A NUL byte decides at once (UTF-16 text is treated as binary, as git does); otherwise
    more than 10% of control characters means binary.
    """
    if not head:
        return False
    sample = head[:BINARY_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in _BINARY_BYTES)
    return controls * 10 > len(sample)


def read_bytes(path: Path | str, max_bytes: int, display: str | None = None) -> bytes:
    """Read a whole file of at most `max_bytes`, or raise ParseError naming it."""
    name = display or str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(name, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise ParseError(name, f"larger than the {max_bytes:,}-byte limit for this kind of file")
    return data


def read_text(path: Path | str, max_bytes: int, display: str | None = None) -> str:
    """Read a text file for a parser: refuses binary content, decodes UTF-8 leniently.

    A byte-order mark is dropped; undecodable bytes become U+FFFD so that one stray Latin-1
    byte in a comment does not lose the whole manifest.
    """
    name = display or str(path)
    data = read_bytes(path, max_bytes, name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if is_binary(data[:BINARY_SNIFF_BYTES]):
        raise ParseError(name, "binary content where a text file was expected")
    return data.decode("utf-8", errors="replace")


MAX_YAML_DEPTH = 100
_YAML_BRACKETS = re.compile(r"[\[\]{}]")


def yaml_nesting_guard(name: str, text: str, limit: int = MAX_YAML_DEPTH) -> None:
    """Refuse YAML nested deeper than `limit` before libyaml sees it.

    libyaml's composer recurses in C: tens of thousands of nested `[` (or `- - - ...`)
    overflow the C stack and kill the whole process, which no `except` can catch. The
    estimate is conservative: flow brackets are counted even inside quotes; block depth is
    bounded by indentation plus leading `- `/`? ` indicators on a line.
    """
    depth = 0
    for match in _YAML_BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                at_line = text.count("\n", 0, match.start()) + 1
                raise ParseError(name, f"YAML nested deeper than {limit} levels", at_line)
        elif depth:
            depth -= 1
    for lineno, raw_line in enumerate(text.splitlines(), 1):
        stripped = raw_line.lstrip(" ")
        indent = len(raw_line) - len(stripped)
        indicators = 0
        while stripped[:2] in ("- ", "? ", "-\t") or stripped == "-":
            indicators += 1
            stripped = stripped[2:].lstrip(" ")
        if indent // 2 + indicators > limit:
            raise ParseError(name, f"YAML nested deeper than {limit} levels", lineno)


@lru_cache(maxsize=1)
def _safe_loader() -> Any:
    """libyaml's safe loader when present; imported on first use (PyYAML costs ~10 ms of every
    start, and most trees hold no YAML manifest)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(name: str, text: str, loader: Any = None) -> Any:
    """Safe YAML (no object construction; libyaml when present), nesting bounded first.

    Lockfiles in the plain block subset are read by `read_plain_yaml` (same result, ~4x
    faster); everything else, and every error, goes through PyYAML.

    Aliases stay shared references, so an alias bomb costs no memory as long as callers
    only walk the keys they know. Any failure is a ParseError naming the file (and line).
    """
    if loader is None:
        plain = read_plain_yaml(text)
        if plain is not None:
            return plain
    import yaml

    yaml_nesting_guard(name, text)
    try:
        return yaml.load(text, Loader=loader or _safe_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ParseError(name, f"invalid YAML: {exc.problem or exc}", line) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise ParseError(name, f"invalid YAML: {exc.__class__.__name__}: {exc}") from None


_TOML_POSITION = re.compile(r"at line (\d+)")


def load_toml(name: str, text: str) -> dict[str, Any]:
    """A TOML document as a dict; any failure is a ParseError naming the file (and line).

    rtoml (the Rust `toml` crate) rather than tomllib: a uv.lock or poetry.lock of a few
    hundred packages is about a megabyte of wheel hashes, which tomllib reads in 70 ms and
    rtoml in 8. Nesting is bounded by the crate (a bracket bomb is a parse error, not a crash).
    """
    import rtoml

    try:
        return rtoml.loads(text)
    except rtoml.TomlParsingError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        raise ParseError(name, f"invalid TOML: {message}", int(match.group(1)) if match else None) from None
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise ParseError(name, f"invalid TOML: {exc.__class__.__name__}: {exc}") from None
