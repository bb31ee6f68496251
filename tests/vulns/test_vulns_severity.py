"""Severity from CVSS v2/v3/v4 vectors, then the feeds' labels, else unknown."""

from __future__ import annotations

from pathlib import Path

from ospo.vulns.osv import parse_osv, record_from_mapping
from ospo.vulns.severity import at_or_above, score_vector, severity_of


def test_cvss_versions() -> None:
    v3 = score_vector("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert v3 is not None and (v3.rating, v3.score) == ("critical", 9.8)
    v2 = score_vector("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P")
    assert v2 is not None and (v2.rating, v2.score) == ("high", 7.5)
    v4 = score_vector("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
    assert v4 is not None and (v4.rating, v4.score) == ("critical", 9.3)
    assert score_vector("CVSS_V3", "CVSS:3.1/garbage") is None


def _rec(**extra: object) -> object:
    return record_from_mapping("t.json", {"id": "T-1", "modified": "2099-01-01T00:00:00Z", **extra})


def test_highest_vector_wins() -> None:
    record = _rec(
        severity=[
            {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:N/A:N"},
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
        ]
    )
    sev = severity_of(record)  # type: ignore[arg-type]
    assert sev.rating == "critical" and sev.vector and sev.vector.startswith("CVSS:3.1")


def test_labels_are_the_fallback(osv_fixtures: Path) -> None:
    ghsa = osv_fixtures / "db" / "GHSA-aaaa-bbbb-cccc.json"
    assert severity_of(parse_osv(str(ghsa), ghsa.read_bytes())).rating == "high"
    npm = osv_fixtures / "db" / "GHSA-nnnn-pppp-mmmm.json"
    sev = severity_of(parse_osv(str(npm), npm.read_bytes()))
    assert (sev.rating, sev.source) == ("medium", "ecosystem_specific")
    assert severity_of(_rec(severity=[{"type": "Ubuntu", "score": "Medium"}])).rating == "medium"  # type: ignore[arg-type]
    assert severity_of(_rec()).rating == "unknown"  # type: ignore[arg-type]
    assert severity_of(_rec(severity=[{"type": "CVSS_V3", "score": "bogus"}])).rating == "unknown"  # type: ignore[arg-type]


def test_at_or_above() -> None:
    assert at_or_above("critical", "high")
    assert not at_or_above("medium", "high")
    assert at_or_above("unknown", "low")
    assert not at_or_above("unknown", "medium")
