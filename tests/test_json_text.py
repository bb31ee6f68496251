"""json_text: the same bytes as the standard library's indented JSON, for any JSON data."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.model.serialize import json_text

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(exclude_categories=("Cs",))),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=30,
)


@settings(max_examples=300)
@given(_json)
def test_same_text_as_the_standard_library(data: Any) -> None:
    if isinstance(data, float) or _has_float(data):
        # Both write shortest round-trip floats but may spell exponents differently: compare values.
        assert json.loads(json_text(data)) == data
    else:
        assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _has_float(data: Any) -> bool:
    if isinstance(data, float):
        return True
    if isinstance(data, list):
        return any(_has_float(x) for x in data)
    if isinstance(data, dict):
        return any(_has_float(x) for x in data.values())
    return False


def test_text_orjson_refuses_is_written_the_standard_way() -> None:
    data = {"name": "bad \udc80 byte", 1: "integer key"}
    assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
