"""Tree scans, summaries and the `ospo licenses` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from ospo.cli.main import app
from ospo.licenses import scan_tree
from ospo.licenses.scanner import HEAD_CHARS, MAX_TEXT_CHARS

FIX = Path(__file__).parents[1] / "fixtures" / "licenses"


def make_tree(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIX / "MIT.txt", root / "LICENSE")
    (root / "package.json").write_text('{"name": "x", "license": "MIT"}')
    (root / "lib").mkdir()
    shutil.copy(FIX / "apache_header.java", root / "lib" / "Hello.java")
    (root / "lib" / "plain.c").write_text("int add(int a, int b) { return a + b; }\n")
    (root / "vendor").mkdir()
    shutil.copy(FIX / "tags.c", root / "vendor" / "tags.c")
    (root / "vendor" / "COPYING").write_text(read_gpl_notice())
    return root


def read_gpl_notice() -> str:
    return (
        "This program is free software; you can redistribute it and/or modify\n"
        "it under the terms of the GNU General Public License as published by\n"
        "the Free Software Foundation; either version 2 of the License, or\n"
        "(at your option) any later version.\n"
    )


def test_tree_scan_in_processes_matches_single_process(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    one = scan_tree(str(root), processes=1)
    two = scan_tree(str(root), processes=2)
    assert [(f.path, f.findings) for f in one.files] == [(f.path, f.findings) for f in two.files]
    by_path = {f.path: f for f in one.files}
    assert {x.expression for x in by_path["lib/Hello.java"].findings} == {"Apache-2.0"}
    assert by_path["lib/plain.c"].findings == []
    assert all(f.sha1 and len(f.sha1) == 40 for f in one.files)


def test_summary_declared_and_per_folder(tmp_path: Path) -> None:
    scan = scan_tree(str(make_tree(tmp_path)), processes=1)
    root = scan.declared
    assert root is not None and root.declared == "MIT" and root.declared_from == ("package.json",)
    assert "Apache-2.0" in root.detected
    vendor = next(p for p in scan.packages if p.folder == "vendor")
    assert vendor.declared == "GPL-2.0-or-later"
    assert vendor.declared_from == ("vendor/COPYING",)


def test_declared_from_licence_file_without_metadata(tmp_path: Path) -> None:
    shutil.copy(FIX / "MIT.txt", tmp_path / "LICENSE.txt")
    scan = scan_tree(str(tmp_path), processes=1)
    assert scan.declared is not None and scan.declared.declared == "MIT"


def test_binary_with_embedded_licence_text_is_read_through_strings(tmp_path: Path) -> None:
    blob = b"\x00\x01\x02" * 100 + (FIX / "MIT.txt").read_bytes() + b"\x00\xff" * 100
    (tmp_path / "lib.so").write_bytes(blob)
    (tmp_path / "other.bin").write_bytes(b"\x00\x01\x02\x03" * 1000)
    scan = scan_tree(str(tmp_path), processes=1)
    by_path = {f.path: f for f in scan.files}
    assert "MIT" in {x.expression for x in by_path["lib.so"].findings}
    assert any(n.kind == "note" and "binary" in n.message for n in by_path["lib.so"].notes)
    assert by_path["other.bin"].findings == []


def test_huge_file_scans_head_and_tail_and_says_so(tmp_path: Path) -> None:
    header = (FIX / "apache_header.java").read_text()
    filler = "x = 1\n" * ((MAX_TEXT_CHARS // 6) + 10)
    (tmp_path / "big.py").write_text(header + filler + "# SPDX-License-Identifier: MIT\n")
    scan = scan_tree(str(tmp_path), processes=1)
    result = scan.files[0]
    assert any(n.kind == "partial" for n in result.notes)
    expressions = {(x.expression, x.start_line) for x in result.findings}
    assert ("Apache-2.0", 4) in expressions
    last_line = (header + filler).count("\n") + 1
    assert ("MIT", last_line) in expressions
    assert HEAD_CHARS < MAX_TEXT_CHARS


def test_cli_json_is_versioned(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "t")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["licenses", str(root), "--format", "json", "--output", str(out), "-p", "1"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["format"] == "ospo-licenses" and doc["version"] == 1
    files = {f["path"]: f for f in doc["files"]}
    lic = files["lib/Hello.java"]["licenses"][0]
    assert lic["expression"] == "Apache-2.0" and lic["category"] == "permissive"
    assert lic["kind"] == "notice" and lic["start_line"] == 4
    assert doc["summary"][0]["folder"] == "." and doc["summary"][0]["declared"] == "MIT"


def test_cli_spdx_document_is_valid(tmp_path: Path) -> None:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    root = make_tree(tmp_path / "t")
    (root / "prop.txt").write_text("This software is proprietary and confidential. All rights reserved.\n")
    out = tmp_path / "out.spdx.json"
    result = CliRunner().invoke(app, ["licenses", str(root), "--format", "spdx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    document = parse_file(str(out))
    assert validate_full_spdx_document(document) == []
    names = {f.name for f in document.files}
    assert "./lib/Hello.java" in names and "./lib/plain.c" in names
    hello = next(f for f in document.files if f.name == "./lib/Hello.java")
    assert [str(x) for x in hello.license_info_in_file] == ["Apache-2.0"]
    assert hello.checksums[0].algorithm.name == "SHA1"


def test_cli_table_and_missing_path(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "t")
    result = CliRunner().invoke(app, ["licenses", str(root)])
    assert result.exit_code == 0 and "Apache-2.0" in result.output
    assert CliRunner().invoke(app, ["licenses", str(tmp_path / "nope")]).exit_code == 2
