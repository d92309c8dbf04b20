"""The scale curves (SPEC §11): a table on stdout and a chart in docs/ (hand-written SVG)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from bench.common import Curve

CHART = Path(__file__).resolve().parent.parent / "docs" / "benchmark-curves.svg"


def table(curves: list[Curve]) -> list[str]:
    out = [
        "scale curves (growth: cost per unit of input against the smallest size; "
        "<= 1 is linear or better)"
    ]
    for curve in curves:
        points = ", ".join(f"{n:,}: {v:,.3g}" for n, v in curve.points)
        growth = ", ".join(f"{g:.2f}" for g in curve.growth())
        out.append(
            f"   {curve.name} [{curve.unit}] by {curve.size_label}: {points}"
            + (f"  (growth {growth})" if growth else "")
        )
    return out


def chart(curves: list[Curve], path: Path = CHART) -> Path:
    """One small log-log panel per unit: figure against input size."""
    import math

    panels: dict[str, list[Curve]] = {}
    for curve in curves:
        if len(curve.points) >= 2:
            panels.setdefault(f"{curve.unit} by {curve.size_label}", []).append(curve)
    width, height, pad = 360, 240, 48
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
    parts = []
    for index, (title, group) in enumerate(panels.items()):
        ox = index * (width + 20)
        xs = [n for c in group for n, _ in c.points]
        ys = [v for c in group for _, v in c.points if v > 0]
        lx0, lx1 = math.log10(min(xs)), math.log10(max(xs))
        ly0, ly1 = math.log10(min(ys)) - 0.1, math.log10(max(ys)) + 0.1

        def x(n: float, lx0: float = lx0, lx1: float = lx1, ox: int = ox) -> float:
            return ox + pad + (math.log10(n) - lx0) / max(lx1 - lx0, 1e-9) * (width - 2 * pad)

        def y(v: float, ly0: float = ly0, ly1: float = ly1) -> float:
            return height - pad - (math.log10(v) - ly0) / max(ly1 - ly0, 1e-9) * (height - 2 * pad)

        parts.append(
            f'<rect x="{ox}" y="0" width="{width}" height="{height}" fill="white" stroke="#ccc"/>'
            f'<text x="{ox + width / 2}" y="18" text-anchor="middle" font-size="12">'
            f"{escape(title)} (log-log)</text>"
        )
        for n in sorted(set(xs)):
            parts.append(
                f'<text x="{x(n):.1f}" y="{height - pad + 16}" text-anchor="middle" '
                f'font-size="10">{n:,}</text>'
            )
        for v in (min(ys), max(ys)):
            parts.append(
                f'<text x="{ox + pad - 4}" y="{y(v):.1f}" text-anchor="end" font-size="10">'
                f"{v:,.3g}</text>"
            )
        for k, curve in enumerate(group):
            colour = colours[k % len(colours)]
            line = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in curve.points if v > 0)
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            parts += [
                f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>'
                for n, v in curve.points
                if v > 0
            ]
            parts.append(
                f'<text x="{ox + pad}" y="{36 + 13 * k}" font-size="10" fill="{colour}">'
                f"{escape(curve.name)}</text>"
            )
    total = max(1, len(panels)) * (width + 20)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{height}" '
        f'font-family="sans-serif">{"".join(parts)}</svg>\n'
    )
    path.write_text(svg, encoding="utf-8")
    return path
