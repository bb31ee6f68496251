"""OSV affected-range evaluation: the schema's algorithm, compiled."""

from __future__ import annotations

from typing import Any

import pytest

from ospo.vulns.ranges import (
    compile_affected,
    fixed_versions,
    in_ranges,
    is_affected,
    smallest_clearing_upgrade,
    unsupported_ranges,
)
from ospo.vulns.versions import InvalidVersion, sort_key


def _entry(*events: dict[str, str], kind: str = "ECOSYSTEM", versions: list[str] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"ranges": [{"type": kind, "events": list(events)}]}
    if versions is not None:
        entry["versions"] = versions
    return entry


def _affected(ecosystem: str, entry: dict[str, Any], versions: list[str]) -> list[str]:
    return [v for v in versions if is_affected(ecosystem, v, entry)]


def test_introduced_fixed_is_half_open() -> None:
    entry = _entry({"introduced": "1.0"}, {"fixed": "1.5"})
    got = _affected("PyPI", entry, ["0.9", "1.0", "1.4.9", "1.5", "1.5.1"])
    assert got == ["1.0", "1.4.9"]


def test_introduced_zero_is_before_everything_even_where_zero_is_invalid() -> None:
    entry = _entry({"introduced": "0"}, {"fixed": "2.0.0"})
    assert is_affected("npm", "0.0.1-alpha", entry)
    assert not is_affected("npm", "2.0.0", entry)
    assert is_affected("npm", "2.0.0-rc.1", entry)


def test_last_affected_is_inclusive() -> None:
    entry = _entry({"introduced": "1.0.0"}, {"last_affected": "1.2.0"})
    assert _affected("crates.io", entry, ["0.9.0", "1.0.0", "1.2.0", "1.2.1"]) == ["1.0.0", "1.2.0"]


def test_events_are_sorted_by_version_not_by_position() -> None:
    entry = _entry({"fixed": "2.0"}, {"introduced": "1.5"}, {"fixed": "1.2"}, {"introduced": "0"})
    assert _affected("PyPI", entry, ["1.0", "1.2", "1.6", "2.0"]) == ["1.0", "1.6"]


def test_multiple_ranges_and_intervals_are_or_ed() -> None:
    entry: dict[str, Any] = {
        "ranges": [
            {"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.1"}]},
            {"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.1"}]},
        ]
    }
    assert _affected("PyPI", entry, ["1.0", "1.1", "2.0", "2.0.5", "2.1"]) == ["1.0", "2.0", "2.0.5"]


def test_ties_keep_advisory_order_like_osv_enumeration() -> None:
    # pyspark PYSEC-2022-236 style: adjacent intervals sharing a boundary.
    adjacent = _entry({"introduced": "0"}, {"fixed": "3.1.1"}, {"introduced": "3.1.1"}, {"fixed": "3.1.3"})
    assert is_affected("PyPI", "3.1.1", adjacent)
    assert not is_affected("PyPI", "3.1.3", adjacent)
    empty = _entry({"introduced": "1.0"}, {"fixed": "1.0"})
    assert not any(is_affected("PyPI", v, empty) for v in ["0.9", "1.0", "1.1"])


def test_limit_caps_a_range_and_star_means_no_cap() -> None:
    capped = _entry({"introduced": "0"}, {"limit": "1.5"})
    assert is_affected("PyPI", "1.4", capped)
    assert not is_affected("PyPI", "1.5", capped)
    uncapped = _entry({"introduced": "0"}, {"limit": "*"})
    assert is_affected("PyPI", "99", uncapped)


def test_versions_list_counts_but_ranges_alone_can_be_asked() -> None:
    entry = _entry({"introduced": "2.0"}, {"fixed": "2.1"}, versions=["1.0", "2.0"])
    assert is_affected("PyPI", "1.0", entry)
    assert is_affected("PyPI", "1.0.0", entry)  # equal by PEP 440
    assert not in_ranges("PyPI", "1.0", entry)
    only_list: dict[str, Any] = {"versions": ["1.0"]}
    assert is_affected("PyPI", "1.0", only_list)
    assert not is_affected("PyPI", "1.1", only_list)


def test_unorderable_version_matches_only_by_listing() -> None:
    entry = _entry({"introduced": "0"}, versions=["not a version!"])
    assert is_affected("npm", "not a version!", entry)
    with pytest.raises(InvalidVersion):
        is_affected("npm", "also not one", entry)


def test_semver_ranges_evaluate_go_versions_with_and_without_v() -> None:
    entry = _entry({"introduced": "0"}, {"fixed": "1.2.4"}, kind="SEMVER")
    assert is_affected("Go", "v1.2.3", entry)
    assert is_affected("Go", "v1.2.4-0.20191109021931-daa7c04131f5", entry)
    assert not is_affected("Go", "v1.2.4", entry)
    assert is_affected("Go", "v0.0.0-20191109021931-daa7c04131f5", entry)


def test_git_ranges_are_reported_not_evaluated() -> None:
    entry: dict[str, Any] = {
        "ranges": [
            {
                "type": "GIT",
                "repo": "https://example.org/r.git",
                "events": [{"introduced": "abc"}, {"fixed": "def"}],
            },
            {"type": "WEIRD", "events": []},
        ]
    }
    assert unsupported_ranges(entry) == [
        "GIT range on https://example.org/r.git (introduced abc, fixed def)",
        "WEIRD range (no events)",
    ]
    assert not is_affected("PyPI", "1.0", entry)
    assert compile_affected("PyPI", entry).unsupported == tuple(unsupported_ranges(entry))


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        [],
        "ranges",
        {"ranges": None},
        {"ranges": "x"},
        {"ranges": [None, 3, "x"]},
        {"ranges": [{"type": "ECOSYSTEM", "events": "x"}]},
        {"ranges": [{"type": "ECOSYSTEM", "events": [None, 1, "x", {}]}]},
        {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": 1}, {"fixed": None}]}]},
        {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "bad version"}, {"fixed": "%%"}]}]},
        {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0", "fixed": "1.0"}]}]},
        {"versions": [1, None, {"a": 1}]},
    ],
)
def test_garbage_never_raises(garbage: Any) -> None:
    compiled = compile_affected("npm", garbage)
    assert isinstance(compiled.contains(sort_key("npm", "1.0.0")), bool)
    assert isinstance(is_affected("npm", "1.0.0", garbage), bool)
    assert isinstance(unsupported_ranges(garbage), list)
    assert isinstance(fixed_versions("npm", garbage), list)


def test_bad_events_are_described_as_problems() -> None:
    entry = _entry({"introduced": "0"}, {"fixed": "not-semver"})
    compiled = compile_affected("npm", entry)
    assert any("not-semver" in p for p in compiled.problems)
    assert is_affected("npm", "5.0.0", entry)  # the unreadable fix is not applied


def test_fixed_versions_sorted_by_ecosystem_order() -> None:
    entry: dict[str, Any] = {
        "ranges": [
            {
                "type": "ECOSYSTEM",
                "events": [{"introduced": "0"}, {"fixed": "1.10"}, {"introduced": "2.0"}, {"fixed": "2.0.1"}],
            },
            {"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.9"}, {"fixed": "1.10.0"}]},
            {"type": "GIT", "events": [{"introduced": "0"}, {"fixed": "abcdef"}]},
        ]
    }
    assert fixed_versions("PyPI", entry) == ["1.9", "1.10", "2.0.1"]


def test_smallest_clearing_upgrade_checks_every_advisory() -> None:
    first = _entry({"introduced": "0"}, {"fixed": "1.2"})
    second = _entry({"introduced": "1.0"}, {"fixed": "1.3"})
    third = _entry({"introduced": "2.0"}, {"fixed": "2.1"})
    assert smallest_clearing_upgrade("PyPI", "1.1", [first, second, third]) == "1.3"
    assert smallest_clearing_upgrade("PyPI", "0.5", [first]) == "1.2"
    assert smallest_clearing_upgrade("PyPI", "2.0", [first, second, third]) == "2.1"
    unfixed = _entry({"introduced": "0"})
    assert smallest_clearing_upgrade("PyPI", "1.0", [first, unfixed]) is None
    assert smallest_clearing_upgrade("PyPI", "!!", [first]) is None


def test_compiled_form_agrees_with_direct_evaluation() -> None:
    entry = _entry(
        {"introduced": "1.0.0"}, {"fixed": "1.0.5"}, {"introduced": "2.0.0-rc.1"}, {"last_affected": "2.3.0"}
    )
    compiled = compile_affected("npm", entry)
    for v in ["0.1.0", "1.0.0", "1.0.4", "1.0.5", "2.0.0-beta", "2.0.0-rc.1", "2.3.0", "2.3.1"]:
        assert compiled.contains(sort_key("npm", v)) == is_affected("npm", v, entry)


@pytest.mark.parametrize(
    ("ecosystem", "below", "inside", "fixed", "above"),
    [
        ("Debian:12", "1.0~rc1-1", "1.0-1", "1.0-2", "1:0.9-1"),
        ("Ubuntu:22.04:LTS", "2.30-21ubuntu1~18.04.4", "2.30-21ubuntu1~18.04.5", "2.31-0ubuntu9", "2.32-1"),
        ("Red Hat", "1.0-1.el7", "1.0-2.el7", "1.0.1-1.el7", "1.1-1.el7"),
        ("Alpine:v3.18", "1.0_rc1-r0", "1.0-r0", "1.0.1-r0", "1.1-r0"),
        ("Maven", "5.4.0.CR1", "5.4.0.Final", "5.4.0.SP1", "5.4.1.Final"),
        ("Packagist", "1.0.0-RC1", "v1.0", "1.0.0-p1", "1.0.1"),
    ],
)
def test_distribution_and_other_orders_in_ranges(
    ecosystem: str, below: str, inside: str, fixed: str, above: str
) -> None:
    entry = _entry({"introduced": inside}, {"fixed": fixed}, versions=[inside])
    compiled = compile_affected(ecosystem, entry)
    assert compiled.problems == ()
    assert [compiled.contains_version(v) for v in (below, inside, fixed, above)] == [
        False,
        True,
        False,
        False,
    ]
