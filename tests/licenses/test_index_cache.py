"""The on-disk index cache: keyed by data version and format, written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospo.licenses import index
from ospo.licenses.data import data_version, split_front_matter


def test_cache_path_is_keyed_and_overridable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSPO_CACHE_DIR", str(tmp_path))
    path = index.cache_path()
    assert path.parent == tmp_path / "licenses"
    assert data_version() in path.name and f"f{index.INDEX_FORMAT}" in path.name


def test_corrupt_cache_file_is_rebuilt_not_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Reuse the real index (no rebuild in the test) but point the loader at a corrupt file.
    real = index.load_index()
    monkeypatch.setenv("OSPO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(index, "_LOADED", None)
    monkeypatch.setattr(index, "build_index", lambda: real)
    path = index.cache_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    assert index.load_index() is real
    assert path.stat().st_size > 1000  # rewritten with the (stand-in) rebuilt index
    assert not list(path.parent.glob(".index-*.tmp"))


def test_front_matter_parser() -> None:
    scalars, lists, body = split_front_matter(
        "---\nlicense_expression: mit\nis_license_notice: yes\nnotes: |\n    x: y\n"
        "referenced_filenames:\n    - LICENSE\n---\n\nPermission is granted\n"
    )
    assert scalars == {"license_expression": "mit", "is_license_notice": "yes", "notes": "|"}
    assert lists == {"referenced_filenames": ["LICENSE"]}
    assert body.strip() == "Permission is granted"
