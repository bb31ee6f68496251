"""Licence detection on small realistic files (the real index, built once per data version)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.licenses import category_of, key_to_spdx, scan_text, spdx_to_key
from ospo.licenses.catalog import CATEGORIES
from ospo.model import MatchKind

FIX = Path(__file__).parents[1] / "fixtures" / "licenses"


def read(name: str) -> str:
    return (FIX / name).read_text(encoding="utf-8")


def test_full_mit_text_is_one_text_match_with_lines() -> None:
    result = scan_text("MIT.txt", read("MIT.txt"))
    texts = [f for f in result.findings if f.kind is MatchKind.TEXT]
    assert [f.expression for f in texts] == ["MIT"]
    assert texts[0].coverage == 100.0
    assert texts[0].start_line <= 5 and texts[0].end_line == 21
    assert {f.expression for f in result.findings} == {"MIT"}


def test_apache_header_is_a_notice_on_its_lines() -> None:
    result = scan_text("a.java", read("apache_header.java"))
    assert {f.expression for f in result.findings} == {"Apache-2.0"}
    notice = result.findings[0]
    assert notice.kind is MatchKind.NOTICE
    assert notice.start_line == 4 and notice.end_line == 14
    assert notice.rule.endswith(".RULE")


def test_modified_text_is_not_claimed_as_the_licence() -> None:
    result = scan_text("m.txt", read("MIT_modified.txt"))
    assert not [f for f in result.findings if f.expression == "MIT" and f.kind is MatchKind.TEXT]
    for finding in result.findings:
        if finding.kind is MatchKind.PARTIAL:
            assert finding.score < 80


def test_spdx_tags_are_normalised() -> None:
    result = scan_text("tags.c", read("tags.c"))
    tags = [(f.start_line, f.expression) for f in result.findings if f.kind is MatchKind.TAG]
    assert tags == [
        (1, "GPL-2.0-or-later WITH Linux-syscall-note"),
        (2, "MIT OR Apache-2.0"),
        (3, "LGPL-2.1-only"),
    ]
    assert all(f.kind is MatchKind.TAG for f in result.findings)


def test_unknown_spdx_id_is_kept_as_unknown() -> None:
    result = scan_text("x.py", "# SPDX-License-Identifier: Not-A-Real-Licence-1.0\n")
    assert [f.expression for f in result.findings] == ["LicenseRef-scancode-unknown-spdx"]


def test_discussion_without_a_grant_yields_nothing() -> None:
    assert scan_text("mentions.md", read("mentions.md")).findings == []


def test_categories_and_key_maps() -> None:
    assert category_of("MIT") == "permissive"
    assert category_of("GPL-3.0-only") == "strong-copyleft"
    assert category_of("AGPL-3.0-or-later") == "network-copyleft"
    assert category_of("LGPL-2.1-only") == "weak-copyleft"
    assert category_of("MPL-2.0") == "weak-copyleft"
    assert category_of("LicenseRef-scancode-public-domain") == "public-domain"
    assert category_of("LicenseRef-scancode-commercial-license") == "proprietary"
    assert category_of("GPL-2.0-only WITH Classpath-exception-2.0") == "strong-copyleft"
    assert category_of("No-Such-Licence") == "unknown"
    assert set(CATEGORIES) >= {"permissive", "source-available", "unknown"}
    assert key_to_spdx("gpl-2.0-plus") == "GPL-2.0-or-later"
    assert key_to_spdx("proprietary-license") == "LicenseRef-scancode-proprietary-license"
    assert spdx_to_key("GPL-2.0+") == "gpl-2.0-plus"
    assert spdx_to_key("apache-2.0") == "apache-2.0"
    assert spdx_to_key("LicenseRef-scancode-proprietary-license") == "proprietary-license"


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_scans_without_error(text: str) -> None:
    result = scan_text("fuzz.txt", text)
    for finding in result.findings:
        assert 1 <= finding.start_line <= finding.end_line


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(read("MIT.txt").split()), max_size=300))
def test_shuffled_licence_words_never_crash(words: list[str]) -> None:
    scan_text("mut.txt", " ".join(words))


@pytest.mark.parametrize("garbage", ["", "\x00\x01", "{{" * 500, "SPDX-License-Identifier: ((((", "a\n" * 5000])
def test_edge_inputs(garbage: str) -> None:
    scan_text("g.txt", garbage)
