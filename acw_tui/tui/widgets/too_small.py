"""The notice a screen shows when the terminal is smaller than acw can be used in.

Below MIN_SIZE the notes editor or the form no longer fit (the layout keeps half the
width for the notes down to 60×20). Rather than leave the agent typing into a field off
the screen, every acw screen covers itself with this notice, naming both sizes, until
the terminal is large enough again. Nothing underneath stops: drafts are still saved,
the timer still runs, keys still reach the focused field.
"""

from __future__ import annotations

from textual.widgets import Static

from acw_tui.i18n import _

MIN_SIZE = (60, 20)  # columns, rows


class TooSmall(Static):
    DEFAULT_CSS = """
    TooSmall {
        layer: too-small;
        dock: top;
        width: 100%;
        height: 100%;
        padding: 1 2;
        content-align: center middle;
        text-align: center;
        background: $background;
        color: $text;
    }
    """

    def __init__(self) -> None:
        super().__init__("", classes="too-small", markup=False)

    def say(self, width: int, height: int) -> None:
        sizes = {
            "width": width,
            "height": height,
            "min_width": MIN_SIZE[0],
            "min_height": MIN_SIZE[1],
        }
        full = _(
            "The terminal is {width}×{height}; acw needs at least {min_width}×{min_height}. "
            "Make the window larger: what you type is kept."
        ).format(**sizes)
        # In a very small terminal the sizes must still show: the short form, no margins.
        roomy = len(full) <= (width - 4) * (height - 2) * 0.7
        self.styles.padding = (1, 2) if roomy else 0
        self.update(
            full
            if roomy
            else _("{width}×{height}: acw needs {min_width}×{min_height}").format(**sizes)
        )


def too_small(width: int, height: int) -> bool:
    return width < MIN_SIZE[0] or height < MIN_SIZE[1]
