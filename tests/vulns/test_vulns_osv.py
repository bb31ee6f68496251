"""OSV parsing: typed records from JSON and PyPA YAML, and only ParseError on hostile input."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.model import ParseError
from ospo.vulns.osv import normalise_name, parse_osv


def _read(osv_fixtures: Path, name: str) -> tuple[str, bytes]:
    path = osv_fixtures / "db" / name
    return str(path), path.read_bytes()


def test_pypa_yaml_keeps_versions_and_dates_as_strings(osv_fixtures: Path) -> None:
    record = parse_osv(*_read(osv_fixtures, "PYSEC-2099-1.yaml"))
    assert record.id == "PYSEC-2099-1"
    assert record.modified == "2099-01-02T03:04:05Z"
    assert record.aliases == ("CVE-2099-0001", "GHSA-aaaa-bbbb-cccc")
    (affected,) = record.affected
    assert affected.ecosystem == "PyPI" and affected.normalised_name == "demo-pkg"
    assert affected.entry["versions"] == ["1.0.0", "1.1.0", "1.10"]  # not the float 1.1
    assert affected.range_types == ("GIT", "ECOSYSTEM")
    assert record.severity[0].type == "CVSS_V3"
    assert record.title.startswith("Path traversal")


def test_json_record(osv_fixtures: Path) -> None:
    record = parse_osv(*_read(osv_fixtures, "GHSA-aaaa-bbbb-cccc.json"))
    assert record.summary == "demo-pkg archive extraction path traversal"
    assert record.database_specific["severity"] == "HIGH"
    assert record.references == ("https://example.org/demo-pkg/security",)


@pytest.mark.parametrize(
    ("ecosystem", "name", "expected"),
    [
        ("PyPI", "Zope.Interface__x", "zope-interface-x"),
        ("Maven", "org.Example:Lib", "org.Example:Lib"),
        ("Go", "github.com/Example/Mod", "github.com/Example/Mod"),
        ("NuGet", "Newtonsoft.Json", "newtonsoft.json"),
        ("crates.io", "Serde", "serde"),
        ("npm", "JSONStream", "JSONStream"),
        ("Debian:12", "OpenSSL", "OpenSSL"),
    ],
)
def test_normalise_name(ecosystem: str, name: str, expected: str) -> None:
    assert normalise_name(ecosystem, name) == expected


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("x.json", b"{", "invalid JSON"),
        ("x.json", b"[]", "object"),
        ("x.json", b'{"id": "A-1"}', "A-1: 'modified' is missing"),
        ("x.json", b'{"id": "A-1", "modified": "t", "affected": [{"package": {"name": "p"}}]}', "A-1"),
        (
            "x.json",
            b'{"id": "A-1", "modified": "t", "affected": [{"ranges": [{"type": "X", "events": 3}]}]}',
            "A-1",
        ),
        ("x.json", b'{"id": "A-1", "modified": "t", "aliases": "CVE-1"}', "aliases"),
        ("x.json", b"\x00\x01\x02binary", "binary"),
        ("x.json", b"\xff\xfe{}", "UTF-8"),
        ("x.yaml", b"id: [unclosed", "invalid YAML"),
        ("x.yaml", b"!!python/object:os.system {}", "invalid YAML"),
        ("x.json", b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
)
def test_hostile_records_raise_parse_error_naming_file_and_id(name: str, data: bytes, needle: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_osv(name, data)
    assert info.value.path == name
    assert needle.lower() in str(info.value).lower()


def test_yaml_alias_bomb_is_refused() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("id: BOMB-1\nmodified: t\ndatabase_specific: {b: *a8}")
    with pytest.raises(ParseError, match="alias bomb"):
        parse_osv("bomb.yaml", "\n".join(lines))


def test_deep_yaml_is_refused() -> None:
    with pytest.raises(ParseError):
        parse_osv("deep.yaml", "id: X\nmodified: t\nd: " + "[" * 5000 + "]" * 5000)


def test_oversize_record_is_refused() -> None:
    with pytest.raises(ParseError, match="limit"):
        parse_osv("big.json", b" " * (9 * 1024 * 1024))


_REAL = (Path(__file__).resolve().parents[1] / "fixtures" / "osv" / "db" / "GHSA-aaaa-bbbb-cccc.json").read_bytes()
_REAL_YAML = (Path(__file__).resolve().parents[1] / "fixtures" / "osv" / "db" / "PYSEC-2099-1.yaml").read_bytes()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["r.json", "r.yaml"]))
def test_garbage_only_raises_parse_error(data: bytes, name: str) -> None:
    with contextlib.suppress(ParseError):
        parse_osv(name, data)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(_REAL_YAML)), st.integers(0, len(_REAL_YAML)), st.binary(max_size=20), st.booleans())
def test_mutated_real_records_only_raise_parse_error(start: int, end: int, junk: bytes, yaml_: bool) -> None:
    base = _REAL_YAML if yaml_ else _REAL
    start, end = sorted((start % (len(base) + 1), end % (len(base) + 1)))
    mutated = base[:start] + junk + base[end:]
    with contextlib.suppress(ParseError):
        parse_osv("m.yaml" if yaml_ else "m.json", mutated)
