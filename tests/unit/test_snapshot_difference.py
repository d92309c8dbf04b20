"""The failure section of a snapshot test names the rows that differ."""

from __future__ import annotations

from pathlib import Path

from tests.snapshot_difference import differing_rows

STORED = (
    Path(__file__).parent.parent
    / "tui/__snapshots__/test_reports_screen/test_snapshot_everything.svg"
).read_text(encoding="utf-8")


def test_a_changed_text_is_shown_as_stored_and_as_drawn() -> None:
    drawn = STORED.replace("elena&#160;1:56", "elena&#160;1:57")
    (stored_row, drawn_row) = differing_rows(STORED, drawn)
    assert stored_row.startswith("row 47 stored: Outliers") and stored_row.endswith(
        "1:56 (1.9× team)"
    )
    assert drawn_row.startswith("row 47 drawn:  Outliers") and drawn_row.endswith(
        "1:57 (1.9× team)"
    )


def test_a_changed_colour_names_the_row() -> None:
    drawn = STORED.replace(
        'class="terminal-r13" x="12.2" y="1142.4"', 'class="terminal-r6" x="12.2" y="1142.4"'
    )
    assert differing_rows(STORED, drawn) == ["same text; colours or styles differ on rows 47"]


def test_the_same_screenshot_has_no_difference() -> None:
    assert differing_rows(STORED, STORED) == []
