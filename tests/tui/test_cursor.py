"""The real terminal cursor sits where text is typed (magnifiers and braille displays
follow it): at the caret of the notes editor or of a dialog's field, after typing,
moving, a resize and a dialog closing; with a list or a table focused, at the start of
its highlighted row.

The caret's cell is found on the screen as drawn (the typed text's row and column),
not from the widget that is being checked.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, TextArea

from acw_tui.tui.app import AcwApp
from acw_tui.tui.caret import caret_cell
from tests.tui.conftest import acw_open, type_text, wait_for


def drawn_lines(app: AcwApp) -> list[str]:
    """The screen's rows as the terminal would show them, one string per row, with wide
    characters followed by the empty cell they cover (so an index is a column)."""
    rows = []
    for strip in app.screen._compositor.render_strips():
        cells = []
        for segment in strip:
            for char in segment.text:
                cells.append(char)
                cells.extend("" for _ in range(cell_len(char) - 1))
        rows.append(cells)
    return ["".join(c or "\0" for c in row) for row in rows]


def cell_after(app: AcwApp, typed: str, caret_in_text: int, field: str = "#notes") -> Offset:
    """The cell of the caret `caret_in_text` characters into `typed`, where `typed` is
    drawn (once) within the rows of `field` (the preview below the notes repeats it)."""
    region = app.screen.query_one(field).region
    lines = drawn_lines(app)
    wide = "".join(c + "\0" * (cell_len(c) - 1) for c in typed)
    found = [
        (y, lines[y].index(wide))
        for y in range(region.y, region.bottom)
        if wide in lines[y][region.x : region.right]
    ]
    assert len(found) == 1, (typed, found, "\n".join(lines))
    y, x = found[0]
    return Offset(x + cell_len(typed[:caret_in_text]), y)


async def notes_open(pilot: Pilot, app: AcwApp) -> None:
    await wait_for(pilot, acw_open(app, "PBX-7"))
    await wait_for(pilot, lambda: bool(app.screen.query("#note-preview")))
    await pilot.pause()


async def test_the_cursor_follows_the_caret_while_typing_and_moving(make_app, hook) -> None:
    app = make_app()
    hook.call_ended("PBX-7", queue="billing")
    async with app.run_test(size=(100, 30)) as pilot:
        await notes_open(pilot, app)
        await type_text(pilot, "refund sent")
        await pilot.pause()
        assert app.cursor_position == cell_after(app, "refund sent", 11)
        await pilot.press("left", "left", "left")
        await pilot.pause()
        assert app.cursor_position == cell_after(app, "refund sent", 8)
        await pilot.press("home")
        await pilot.pause()
        assert app.cursor_position == cell_after(app, "refund sent", 0)


async def test_double_width_text_moves_the_cursor_two_cells(make_app, hook) -> None:
    app = make_app()
    hook.call_ended("PBX-7", queue="billing")
    async with app.run_test(size=(100, 30)) as pilot:
        await notes_open(pilot, app)
        await pilot.press(*"已退款")
        await pilot.pause()
        here = cell_after(app, "已退款", 3)
        assert app.cursor_position == here
        await pilot.press("left")
        await pilot.pause()
        assert app.cursor_position == here - Offset(2, 0)


async def test_the_cursor_follows_the_field_when_the_screen_is_resized(make_app, hook) -> None:
    app = make_app()
    hook.call_ended("PBX-7", queue="billing")
    async with app.run_test(size=(80, 24)) as pilot:
        await notes_open(pilot, app)
        await type_text(pilot, "callback at 5")
        await pilot.pause()
        before = app.cursor_position
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        after = cell_after(app, "callback at 5", 13)
        assert after != before  # the editor did move
        assert app.cursor_position == after


async def test_a_dialog_field_has_the_cursor_and_gives_it_back(make_app, hook) -> None:
    app = make_app("timeout_seconds = 600")
    hook.call_ended("PBX-7", queue="billing")
    async with app.run_test(size=(100, 30)) as pilot:
        await notes_open(pilot, app)
        await type_text(pilot, "card blocked")
        await pilot.pause()
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await type_text(pilot, "long call")
        await pilot.pause()
        assert app.cursor_position == cell_after(app, "long call", 9, "#reason")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        await pilot.pause()
        assert app.cursor_position == cell_after(app, "card blocked", 12)


async def test_a_focused_part_that_is_not_a_field_has_the_cursor(make_app, hook) -> None:
    app = make_app()
    hook.call_ended("PBX-7", queue="billing")
    async with app.run_test(size=(100, 30)) as pilot:
        await notes_open(pilot, app)
        await type_text(pilot, "ok")
        await pilot.pause()
        in_notes = app.cursor_position
        await pilot.press("f10")  # the codes: the filter field
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.pause()
        codes_filter = app.focused
        assert isinstance(codes_filter, Input)
        assert app.cursor_position == codes_filter.content_region.offset  # empty: its start
        assert app.cursor_position != in_notes
        await type_text(pilot, "callb")
        await pilot.pause()
        assert app.cursor_position == cell_after(app, "callb", 5, "#code-filter")
        await pilot.press("tab")  # on to the next part: not a text field
        await wait_for(pilot, lambda: not isinstance(app.focused, Input | TextArea))
        await pilot.pause()
        codes = app.focused
        assert codes is not None
        assert app.cursor_position == codes.content_region.offset


def row_of(app: AcwApp, text: str, widget: Widget) -> int:
    """The screen row within `widget` where `text` is drawn (first)."""
    region = widget.region
    lines = drawn_lines(app)
    for y in range(region.y, region.bottom):
        if text in lines[y][region.x : region.right]:
            return y
    raise AssertionError(f"{text!r} not drawn in {widget!r}:\n" + "\n".join(lines))


async def test_in_the_codes_list_the_cursor_is_on_the_highlighted_code(make_app, hook) -> None:
    app = make_app()
    hook.call_ended("PBX-7", queue="billing")
    async with app.run_test(size=(100, 30)) as pilot:
        await notes_open(pilot, app)
        await pilot.press("f10", "tab")  # the filter, then the list of codes
        await wait_for(pilot, lambda: isinstance(app.focused, OptionList))
        codes = app.focused
        assert isinstance(codes, OptionList)
        for _ in range(3):
            await pilot.press("down")
            await pilot.pause()
            assert codes.highlighted is not None
            option = codes.get_option_at_index(codes.highlighted)
            label = str(option.prompt).split("  ")[0]
            wanted = Offset(codes.content_region.x, row_of(app, label, codes))
            assert app.cursor_position == wanted


class TableHost(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("call", "code")
        table.add_rows([(f"PBX-{n}", "refund") for n in range(40)])
        table.focus()

    @property  # type: ignore[override]
    def cursor_position(self) -> Offset:
        return caret_cell(self.focused) or Offset(0, 0)

    @cursor_position.setter
    def cursor_position(self, offset: Offset) -> None:
        pass


async def test_in_a_table_the_cursor_is_on_the_highlighted_row_even_scrolled() -> None:
    app = TableHost()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(DataTable)
        for presses, row in ((2, "PBX-2"), (20, "PBX-22")):  # the second scrolls the table
            await pilot.press(*["down"] * presses)
            await pilot.pause()
            wanted = Offset(table.content_region.x, row_of(app, row + " ", table))
            assert app.cursor_position == wanted
        assert table.scroll_offset.y > 0
