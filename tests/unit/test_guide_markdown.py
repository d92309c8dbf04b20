"""The guide's Markdown export is inert: what a lead typed never becomes HTML or breaks
the table, whatever it holds (the report's Markdown uses the same helper)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.core.shorthand import ChangelogEntry, Entry, Guide
from acw_tui.core.shorthand.printable import export_markdown


def test_raw_html_in_a_guide_is_escaped() -> None:
    guide = Guide.of(
        [Entry("xss", "<script>alert(1)</script>", "<b>cat</b>", "<img src=x onerror=alert(1)>")],
        name="<h1>team</h1>",
        changelog=(ChangelogEntry(2, "<i>d</i>", "<a href=x>added</a>"),),
    )
    text = export_markdown(guide)
    assert (
        "| `xss` | &lt;script&gt;alert(1)&lt;/script&gt; | &lt;img src=x onerror=alert(1)&gt; |"
        in text
    )
    for raw in ("<script", "<img", "<h1", "<b>", "<a ", "<i>"):
        assert raw not in text
    assert "# &lt;h1&gt;team&lt;/h1&gt;" in text and "&lt;a href=x&gt;added&lt;/a&gt;" in text


def test_the_report_and_the_guide_escape_alike() -> None:
    from acw_tui.core.printable import markdown_cell
    from acw_tui.reports.render import md

    assert md("<img> | a\\|b & c") == markdown_cell("<img> | a\\|b & c")


TRICKY = "<>&|\\`*_[]()#\n\r abc"


def _cells(row: str) -> list[str]:
    """A table row split where Markdown splits it: at pipes no backslash escapes."""
    return re.split(r"(?<!\\)((?:\\\\)*)\|", row)[::2]


@given(st.text(alphabet=TRICKY, max_size=30), st.text(alphabet=TRICKY, max_size=30))
@settings(max_examples=200, deadline=None)
def test_any_text_stays_in_its_cell_and_never_turns_into_html(expansion: str, note: str) -> None:
    guide = Guide.of([Entry("ab", expansion or "x", "people", note)])
    rows = [line for line in export_markdown(guide).splitlines() if line.startswith("| `ab`")]
    assert len(rows) == 1
    row = rows[0]
    assert len(_cells(row)) == 5  # "", abbr, expansion, note, ""
    assert "<" not in row.replace("<br>", "")
