"""The plain-YAML reader answers only where PyYAML's safe loader gives the same document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.walk import load_yaml
from ospo.walk.plain_yaml import read_plain_yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PNPM_LOCKS = sorted(FIXTURES.glob("npm/pnpm*/pnpm-lock.yaml"))


def pyyaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return "pyyaml refused it"


def assert_agrees(text: str) -> None:
    fast = read_plain_yaml(text)
    if fast is not None:
        assert fast == pyyaml(text), text


@pytest.mark.parametrize("path", [*PNPM_LOCKS, FIXTURES / "pub" / "app" / "pubspec.lock"], ids=lambda p: p.parent.name)
def test_real_lockfiles_are_read_directly_and_identically(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = read_plain_yaml(text)
    assert fast is not None
    assert fast == pyyaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors
        "a: !!str 1\n",  # tags
        "a: |\n  text\n",  # block scalars
        "a: one\n  two\n",  # multi-line plain scalar
        "a: 1 # comment\n",
        "a:\n- x\n",  # indentless sequence
        "---\na: 1\n",
        "a: 'open\n  quote'\n",
        'a: "esc\\n"\n',
        "a: {b: {c: 1}}\n",
        "- top-level list\n",
        "a:\tb\n",
        "<<: {a: 1}\n",
        "a: '1.0\x85rc1'\n",  # NEL, LS and PS are line breaks to PyYAML
        "a: b\u2028c\n",
        "a\u2029b: c\n",
        "a: \x01\n",  # control characters PyYAML refuses
        "a: b\x0cc\n",
        "a: \x7f\n",
        "a: \ufffe\n",
        "a: \ud800\n",
        "a: [b?c]\n",  # accepted by libyaml, refused by pure-Python PyYAML
        "{a?: b}: c\n",
    ],
)
def test_outside_the_subset_it_declines(text: str) -> None:
    assert read_plain_yaml(text) is None


def test_scalars_are_typed_as_pyyaml_types_them() -> None:
    text = "a: true\nb: 1.5\nc: ~\nd: 0x1F\ne: 2001-12-14\nf: 7.8.1\ng: 'true'\nh: yes\ni:\nj: 1_000\nk: .inf\n"
    fast = read_plain_yaml(text)
    assert fast is not None and fast == yaml.safe_load(text)
    assert fast["a"] is True and fast["g"] == "true" and fast["c"] is None and fast["i"] is None


def test_load_yaml_gives_the_same_answer_either_way() -> None:
    text = PNPM_LOCKS[0].read_text(encoding="utf-8")
    assert load_yaml("pnpm-lock.yaml", text) == pyyaml(text)


SCALARS = st.text(alphabet=st.sampled_from("aZ09 .-_:#'\"@/^~<>=|&*!?,[]{}%+eE\\"), max_size=12)
KEYS = st.one_of(st.sampled_from(["a", "'@x/y@1.0'", "b c", "1", "true", "~", "'it''s'", "x:y", "-k", "?k"]), SCALARS)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Lines of pnpm-like shapes at random indents: often valid, often not."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 2, 4, 6, 1, 3]))
        shape = draw(st.integers(0, 6))
        key, value = draw(KEYS), draw(SCALARS)
        if shape == 0:
            lines.append(f"{indent}{key}:")
        elif shape == 1:
            lines.append(f"{indent}{key}: {value}")
        elif shape == 2:
            lines.append(f"{indent}- {value}")
        elif shape == 3:
            lines.append(f"{indent}{key}: {{{value}: {draw(SCALARS)}, b: {draw(SCALARS)}}}")
        elif shape == 4:
            lines.append(f"{indent}{key}: [{value}, {draw(SCALARS)}]")
        elif shape == 5:
            lines.append("")
        else:
            lines.append(f"{indent}{key}: '{value}'")
    return "\n".join(lines) + "\n"


SIMPLE = st.one_of(
    st.sampled_from(["1.0.0", "^18 || >=20", "true", "'quoted'", "'it''s'", "0.1", "x64", "sha512-a+b/c==", "null"]),
    SCALARS,
)
VALUES = st.one_of(
    SIMPLE,
    st.lists(SIMPLE, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    st.lists(st.tuples(KEYS, SIMPLE), max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
)
TREES = st.recursive(
    VALUES,
    lambda children: st.one_of(
        st.dictionaries(KEYS, children, min_size=1, max_size=4),
        st.lists(SIMPLE, min_size=1, max_size=3).map(tuple),
    ),
    max_leaves=12,
)


def emit(tree: dict[str, Any], indent: int = 0) -> list[str]:
    """pnpm's layout: two-space block mappings, sequences indented under their key."""
    lines = []
    pad = " " * indent
    for key, value in tree.items():
        if isinstance(value, dict):
            lines += [f"{pad}{key}:", *emit(value, indent + 2)]
        elif isinstance(value, tuple):
            lines += [f"{pad}{key}:", *(f"{pad}  - {item}" for item in value)]
        else:
            lines.append(f"{pad}{key}: {value}")
    return lines


@settings(max_examples=3000, deadline=None)
@given(st.dictionaries(KEYS, TREES, min_size=1, max_size=5))
def test_documents_in_pnpms_layout_read_as_pyyaml_reads_them(tree: dict[str, Any]) -> None:
    assert_agrees("\n".join(emit(tree)) + "\n")


@settings(max_examples=3000, deadline=None)
@given(documents())
def test_generated_documents_read_as_pyyaml_reads_them(text: str) -> None:
    assert_agrees(text)


@settings(max_examples=1000, deadline=None)
@given(st.data())
def test_mutated_lockfiles_read_as_pyyaml_reads_them(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(PNPM_LOCKS)).read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.integers(0, 2))
        if action == 0:
            text = text[:at] + text[at + 1 :]
        elif action == 1:
            text = text[:at] + data.draw(st.sampled_from(list(" \n:-'\"#{}[],&*!|>?%@`"))) + text[at:]
        else:
            end = text.find("\n", at)
            text = text[:at] + text[at:end] + text[at:] if end > at else text
    assert_agrees(text)


def test_quote_runs_in_flow_items_are_read_in_linear_time() -> None:
    """An unterminated flow item of '' pairs once backtracked exponentially (2^n steps)."""
    assert read_plain_yaml("x: ['" + "''" * 5000 + "]\n") is None
    assert read_plain_yaml("x: ['" + "''" * 5000 + "']\n") == {"x": ["'" * 5000]}
