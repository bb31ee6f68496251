"""Reading ScanCode's `licensedcode-data`: licence records and detection rules.

The package ships ~2,300 `.LICENSE` files and ~35,000 `.RULE` files, each a small YAML
front matter followed by text. Only a handful of scalar keys matter for detection, so the
front matter is read with a tiny line parser instead of a YAML library: reading every file
through PyYAML alone would cost most of the one-minute index build budget.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

DATA_PACKAGE = "licensedcode-data"


def data_dir() -> Path:
    """The `licensedcode/data` folder of the installed data package."""
    import licensedcode

    base = Path(next(iter(licensedcode.__path__)))
    return base / "data"


def data_version() -> str:
    """Version of the installed data package: part of the index cache key."""
    try:
        return metadata.version(DATA_PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class LicenseRecord:
    """One licence of the data set: its key, SPDX id and category."""

    key: str
    spdx_id: str
    name: str
    category: str
    is_deprecated: bool
    is_unknown: bool
    other_spdx_ids: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class RuleRecord:
    """One detection rule (a `.RULE` file, or a licence's own text)."""

    identifier: str
    expression: str
    kind: str  # text, notice, reference, tag, intro, clue, false-positive
    text: str
    relevance: int
    minimum_coverage: int
    is_continuous: bool
    is_deprecated: bool
    referenced_filenames: tuple[str, ...]


def split_front_matter(raw: str) -> tuple[dict[str, str], dict[str, list[str]], str]:
    """Top-level `key: value` scalars, top-level `key:` lists of `- item`, and the body."""
    scalars: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    if not raw.startswith("---"):
        return scalars, lists, raw
    end = raw.find("\n---", 3)
    if end < 0:
        return scalars, lists, raw
    head = raw[3:end]
    body = raw[end + 4 :]
    if body.startswith("\n"):
        body = body[1:]
    current_list: list[str] | None = None
    for line in head.splitlines():
        if not line.strip():
            continue
        if line[0] not in " \t-":
            key, sep, value = line.partition(":")
            current_list = None
            if not sep:
                continue
            value = value.strip()
            if value:
                scalars[key.strip()] = _unquote(value)
            else:
                current_list = lists.setdefault(key.strip(), [])
        elif current_list is not None:
            item = line.strip()
            if item.startswith("- "):
                current_list.append(_unquote(item[2:].strip()))
    return scalars, lists, body


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _yes(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("yes", "true", "1")


def _int(value: str | None, default: int) -> int:
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def read_licenses(base: Path | None = None) -> Iterator[LicenseRecord]:
    """Every licence record of the data set (deprecated ones too: their keys still map)."""
    folder = (base or data_dir()) / "licenses"
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if not entry.name.endswith(".LICENSE"):
            continue
        with open(entry.path, encoding="utf-8", errors="replace") as handle:
            scalars, lists, body = split_front_matter(handle.read())
        key = scalars.get("key") or entry.name[: -len(".LICENSE")]
        spdx = scalars.get("spdx_license_key") or f"LicenseRef-scancode-{key}"
        yield LicenseRecord(
            key=key,
            spdx_id=spdx,
            name=scalars.get("short_name") or scalars.get("name") or key,
            category=scalars.get("category", "Unstated License"),
            is_deprecated=_yes(scalars.get("is_deprecated")),
            is_unknown=_yes(scalars.get("is_unknown")),
            other_spdx_ids=tuple(lists.get("other_spdx_license_keys", ())),
            text=body,
        )


_KIND_FLAGS = (
    ("is_false_positive", "false-positive"),
    ("is_license_text", "text"),
    ("is_license_notice", "notice"),
    ("is_license_reference", "reference"),
    ("is_license_tag", "tag"),
    ("is_license_intro", "intro"),
    ("is_license_clue", "clue"),
)


def read_rules(base: Path | None = None) -> Iterator[RuleRecord]:
    """Every rule file of the data set, with its kind taken from its `is_*` flag."""
    folder = (base or data_dir()) / "rules"
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if not entry.name.endswith(".RULE"):
            continue
        with open(entry.path, encoding="utf-8", errors="replace") as handle:
            scalars, lists, body = split_front_matter(handle.read())
        kind = "notice"
        for flag, name in _KIND_FLAGS:
            if _yes(scalars.get(flag)):
                kind = name
                break
        yield RuleRecord(
            identifier=entry.name,
            expression=scalars.get("license_expression", ""),
            kind=kind,
            text=body,
            relevance=_int(scalars.get("relevance"), 100),
            minimum_coverage=_int(scalars.get("minimum_coverage"), 0),
            is_continuous=_yes(scalars.get("is_continuous")),
            is_deprecated=_yes(scalars.get("is_deprecated")),
            referenced_filenames=tuple(lists.get("referenced_filenames", ())),
        )
