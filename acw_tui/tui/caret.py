"""Where the real terminal cursor goes: at the caret of the field being typed in.

Screen magnifiers and braille displays follow the terminal's own cursor, not the block
Textual draws. Textual moves the terminal cursor to `App.cursor_position` after every
frame, and its TextArea and Input set that when their caret moves; but a field that
moves without its caret moving (a panel opening beside it, the window resized, a dialog
closing over it) leaves the cursor where the field used to be, and a list or button
taking focus leaves it in the field that lost it. `caret_cell` works the cell out from
what is focused now, for every frame; in a list or a table it is the start of the
highlighted row, where a magnifier should look. (Textual's `Input.cursor_screen_offset`
is one cell to the right when the caret is at the end of the text, where it nearly
always is while typing: the cell is worked out here from the text before the caret.)

`typing_in` says when the cursor itself should show: while a text field has the focus.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.geometry import Offset
from textual.widget import Widget
from textual.widgets import Input, OptionList, TextArea

from acw_tui.tui.compat import option_top_line


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
    x, y, _width, height = focused.content_region
    line = highlighted_line(focused)
    if line is not None and 0 <= line - focused.scroll_offset.y < height:
        return Offset(x, y + line - focused.scroll_offset.y)
    return Offset(x, y)


def highlighted_line(focused: Widget) -> int | None:
    """The line of a list's or a table's highlighted row, from the top of its content."""
    if isinstance(focused, OptionList) and focused.highlighted is not None:
        return option_top_line(focused, focused.highlighted)
    # Imported here, not with the module: only the history, report and follow-up
    # screens have tables, and loading DataTable is 2 ms of every start.
    from textual.widgets import DataTable

    if isinstance(focused, DataTable) and focused.row_count and focused.cursor_type != "none":
        rows = focused.ordered_rows[: focused.cursor_row]
        header = focused.header_height if focused.show_header else 0
        return header + sum(row.height for row in rows)
    return None


def typing_in(focused: Widget | None) -> bool:
    """True when `focused` is a text field taking keys (its caret is where text goes)."""
    if isinstance(focused, TextArea):
        return not focused.read_only and focused.is_mounted and bool(focused.region)
    return isinstance(focused, Input) and focused.is_mounted and bool(focused.region)
