"""Hostile input for every Python parser: only ParseError may escape, and nothing hangs.

Three kinds of input: arbitrary text, real fixtures cut at random points or with random
characters spliced in, and real TOML/JSON whose values are swapped for values of the wrong
type (a table where a string belongs, a number where an array belongs...).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ospo.inventory.parsers import (
    pdm_lock,
    pip_requirements,
    pipfile,
    poetry_lock,
    pyproject,
    python_metadata,
    uv_lock,
)
from ospo.model import ManifestResult, ParseError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "python"

Parser = Callable[[str, str], ManifestResult]

CASES: list[tuple[str, Parser, Path]] = [
    ("requirements.txt", pip_requirements.parse, FIXTURES / "pip" / "requirements-dev.txt"),
    ("requirements.txt", pip_requirements.parse, FIXTURES / "pip" / "requirements.txt"),
    ("uv.lock", uv_lock.parse, FIXTURES / "uv-workspace" / "uv.lock"),
    ("poetry.lock", poetry_lock.parse, FIXTURES / "poetry-2" / "poetry.lock"),
    ("poetry.lock", poetry_lock.parse, FIXTURES / "poetry-1" / "poetry.lock"),
    ("pdm.lock", pdm_lock.parse, FIXTURES / "pdm" / "pdm.lock"),
    ("Pipfile.lock", pipfile.parse_lock, FIXTURES / "pipenv" / "Pipfile.lock"),
    ("Pipfile", pipfile.parse_pipfile, FIXTURES / "pipenv" / "Pipfile"),
    ("pyproject.toml", pyproject.parse, FIXTURES / "poetry-2" / "pyproject.toml"),
    ("pyproject.toml", pyproject.parse, FIXTURES / "uv-app" / "pyproject.toml"),
    (
        "METADATA",
        python_metadata.parse,
        FIXTURES / "site-packages/lib/python3.11/site-packages/requests-2.32.3.dist-info/METADATA",
    ),
]
IDS = [f"{name}:{path.parent.name}" for name, _, path in CASES]

WRONG_VALUES = ["1", "true", "[]", "{}", '"x"', '[1, "a", {}]', "{ a = 1 }", "[{ name = 1 }]", '""', "-1e9"]
JSON_WRONG = [1, True, None, [], {}, "x", [1, "a", {}], {"a": {"b": []}}]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def survive(parser: Parser, name: str, text: str) -> None:
    try:
        result = parser(name, text)
    except ParseError as exc:
        assert exc.path == name
        return
    assert isinstance(result, ManifestResult)
    for component in result.components:
        assert component.purl.startswith("pkg:pypi/")


@pytest.mark.parametrize(("name", "parser", "path"), CASES, ids=IDS)
@SETTINGS
@given(text=st.text(max_size=400))
def test_garbage(name: str, parser: Parser, path: Path, text: str) -> None:
    survive(parser, name, text)


@pytest.mark.parametrize(("name", "parser", "path"), CASES, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_truncated_and_spliced(name: str, parser: Parser, path: Path, data: st.DataObject) -> None:
    text = path.read_text()
    cut = data.draw(st.integers(0, len(text)))
    splice = data.draw(st.text(max_size=12))
    where = data.draw(st.integers(0, cut))
    survive(parser, name, text[:where] + splice + text[where:cut])


@pytest.mark.parametrize(
    ("name", "parser", "path"),
    [c for c in CASES if c[0].endswith((".lock", ".toml", "Pipfile")) and c[0] != "Pipfile.lock"],
    ids=[
        i
        for i, c in zip(IDS, CASES, strict=True)
        if c[0].endswith((".lock", ".toml", "Pipfile")) and c[0] != "Pipfile.lock"
    ],
)
@SETTINGS
@given(data=st.data())
def test_toml_values_of_the_wrong_type(name: str, parser: Parser, path: Path, data: st.DataObject) -> None:
    lines = path.read_text().splitlines()
    candidates = [i for i, line in enumerate(lines) if " = " in line and not line.startswith("#")]
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.sampled_from(candidates))
        key = lines[index].split(" = ", 1)[0]
        lines[index] = f"{key} = {data.draw(st.sampled_from(WRONG_VALUES))}"
    survive(parser, name, "\n".join(lines))


def _replace_json(value: object, path: list[int], new: object) -> object:
    if not path:
        return new
    if isinstance(value, dict) and value:
        keys = list(value)
        key = keys[path[0] % len(keys)]
        return {**value, key: _replace_json(value[key], path[1:], new)}
    if isinstance(value, list) and value:
        position = path[0] % len(value)
        copy = list(value)
        copy[position] = _replace_json(value[position], path[1:], new)
        return copy
    return new


@SETTINGS
@given(path=st.lists(st.integers(0, 50), max_size=5), new=st.sampled_from(JSON_WRONG))
def test_pipfile_lock_values_of_the_wrong_type(path: list[int], new: object) -> None:
    document = json.loads((FIXTURES / "pipenv" / "Pipfile.lock").read_text())
    survive(pipfile.parse_lock, "Pipfile.lock", json.dumps(_replace_json(document, path, new), indent=4))


@pytest.mark.parametrize(
    ("name", "parser", "text"),
    [
        ("uv.lock", uv_lock.parse, "a = [" * 5000),
        ("pyproject.toml", pyproject.parse, "x = " + "{a = " * 3000),
        ("Pipfile.lock", pipfile.parse_lock, "[" * 100_000),
        ("requirements.txt", pip_requirements.parse, "\\\n" * 50_000 + "x==1"),
        ("requirements.txt", pip_requirements.parse, "a" * 1_000_000 + "==1"),
        ("requirements.txt", pip_requirements.parse, "a" + " " * 200_000 + "x#\n" + "#" * 200_000),
        ("requirements.txt", pip_requirements.parse, "a==1 --hash=" + "sha256:" * 100_000),
        ("METADATA", python_metadata.parse, "Name: x\n" + " continued\n" * 30_000),
    ],
)
def test_deep_and_huge(name: str, parser: Parser, text: str) -> None:
    survive(parser, name, text)
