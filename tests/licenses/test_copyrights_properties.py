"""Any text: only a list of well-formed findings comes back, quickly, never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.licenses.copyrights import deduplicate_holders, extract_copyrights

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "copyrights"
SAMPLES = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.iterdir())]

# Pieces that steer generated text into the interesting paths: signs, years, comment
# leaders, markup, names, terminators and separators.
PIECES = st.sampled_from(
    [
        "Copyright",
        "copyright",
        "COPYRIGHT",
        "(c)",
        "(C)",
        "©",
        "&copy;",
        "Copr.",
        ":",
        "Portions",
        "SPDX-FileCopyrightText:",
        "1999",
        "2004-2010",
        "2012-present",
        ", ",
        " and ",
        " by ",
        "Foo",
        "Bar Inc.",
        "<a@b.c>",
        "http://x.y/",
        "All rights reserved.",
        "Licensed",
        "\n",
        "\n * ",
        "\n# ",
        "//",
        "/*",
        "*/",
        "<p>",
        "</b>",
        "<year>",
        "'",
        '"',
        "=",
        "(",
        ")",
        ".",
        " ",
        "\t",
        "\r\n",
        "\\251",
        "|",
        "-",
        "@author",
        "Author:",
        "\x00",
        "\ufffd",
        "İ",
        "ß",
    ]
)


def check(text: str) -> None:
    found = extract_copyrights("f.txt", text)
    assert isinstance(found, list)
    line_count = text.count("\n") + 1
    for item in found:
        assert item.statement.strip()
        assert 1 <= item.line <= line_count
        if item.end_line is not None:
            assert item.line < item.end_line <= line_count
        assert item.holder is None or item.holder.strip()
        assert item.kind in ("copyright", "author")
    deduplicate_holders(found)


@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    check(text)


@given(st.lists(PIECES, max_size=200))
def test_texts_built_from_copyright_pieces(pieces: list[str]) -> None:
    check(" ".join(pieces))


@given(st.sampled_from(SAMPLES), st.data())
def test_mutated_real_files(sample: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(sample)))
    end = data.draw(st.integers(start, len(sample)))
    insert = data.draw(st.text(max_size=50) | PIECES)
    check(sample[:start] + insert + sample[end:])


@settings(max_examples=20, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=20), st.integers(1000, 20000))
def test_adversarial_long_lines(pieces: list[str], repeat: int) -> None:
    # One very long line built from repeated pieces: the windowed scan keeps this linear.
    check(("".join(pieces).replace("\n", " ") * repeat)[:200_000])
