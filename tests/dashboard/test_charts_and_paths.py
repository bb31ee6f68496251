"""The pure parts of the dashboard: trend aggregation, SVG charts, dependency paths."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ospo.service.charts import Series, line_chart, portfolio_trend
from ospo.service.pages import dependency_path


def test_portfolio_trend_sums_each_projects_latest_point_per_day() -> None:
    points = [
        {"at": "2026-01-01T10:00:00", "project": "a", "vulnerabilities": 3},
        {"at": "2026-01-01T11:00:00", "project": "b", "vulnerabilities": 1},
        {"at": "2026-01-02T09:00:00", "project": "a", "vulnerabilities": 0},
    ]
    labels, series = portfolio_trend(points, ("vulnerabilities",))
    assert labels == ["2026-01-01", "2026-01-02"]
    assert series[0].values == (4.0, 1.0)


def test_line_chart_is_well_formed_accessible_svg_and_escapes_text() -> None:
    svg = str(line_chart("Risk <&>", ["2026-01-01", "2026-01-02"], [Series("a<b", (1.0, 7.0))]))
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Risk <&>"  # type: ignore[union-attr]
    assert "latest: a<b 7" in root.find(f"{ns}desc").text  # type: ignore[union-attr,operator]


def test_line_chart_without_points() -> None:
    root = ET.fromstring(str(line_chart("Empty", [], [Series("a", ())])))
    assert "No scans yet" in (root.find("{http://www.w3.org/2000/svg}desc").text or "")  # type: ignore[union-attr]


def test_dependency_path_is_the_shortest_from_a_root() -> None:
    inventory = {
        "projects": [{"purl": "pkg:npm/app@1"}],
        "dependencies": [
            {"ref": "pkg:npm/app@1", "depends_on": ["pkg:npm/a@1", "pkg:npm/b@1"]},
            {"ref": "pkg:npm/a@1", "depends_on": ["pkg:npm/c@1"]},
            {"ref": "pkg:npm/c@1", "depends_on": ["pkg:npm/d@1"]},
            {"ref": "pkg:npm/b@1", "depends_on": ["pkg:npm/d@1"]},
            {"ref": "pkg:npm/d@1", "depends_on": ["pkg:npm/a@1"]},  # a cycle does not hang the search
        ],
    }
    assert dependency_path(inventory, "pkg:npm/d@1") == ["pkg:npm/app@1", "pkg:npm/b@1", "pkg:npm/d@1"]
    assert dependency_path(inventory, "pkg:npm/zzz@1") is None


def test_dependency_path_from_a_manifest_without_a_project() -> None:
    inventory = {"dependencies": [{"ref": "file:requirements.txt", "depends_on": ["pkg:pypi/x@1"]}]}
    assert dependency_path(inventory, "pkg:pypi/x@1") == ["file:requirements.txt", "pkg:pypi/x@1"]
    assert dependency_path({}, "pkg:pypi/x@1") is None
