"""Version ordering per ecosystem, checked against a table of tricky cases from each
ecosystem's own rules (tests/fixtures/vulns/version_order.yaml)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from ospo.model import OspoError
from ospo.vulns.versions import (
    InvalidVersion,
    canonical_ecosystem,
    compare,
    exact,
    osv_ecosystem,
    purl_type,
    sort_key,
)

TABLE_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "vulns" / "version_order.yaml"
with TABLE_PATH.open(encoding="utf-8") as _handle:
    TABLE: dict[str, Any] = yaml.load(_handle, Loader=yaml.BaseLoader)


def _chain_cases() -> list[Any]:
    cases = []
    for ecosystem, spec in TABLE.items():
        for index, chain in enumerate(spec["chains"]):
            groups = [g if isinstance(g, list) else [g] for g in chain]
            cases.append(pytest.param(ecosystem, groups, id=f"{ecosystem}-{index}"))
    return cases


@pytest.mark.parametrize(("ecosystem", "groups"), _chain_cases())
def test_chain_is_ordered_and_groups_are_equal(ecosystem: str, groups: list[list[str]]) -> None:
    for group in groups:
        keys = {sort_key(ecosystem, v) for v in group}
        assert len(keys) == 1, f"{group} should compare equal"
        for a, b in itertools.combinations(group, 2):
            assert compare(ecosystem, a, b) == 0
    for lower, higher in itertools.combinations(groups, 2):
        for a in lower:
            for b in higher:
                assert compare(ecosystem, a, b) == -1, f"{a} < {b}"
                assert compare(ecosystem, b, a) == 1, f"{b} > {a}"


def _invalid_cases() -> list[Any]:
    return [
        pytest.param(ecosystem, text, id=f"{ecosystem}-{text!r}")
        for ecosystem, spec in TABLE.items()
        for text in spec.get("invalid", [])
    ]


@pytest.mark.parametrize(("ecosystem", "text"), _invalid_cases())
def test_invalid_versions_raise_invalid_version(ecosystem: str, text: str) -> None:
    with pytest.raises(InvalidVersion) as caught:
        sort_key(ecosystem, text)
    assert isinstance(caught.value, OspoError)
    assert ecosystem in str(caught.value)


def test_non_strings_and_huge_strings_are_invalid() -> None:
    with pytest.raises(InvalidVersion):
        sort_key("npm", 3)  # type: ignore[arg-type]
    with pytest.raises(InvalidVersion):
        sort_key("PyPI", "1." * 5000)
    with pytest.raises(InvalidVersion):
        sort_key("PyPI", ["1.0"])  # type: ignore[arg-type]
    with pytest.raises(InvalidVersion):
        sort_key(None, "1.0")  # type: ignore[arg-type]


def test_ecosystem_names_and_purl_types_round_trip() -> None:
    pairs = {
        "pypi": "PyPI",
        "npm": "npm",
        "cargo": "crates.io",
        "golang": "Go",
        "maven": "Maven",
        "gem": "RubyGems",
        "nuget": "NuGet",
        "composer": "Packagist",
        "pub": "Pub",
        "hex": "Hex",
    }
    for purl, osv in pairs.items():
        assert osv_ecosystem(purl) == osv
        assert purl_type(osv) == purl
        assert canonical_ecosystem(purl) == osv
        assert exact(osv)
    assert canonical_ecosystem("Debian:11") == "Debian"
    assert canonical_ecosystem("PYPI") == "PyPI"
    assert canonical_ecosystem("Alpine:v3.16") == "Alpine"
    assert osv_ecosystem("unknowntype") == "unknowntype"
    assert purl_type("Nonesuch") is None


def test_purl_types_order_like_their_ecosystem() -> None:
    assert compare("cargo", "1.0.0-alpha", "1.0.0") == -1
    assert compare("golang", "v0.0.0-20191109021931-daa7c04131f5", "v0.1.0") == -1
    assert compare("maven", "1.0-SNAPSHOT", "1.0") == -1


def test_unknown_ecosystem_falls_back_to_a_reasonable_order() -> None:
    assert not exact("Hackage")
    chain = ["0.9", "1.0rc1", "1.0", "1.0.0.1", "1.0p1", "1.0.1", "1.10", "v2.0"]
    for a, b in itertools.combinations(chain, 2):
        assert compare("Hackage", a, b) == -1, (a, b)
    assert compare("Hackage", "1.0", "1.0.0") == 0
    with pytest.raises(InvalidVersion):
        sort_key("Hackage", "...")


def test_pypi_legacy_versions_sort_below_every_valid_one() -> None:
    assert compare("PyPI", "2004d", "0.0.1.dev0") == -1
    assert compare("PyPI", "1.0-foo", "1.1-foo") == -1
