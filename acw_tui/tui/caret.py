"""Where the real terminal cursor goes: at the caret of the field being typed in.

Screen magnifiers and braille displays follow the terminal's own cursor, not the block
Textual draws. Textual moves the terminal cursor to `App.cursor_position` after every
frame, and its TextArea and Input set that when their caret moves; but a field that
moves without its caret moving (a panel opening beside it, the window resized, a dialog
closing over it) leaves the cursor where the field used to be, and a list or button
taking focus leaves it in the field that lost it. `caret_cell` works the cell out from
what is focused now, for every frame. (Textual's `Input.cursor_screen_offset` is one
cell to the right when the caret is at the end of the text, where it nearly always is
while typing: the cell is worked out here from the text before the caret.)
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.geometry import Offset
from textual.widget import Widget
from textual.widgets import Input, TextArea


def caret_cell(focused: Widget | None) -> Offset | None:
    """The screen cell of the caret of `focused` when it is a text field, the first
    cell of any other focused part (so the reader's view goes with the focus), or None
    when nothing visible has focus."""
    if focused is None or not focused.is_mounted or not focused.region:
        return None
    if isinstance(focused, TextArea):
        return focused.cursor_screen_offset
    if isinstance(focused, Input):
        x, y, _width, _height = focused.content_region
        before = cell_len(focused.value[: focused.cursor_position].expandtabs(4))
        return Offset(x + before - focused.scroll_offset.x, y)
    x, y, _width, _height = focused.content_region
    return Offset(x, y)


def typing_in(focused: Widget | None) -> bool:
    """True when `focused` is a text field taking keys (its caret is where text goes)."""
    if isinstance(focused, TextArea):
        return not focused.read_only and focused.is_mounted and bool(focused.region)
    return isinstance(focused, Input) and focused.is_mounted and bool(focused.region)
