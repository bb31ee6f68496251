"""Copyright statements and holders from realistic files, and what must not be reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospo.licenses.copyrights import extract_copyrights
from ospo.model import Copyright

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "copyrights"


def scan(name: str) -> list[Copyright]:
    return extract_copyrights(name, (FIXTURES / name).read_text(encoding="utf-8"))


def rows(found: list[Copyright]) -> list[tuple[int, int | None, str, str | None]]:
    return [(c.line, c.end_line, c.statement, c.holder) for c in found if c.kind == "copyright"]


def test_c_header_with_year_lines_and_wrapped_holder() -> None:
    assert rows(scan("widget.h")) == [
        (
            4,
            None,
            "Copyright (c) 1999-2004, 2010 Jane Q. Hacker <jane@example.org>",
            "Jane Q. Hacker",
        ),
        (5, None, "Copyright (C) 2007 Example Systems, Inc.", "Example Systems, Inc."),
        (6, None, "2008-2009 Bob Builder", "Bob Builder"),
        (
            7,
            8,
            "Portions Copyright (c) 1998 Netscape Communications Corporation",
            "Netscape Communications Corporation",
        ),
    ]


def test_python_header_spdx_tags_and_dunder_copyright() -> None:
    assert rows(scan("tool_header.py.txt")) == [
        (
            4,
            None,
            "SPDX-FileCopyrightText: 2019-2023 The Toolsmiths Authors",
            "The Toolsmiths Authors",
        ),
        (
            5,
            None,
            "SPDX-FileCopyrightText: © 2024 Ana María Pérez <ana@example.com>",
            "Ana María Pérez",
        ),
        (10, None, "Copyright 2012-present Example Org", "Example Org"),
    ]


def test_java_header_authors_and_code_identifiers() -> None:
    found = scan("Parser.java")
    assert rows(found) == [
        (2, None, "Copyright 2015 Google LLC.", "Google LLC."),
        (
            3,
            4,
            "Copyright (c) 2001, 2002 The Regents of the University of California",
            "The Regents of the University of California",
        ),
        (17, None, "Copyright (c) 2015 Google LLC", "Google LLC"),
    ]
    authors = [(c.line, c.holder) for c in found if c.kind == "author"]
    assert authors == [(13, "John Smith"), (14, "Marie Curie")]


def test_html_entities_and_tags() -> None:
    assert rows(scan("footer.html")) == [
        (7, None, "© 2010–2014 ACME Corp.", "ACME Corp."),
        (
            8,
            None,
            "Copyright © 2021 Widget Makers GmbH & Co. KG",
            "Widget Makers GmbH & Co. KG",
        ),
    ]


def test_debian_copyright_file_lists_one_holder_per_line() -> None:
    assert [(c.line, c.holder) for c in scan("debian-copyright")] == [
        (6, "Jane Doe"),
        (7, "John Roe"),
        (8, "Example Foundation"),
        (12, "Debian Packager"),
    ]


def test_readme_credits() -> None:
    found = scan("README.md")
    assert rows(found) == [
        (
            11,
            None,
            "Copyright (c) 2020 Ana María Pérez and contributors",
            "Ana María Pérez and contributors",
        )
    ]
    assert [c.kind for c in found] == ["author", "copyright"]


def test_mit_licence_keeps_the_holder_and_skips_the_boilerplate() -> None:
    assert rows(scan("LICENSE-MIT")) == [
        (3, None, "Copyright (c) 2018-2021 Example Widgets Ltd.", "Example Widgets Ltd.")
    ]


@pytest.mark.parametrize("name", ["LICENSE-BSD-template", "gpl-howto.txt"])
def test_templates_and_licence_prose_are_not_statements(name: str) -> None:
    assert scan(name) == []


@pytest.mark.parametrize(
    ("text", "statement", "holder"),
    [
        ("# Copyright (c) 2010 Foo Bar", "Copyright (c) 2010 Foo Bar", "Foo Bar"),
        ("// Copyright 2009 The Go Authors. All rights reserved.", None, "The Go Authors"),
        ("; Copyright (C) 2001 Lisp Hackers", None, "Lisp Hackers"),
        ("-- Copyright 2003 SQL People", None, "SQL People"),
        ("% Copyright 2004 TeX Users", None, "TeX Users"),
        ("dnl Copyright (C) 2005 Autoconf Folks", None, "Autoconf Folks"),
        ("REM Copyright 2006 Batch Files Ltd", None, "Batch Files Ltd"),
        ("Copr. 1986 Foo Systems", "Copr. 1986 Foo Systems", "Foo Systems"),
        ("© Trolltech ASA", "© Trolltech ASA", "Trolltech ASA"),
        ("Copyright: Jane Roe", "Copyright: Jane Roe", "Jane Roe"),
        ("Copyright (c) 2010 by Foo & Bar GmbH", None, "Foo & Bar GmbH"),
        ("Copyright 2001 Alice Doe, 2004 Bob Roe", None, "Alice Doe, Bob Roe"),
        ("Copyright (C) 1988, 89, 90 Free Software Foundation, Inc.", None, None),
        ("Copyright (c) 2007 Foo Inc. Licensed under the MIT License.", None, "Foo Inc."),
        ("Copyright 2010 Foo Corp, released under the GPL", None, "Foo Corp"),
        ("/*! lib v3.6.0 | (c) OpenJS Foundation and other contributors | x.org */", None, None),
        ("Copyright © April 29, 1997 Kalle Example. All Rights Reserved.", None, None),
        ("The METIS package is copyrighted by the Regents of the University.", None, None),
        ("Copyright (c) nexB Inc. and others.", None, "nexB Inc. and others"),
        ("Copyright 2010 (c) Mihai Example <mihai@example.com>", None, "Mihai Example"),
        (" * (C) Eero Example <oak at example dot com>", None, "Eero Example"),
        (" * @copyright  Copyright (c) 2005 Zend Example Inc.", None, "Zend Example Inc."),
        ("// Copyright 1998 by Neil Example // The License.txt file", None, "Neil Example"),
        ('Copyright (c) 2004 Example Consortium, Inc. ("ISC")', None, "Example Consortium, Inc."),
        ("Copyright (c) 2000 Example Initiatives; All Rights\nReserved", None, None),
        ("Copyright (C) 2009 Nokia Example\x00\x01H\x8b garbage", None, "Nokia Example"),
    ],
)
def test_statement_forms(text: str, statement: str | None, holder: str | None) -> None:
    found = extract_copyrights("f", text)
    assert len(found) == 1, found
    if statement is not None:
        assert found[0].statement == statement
    if holder is not None:
        assert found[0].holder == holder
    else:
        assert found[0].holder


def test_two_statements_on_one_line() -> None:
    found = extract_copyrights("f", "Copyright 2002 Vidar Roe, Copyright (c) 2002 Mia Doe and")
    assert [c.holder for c in found] == ["Vidar Roe", "Mia Doe"]
    assert found[1].statement == "Copyright (c) 2002 Mia Doe"


def test_statement_without_holder_keeps_its_years() -> None:
    found = extract_copyrights("f", "# Copyright (C) 2007\n# All rights reserved\n")
    assert [(c.statement, c.holder) for c in found] == [("Copyright (C) 2007", None)]


@pytest.mark.parametrize(
    "text",
    [
        'copyright = "Copyright holder"',
        "COPYRIGHT_YEAR = 2024",
        "self.copyright = value",
        "x = get_copyright()",
        "See COPYRIGHT.txt for details",
        '{"copyright": "x"}',
        "if (c) { return; }",
        "(c) You must cause any modified files to carry notices",
        "The above copyright notice and this permission notice shall be included",
        "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS",
        "works protected by copyright law",
        "the copyright owner may",
        "Copyright (C) <year> <name of author>",
        "Copyright [yyyy] [name of copyright owner]",
        "Copyright (c) {{ year }} {{ author }}",
        "copyright -like laws that apply to other kinds of works",
        "COPYRIGHT",
        "## Copyright",
        "Copyright by",
        "Copyright (c) 2010 the",
        "copyright statement(s)",
        'b"\\xa9\\xaf] # U+1680"',
        'printf(" * Copyright (C) %d  %s", year, name)',
        "For software which is copyrighted by the Free Software Foundation, write to",
        "Copyright (C) 2020 You must update the year",
        "\x00\x01(c) 2010 \ufffd\ufffd\x0f\ufffdT\x01",
    ],
)
def test_false_positives(text: str) -> None:
    assert [c for c in extract_copyrights("f", text) if c.holder] == [], text


def test_prefilter_returns_nothing_without_a_hint() -> None:
    assert extract_copyrights("f", "def main():\n    return 0\n" * 1000) == []
    assert extract_copyrights("f", "") == []


def test_line_numbers_count_from_one_and_ignore_carriage_returns() -> None:
    found = extract_copyrights("f", "a\r\nb\r\n# Copyright 2020 Foo Ltd\r\n")
    assert [(c.line, c.statement) for c in found] == [(3, "Copyright 2020 Foo Ltd")]


def test_windows_line_endings_and_form_feeds_do_not_break_continuations() -> None:
    text = "Copyright (c) 1991 - 1995, Example Centrum Amsterdam,\r\nThe Netherlands.\r\n\f\r\n"
    found = extract_copyrights("f", text)
    assert [(c.line, c.end_line, c.holder) for c in found] == [(1, 2, "Example Centrum Amsterdam, The Netherlands")]


def test_long_minified_line_is_scanned_in_windows() -> None:
    line = "/*! Copyright 2019 Minified Co */" + "var a=1;" * 5000 + "/* (c) 2020 Other Co */"
    found = extract_copyrights("min.js", line)
    assert [(c.line, c.holder) for c in found] == [(1, "Minified Co"), (1, "Other Co")]


def test_huge_repeated_sign_finishes() -> None:
    # 5 MB of nothing but signs: must finish (linear work) and report nothing meaningful.
    text = "copyright (c) " * (5 * 1024 * 1024 // 14)
    found = extract_copyrights("big.txt", text)
    assert all(c.holder is None for c in found)
