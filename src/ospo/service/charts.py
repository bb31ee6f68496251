"""Trend charts as inline SVG, drawn on the server: the dashboard needs no JavaScript to read.

The portfolio trend is rebuilt from one point per scan: after each scan the portfolio's
figure is the sum over projects of each project's latest figure so far, and points of the
same day collapse into the day's last value. `portfolio_trend` does it from the points of
`queries.trends`; on a large portfolio the database does it (`dashboard_queries.trend_by_day`)
and `daily_series` only shapes the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

PALETTE = ("#1f5fa8", "#b3261e", "#8a5a00", "#2e6b30")  # >= 4.5:1 against white
DASHES = ("", "6 3", "2 3", "8 3 2 3")  # a second cue besides colour


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


def portfolio_trend(points: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> tuple[list[str], list[Series]]:
    """(day labels, one series per key) of portfolio totals after each day's scans.

    Running totals: each point replaces its project's previous one (O(points), not
    O(points x projects))."""
    latest: dict[str, Mapping[str, Any]] = {}
    totals = dict.fromkeys(keys, 0.0)
    days: dict[str, dict[str, float]] = {}
    for point in points:
        project = str(point["project"])
        before = latest.get(project)
        for k in keys:
            totals[k] += float(point.get(k, 0) or 0) - (float(before.get(k, 0) or 0) if before is not None else 0.0)
        latest[project] = point
        days[str(point["at"])[:10]] = dict(totals)
    labels = list(days)
    return labels, [Series(k, tuple(days[d][k] for d in labels)) for k in keys]


def daily_series(days: Sequence[tuple[str, Mapping[str, float]]], keys: Sequence[str]) -> list[Series]:
    """One series per key from (day, totals) rows such as `dashboard_queries.trend_by_day`."""
    return [Series(k, tuple(float(totals.get(k, 0)) for _, totals in days)) for k in keys]


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], width: int = 560, height: int = 220
) -> Markup:
    """An accessible SVG line chart (role=img, title and description with the last values)."""
    left, right, top, bottom = 48, 12, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max((v for s in series for v in s.values), default=0.0)
    scale = _nice(top_value)
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - (plot_h * v / scale if scale else 0)

    last = ", ".join(f"{s.name} {_fmt(s.values[-1])}" for s in series if s.values)
    desc = f"{n} day(s) from {labels[0]} to {labels[-1]}; latest: {last}." if n else "No scans yet."
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{_id(title)}-t {_id(title)}-d"'
        f' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{_id(title)}-t">{escape(title)}</title>',
        f'<desc id="{_id(title)}-d">{escape(desc)}</desc>',
    ]
    for step in range(5):
        value = scale * step / 4
        yy = y(value)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" class="axis">{_fmt(value)}</text>')
    if n:
        for i in sorted({0, n - 1, (n - 1) // 2}):
            anchor = "end" if i == n - 1 and n > 1 else "start" if i == 0 and n > 1 else "middle"
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="{anchor}" class="axis">'
                f"{escape(labels[i])}</text>"
            )
    for k, s in enumerate(series):
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(s.values) > 1:
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for i, v in enumerate(s.values):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}"/>')
        lx = left + k * 130
        parts.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="{height - 8}" y2="{height - 8}" stroke="{colour}"'
            f' stroke-width="2"{dash_attr}/>'
        )
        parts.append(f'<text x="{lx + 22}" y="{height - 4}" class="legend">{escape(s.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _id(title: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _nice(value: float) -> float:
    """The smallest 1/2/5 x 10^k at or above `value` (an axis top that divides into quarters)."""
    if value <= 0:
        return 4.0
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    for factor in (1, 2, 4, 5, 10):
        if factor * magnitude >= value:
            return float(factor * magnitude)
    return 10 * magnitude
