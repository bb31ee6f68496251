from __future__ import annotations

import os
from pathlib import Path

import pytest

from ospo.model import ParseError
from ospo.walk import Walker, WalkOptions, is_binary, read_text


def _names(root: Path, **kw: object) -> list[str]:
    return [f.relpath for f in Walker(str(root), WalkOptions(**kw))]  # type: ignore[arg-type]


def test_walk_honours_nested_gitignore_and_skips_vcs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / ".gitignore").write_text("*.log\nbuild/\n")
    (tmp_path / "a.py").write_text("x")
    (tmp_path / "debug.log").write_text("x")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.js").write_text("x")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / ".gitignore").write_text("secret.txt\n!keep.log\n")
    (sub / "secret.txt").write_text("x")
    (sub / "ok.txt").write_text("x")
    assert _names(tmp_path) == [".gitignore", "a.py", "sub/.gitignore", "sub/ok.txt"]
    everything = _names(tmp_path, respect_gitignore=False)
    assert "build/out.js" in everything and "debug.log" in everything
    assert not any(p.startswith(".git/") for p in everything)


def test_exclude_patterns(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "x.txt").write_text("x")
    (tmp_path / "y.txt").write_text("x")
    assert _names(tmp_path, exclude=("vendor/",)) == ["y.txt"]


def test_symlink_loop_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.txt").write_text("x")
    os.symlink("..", tmp_path / "d" / "up")
    walker = Walker(str(tmp_path))
    files = [f.relpath for f in walker]
    assert files == ["d/f.txt"]
    assert [p.kind for p in walker.problems] == ["symlink-loop"]


def test_symlink_outside_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("x")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside / "secret", root / "link")
    os.symlink(outside, root / "dirlink")
    assert _names(root) == []


def test_unreadable_folder_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        walker = Walker(str(tmp_path))
        assert list(walker) == []
        assert walker.problems[0].kind == "unreadable"
    finally:
        locked.chmod(0o755)


def test_binary_sniffing_and_limits(tmp_path: Path) -> None:
    assert is_binary(b"\x7fELF\x00\x01")
    assert not is_binary("héllo\n\tworld".encode())
    blob = tmp_path / "b.json"
    blob.write_bytes(b"\x00" * 10)
    with pytest.raises(ParseError, match="binary"):
        read_text(blob, 100, "b.json")
    big = tmp_path / "big.json"
    big.write_text("x" * 200)
    with pytest.raises(ParseError, match="limit"):
        read_text(big, 100, "big.json")
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfabc\xff")
    assert read_text(bom, 100) == "abc\ufffd"


@pytest.mark.parametrize(
    "text",
    ["[" * 30000 + "]" * 30000, "- " * 30000 + "x", "a:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(300))],
)
def test_deep_yaml_is_refused_before_libyaml_can_crash(text: str) -> None:
    from ospo.walk import load_yaml

    with pytest.raises(ParseError, match="nested deeper"):
        load_yaml("deep.yaml", text)


def test_yaml_errors_name_the_line() -> None:
    from ospo.walk import load_yaml

    with pytest.raises(ParseError) as info:
        load_yaml("bad.yaml", "a: 1\nb: [\n")
    assert info.value.path == "bad.yaml" and info.value.line is not None
