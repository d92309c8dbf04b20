"""A one-line label whose size never depends on its text.

Hints and statuses under the notes change while the agent types. A plain `Label` is
as wide as its text, so each change makes Textual lay out the whole screen again and
repaint every widget; this line is always one row by the full width, so a change
repaints the line alone, and text that did not change is not set again.
"""

from __future__ import annotations

from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine {
        width: 1fr;
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        # Statuses quote what the agent typed or the store said: never markup.
        super().__init__("", id=id, classes=classes, markup=False)
        self.text = ""

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.update(text, layout=False)
