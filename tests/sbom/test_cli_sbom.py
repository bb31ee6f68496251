"""`ospo inventory --format cyclonedx|spdx` end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
from typer.testing import CliRunner

from ospo.cli.main import app
from ospo.sbom.read import read_sbom


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "product"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("print('hi')\n")
    (root / "README.md").write_text("# product\n")
    return root


def test_cyclonedx_to_stdout(tree: Path) -> None:
    result = CliRunner().invoke(app, ["inventory", str(tree), "--format", "cyclonedx"])
    assert result.exit_code == 0, result.output
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(result.stdout) is None
    bom = json.loads(result.stdout)
    assert bom["metadata"]["component"]["name"] == "product"
    assert str(tree.parent) not in result.stdout


def test_spdx_to_file(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "sbom.spdx.json"
    result = CliRunner().invoke(app, ["inventory", str(tree), "-f", "spdx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = JsonLikeDictParser().parse(json.loads(out.read_text()))
    assert validate_full_spdx_document(document) == []
    assert read_sbom(str(out), out.read_text()).components == []


@pytest.mark.parametrize("fmt", ["cyclonedx", "spdx"])
def test_cli_output_is_reproducible(tree: Path, fmt: str) -> None:
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": "1700000000"})
    first = runner.invoke(app, ["inventory", str(tree), "--format", fmt])
    second = runner.invoke(app, ["inventory", str(tree), "--format", fmt])
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert "2023-11-14T22:13:20" in first.stdout
