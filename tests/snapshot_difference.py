"""The rows where a screenshot differs from its stored snapshot, as text.

pytest-textual-snapshot answers a mismatch with `assert False` and an HTML report on the
machine that ran it. On CI that report is gone with the machine, so a failing snapshot
test also prints, in its failure section, each differing row as stored and as drawn.
"""

from __future__ import annotations

import html
import pickle
import re
from pathlib import Path

import pytest

# Rich's SVG export: one <text> per run of cells with one style, placed by x and
# clipped to its line (counted from 0).
TEXT = re.compile(
    r'<text class="([^"]*)" x="([\d.]+)"[^>]*clip-path="url\(#terminal-line-(\d+)\)"[^>]*>'
    r"(.*?)</text>",
    re.S,
)
SHOWN_ROWS = 12  # enough to recognise what moved; the whole report is on the machine


def screen_rows(svg: str) -> list[list[tuple[str, str]]]:
    """The screenshot as rows of (style class, text) runs, top to bottom."""
    rows: dict[int, list[tuple[float, str, str]]] = {}
    for style, x, line, text in TEXT.findall(svg):
        cells = html.unescape(text).replace("\xa0", " ")
        rows.setdefault(int(line), []).append((float(x), style, cells))
    height = max(rows, default=-1) + 1
    return [
        [(style, text) for _x, style, text in sorted(rows.get(line, []))] for line in range(height)
    ]


def row_text(row: list[tuple[str, str]]) -> str:
    return "".join(text for _style, text in row).rstrip()


def differing_rows(expected: str, actual: str) -> list[str]:
    """Each row whose text differs, as stored and as drawn; when every text is the same,
    the rows whose colours or styles differ."""
    from pytest_textual_snapshot import normalize_svg  # drops the export's unique id

    stored, drawn = screen_rows(normalize_svg(expected)), screen_rows(normalize_svg(actual))
    if len(stored) != len(drawn):
        return [f"the screenshot has {len(drawn)} rows, the snapshot {len(stored)}"]
    lines: list[str] = []
    for number, (was, now) in enumerate(zip(stored, drawn, strict=True), start=1):
        if row_text(was) != row_text(now):
            lines += [
                f"row {number} stored: {row_text(was)}",
                f"row {number} drawn:  {row_text(now)}",
            ]
    if not lines:
        restyled = [
            str(number)
            for number, (was, now) in enumerate(zip(stored, drawn, strict=True), start=1)
            if was != now
        ]
        if restyled:
            lines = [f"same text; colours or styles differ on rows {', '.join(restyled)}"]
    if len(lines) > 2 * SHOWN_ROWS:
        lines = [*lines[: 2 * SHOWN_ROWS], f"… and {len(lines) // 2 - SHOWN_ROWS} more rows"]
    return lines


def snapshot_difference(item: pytest.Item) -> list[str]:
    """The differing rows of `item`'s last snapshot comparison (none when it made none)."""
    from pytest_textual_snapshot import node_to_report_path

    path: Path = node_to_report_path(item)
    if not path.exists():
        return []
    data = pickle.loads(path.read_bytes())
    matched, expected, actual = data[0], data[1], data[2]
    if matched or not isinstance(expected, str) or not isinstance(actual, str):
        return []
    return differing_rows(expected, actual)
