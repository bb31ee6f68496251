"""Holders deduplicated per package with their years merged, as a NOTICE prints them."""

from __future__ import annotations

from ospo.licenses.copyright_text import format_years, parse_years
from ospo.licenses.copyrights import HolderSummary, deduplicate_holders, extract_copyrights
from ospo.model import Copyright, Location


def test_holders_merge_case_and_punctuation_insensitively() -> None:
    found = [
        *extract_copyrights("a.c", "/* Copyright (c) 2010 Google LLC. */"),
        *extract_copyrights("b.c", "// Copyright 2011-2013 google llc"),
        *extract_copyrights("c.py", "# Copyright 2015-present Google LLC\n# (c) 2001 Other Co"),
    ]
    summaries = deduplicate_holders(found)
    assert [(s.holder, s.years) for s in summaries] == [
        ("Google LLC.", "2010-2013, 2015-present"),  # tie: the first spelling seen
        ("Other Co", "2001"),
    ]
    google = summaries[0]
    assert google.locations == (Location("a.c", 1), Location("b.c", 1), Location("c.py", 1))
    assert len(google.statements) == 3


def test_most_frequent_spelling_wins_and_a_leading_the_is_ignored() -> None:
    found = [
        Copyright("a", 1, "Copyright 2001 The Foo Project", "The Foo Project"),
        Copyright("b", 2, "Copyright 2003 Foo Project", "Foo Project"),
        Copyright("c", 3, "Copyright 2002 Foo Project", "Foo Project"),
    ]
    assert deduplicate_holders(found) == [
        HolderSummary(
            holder="Foo Project",
            years="2001-2003",
            statements=(
                "Copyright 2001 The Foo Project",
                "Copyright 2003 Foo Project",
                "Copyright 2002 Foo Project",
            ),
            locations=(Location("a", 1), Location("b", 2), Location("c", 3)),
        )
    ]


def test_statements_without_holder_and_author_lines_are_left_out() -> None:
    found = [
        Copyright("a", 1, "Copyright 2001", None),
        Copyright("a", 2, "@author Jane Roe", "Jane Roe", kind="author"),
    ]
    assert deduplicate_holders(found) == []


def test_same_statement_twice_is_listed_once() -> None:
    same = Copyright("a", 1, "Copyright 2001 Foo", "Foo")
    summary = deduplicate_holders([same, same])[0]
    assert summary.statements == ("Copyright 2001 Foo",)
    assert summary.locations == (Location("a", 1),)


def test_years_parse_ranges_short_forms_and_open_ends() -> None:
    assert parse_years("Copyright 1999-2004, 2010 X") == ({*range(1999, 2005), 2010}, None)
    assert parse_years("(c) 1998-02 X") == (set(range(1998, 2003)), None)
    assert parse_years("Copyright 2012-present X") == ({2012}, 2012)
    assert parse_years("Copyright 2001 to 2003 X") == ({2001, 2002, 2003}, None)
    assert parse_years("version 1.2.3") == (set(), None)


def test_years_format_as_ranges() -> None:
    assert format_years({1999, 2000, 2001, 2004}) == "1999-2001, 2004"
    assert format_years({2010, 2016, 2020}, open_from=2015) == "2010, 2015-present"
    assert format_years(set()) == ""
