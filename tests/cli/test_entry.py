"""The console script's fast reading of `ospo inventory` against Click's reading."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.cli.inventory_run import INVENTORY_FORMATS, InventoryRequest, read_inventory_arguments
from ospo.cli.main import app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures"


def inventory_command() -> Any:
    """The Click command Typer builds for `ospo inventory` (Click or Typer's vendored copy)."""
    return typer.main.get_command(app).commands["inventory"]  # type: ignore[attr-defined]


def click_reading(args: list[str]) -> InventoryRequest | None:
    """What Click makes of the arguments after `inventory`, or None when it refuses them."""
    command = inventory_command()
    exceptions = importlib.import_module(type(command).__module__.rsplit(".", 1)[0] + ".exceptions")
    try:
        ctx = command.make_context("inventory", list(args))
    except (exceptions.Exit, exceptions.ClickException):
        return None
    p = ctx.params  # as Click converted them; Typer makes Paths of them on calling the command
    output = None if p["output"] is None else Path(p["output"])
    return InventoryRequest(Path(p["path"]), str(p["format"]), output, p["no_ignore"], tuple(p["exclude"] or ()))


def test_the_reader_knows_exactly_the_commands_options() -> None:
    command = inventory_command()
    spellings = {opt for param in command.params for opt in param.opts if opt.startswith("-")}
    from ospo.cli import inventory_run

    assert spellings == set(inventory_run._VALUE_OPTIONS) | set(inventory_run._FLAG_OPTIONS)
    format_param = next(p for p in command.params if p.name == "format")
    assert tuple(format_param.type.choices) == INVENTORY_FORMATS


@pytest.mark.parametrize(
    "args",
    [
        ["."],
        ["src", "-f", "json"],
        ["-fspdx", "src"],
        ["--format=cyclonedx", "--output", "out.json", "src"],
        ["src", "-o", "x.json", "--no-ignore", "--exclude", "a/", "--exclude=b/*.txt"],
        ["--", "-weird-name"],
        ["-"],
        ["src", "-o", "--format"],
        ["src", "--format", "json", "--format", "table"],
    ],
)
def test_well_formed_command_lines_read_as_click_reads_them(args: list[str]) -> None:
    mine = read_inventory_arguments(args)
    assert mine is not None
    assert mine == click_reading(args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["-h"],
        ["src", "--format", "xml"],
        ["src", "extra"],
        ["src", "--no-ignore=yes"],
        ["src", "--formats", "json"],
        ["src", "-o"],
        [""],
        ["src", "-x"],
    ],
)
def test_everything_else_is_left_to_typer(args: list[str]) -> None:
    assert read_inventory_arguments(args) is None


TOKENS = st.sampled_from(
    ["src", "a b", "-", "--", "-f", "--format", "json", "spdx", "xml", "-o", "--output", "o.json", "--no-ignore",
     "--exclude", "*.txt", "--format=table", "--output=", "-fjson", "-oout", "--exclude=", "-x", "--help", ""]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(TOKENS, max_size=7))
def test_whenever_the_reader_answers_click_agrees(args: list[str]) -> None:
    mine = read_inventory_arguments(args)
    if mine is not None:
        assert mine == click_reading(args)


def run_ospo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ospo", *args], capture_output=True, text=True, check=False)


def test_fast_and_typer_paths_write_the_same_sbom(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    folder = FIXTURE / "inventory" if (FIXTURE / "inventory").is_dir() else FIXTURE
    fast = tmp_path / "fast.json"
    done = run_ospo("inventory", str(folder), "-f", "cyclonedx", "-o", str(fast))
    assert done.returncode in (0, 3), done.stderr
    slow = tmp_path / "slow.json"
    result = CliRunner().invoke(app, ["inventory", str(folder), "-f", "cyclonedx", "-o", str(slow)])
    assert result.exit_code == done.returncode
    strip = lambda d: {k: v for k, v in d.items() if k not in ("serialNumber", "metadata")}  # noqa: E731
    assert strip(json.loads(fast.read_text())) == strip(json.loads(slow.read_text()))


def test_fast_path_does_not_import_typer(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text('version = 1\n[[package]]\nname = "a"\nversion = "1.0"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ospo", "inventory", str(tmp_path), "-f", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "ospo.cli.inventory_run" in imported
    assert not {name for name in imported if name.split(".")[0] in ("typer", "click", "rich")}
    assert json.loads(done.stdout)["components"]


def test_the_console_script_ends_with_its_output_written(tmp_path: Path) -> None:
    """The fast path leaves the process without Python's teardown: nothing may be lost."""
    for index in range(50):
        (tmp_path / f"requirements-{index}.txt").write_text(f"pkg{index}==1.{index}\n", encoding="utf-8")
    done = run_ospo("inventory", str(tmp_path), "-f", "json")
    assert done.returncode == 0
    assert len(json.loads(done.stdout)["components"]) == 50
    out = tmp_path / "out" / "bom.json"
    assert run_ospo("inventory", str(tmp_path), "-f", "cyclonedx", "-o", str(out)).returncode == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["components"]) == 50
    assert not [p for p in out.parent.iterdir() if p.name != "bom.json"]  # no temporary file left


def test_usage_errors_still_come_from_typer(tmp_path: Path) -> None:
    done = run_ospo("inventory", str(tmp_path), "--format", "xml")
    assert done.returncode == 2
    assert "'xml' is not one of" in done.stderr
    done = run_ospo("inventory", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr
    assert "Usage" in run_ospo("inventory", "--help").stdout


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    for index in range(300):
        (tmp_path / f"p{index}").mkdir()
        (tmp_path / f"p{index}" / "requirements.txt").write_text(f"pkg{index}==1.0\n", encoding="utf-8")
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    writer = subprocess.run(
        [sys.executable, "-m", "ospo", "inventory", str(tmp_path), "-f", "json"],
        stdout=reader.stdin, stderr=subprocess.PIPE, text=True, check=False,
    )  # fmt: skip
    reader.wait()
    assert "Traceback" not in writer.stderr


def test_an_interrupted_fast_run_ends_as_typer_ends_one() -> None:
    from ospo.cli.entry import run_fast

    def interrupted() -> int:
        raise KeyboardInterrupt

    assert run_fast(interrupted) == 130
