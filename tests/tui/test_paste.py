"""A paste goes into the notes once, as pasted: never doubled, never expanded."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input
from textual.widgets.text_area import Selection

from acw_tui.core.shorthand import Entry, Guide
from acw_tui.tui.widgets.notes_editor import NotesEditor

GUIDE = Guide.of([Entry("cx", "customer"), Entry("cb", "callback")])


class PasteApp(App[None]):
    def compose(self) -> ComposeResult:
        yield NotesEditor(id="notes", guide=GUIDE)
        yield Input(id="other")

    def on_mount(self) -> None:
        self.query_one(NotesEditor).focus()


def paste(app: App[None], text: str) -> None:
    """What the terminal driver does with a bracketed paste: one Paste event to the app."""
    app.post_message(events.Paste(text))


async def test_a_paste_is_inserted_once() -> None:
    app = PasteApp()
    async with app.run_test() as pilot:
        notes = app.query_one(NotesEditor)
        paste(app, "ZZZ")
        await pilot.pause()
        assert notes.text == "ZZZ"
        await pilot.press("space")
        paste(app, "cx cb ")  # pasted shorthand stays as pasted
        await pilot.pause()
        assert notes.text == "ZZZ cx cb "
        assert notes.cursor_location == (0, len("ZZZ cx cb "))
        await pilot.press("ctrl+z")
        assert notes.text == "ZZZ "


async def test_a_paste_replaces_the_selection_once() -> None:
    app = PasteApp()
    async with app.run_test() as pilot:
        notes = app.query_one(NotesEditor)
        notes.load_text("keep REPLACE keep")
        notes.selection = Selection((0, 5), (0, 12))
        paste(app, "new")
        await pilot.pause()
        assert notes.text == "keep new keep"


async def test_a_100_kb_paste_is_100_kb() -> None:
    app = PasteApp()
    async with app.run_test() as pilot:
        notes = app.query_one(NotesEditor)
        line = "0123456789 cx abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ cb.\n"
        big = (line * (100_000 // len(line) + 1))[:100_000]
        paste(app, big)
        await pilot.pause()
        assert len(notes.text) == 100_000
        assert notes.text == big


async def test_a_click_then_backspace_is_an_ordinary_backspace() -> None:
    app = PasteApp()
    async with app.run_test() as pilot:
        notes = app.query_one(NotesEditor)
        await pilot.press("c", "x", "space")
        assert notes.text == "customer "
        await pilot.click(NotesEditor, offset=(30, 1))  # past the end: the cursor stays put
        await pilot.press("backspace")
        assert notes.text == "customer"  # not "cx ": the click forgot the expansion


PASTED = "Transcript:\x1b]2;PWNED\x07 agent\x1b[31m said\x1b[0m hi\r\nbye\x9b\x1b]52;c;aGk=\x07."


async def test_a_paste_leaves_out_what_would_act_on_the_terminal(make_app, hook) -> None:
    """Copied from a terminal or a web page, a paste can hold escape sequences: shown,
    they would retitle, clear or write the clipboard of the agent's terminal (and of
    whoever prints the note later); they are invisible, so left out whole."""
    from acw_tui.tui.screens.history import HistoryScreen
    from tests.tui.conftest import acw_open, wait_for

    hook.call_ended("PASTE-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "PASTE-1"))
        notes = app.screen.query_one(NotesEditor)
        paste(app, PASTED)
        await pilot.pause()
        assert notes.text == "Transcript: agent said hi\nbye."
        await pilot.press("escape")  # later: back to ready, the wrap-up stays pending
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        search = app.screen.query_one("#history-search", Input)
        search.focus()
        paste(app, "refund\x1b[2J")
        await pilot.pause()
        assert search.value == "refund"


async def test_a_stored_note_with_an_escape_sequence_is_shown_not_acted_on(make_app, hook) -> None:
    """A note stored with escape sequences in it (pasted before a paste left them out):
    the history's list and the note's dialog show them escaped."""
    from textual.widgets import DataTable, TextArea

    from acw_tui.service.requests import FinishRequest
    from acw_tui.tui.screens.dialogs import NoteDialog
    from acw_tui.tui.screens.history import HistoryScreen
    from tests.tui.conftest import wait_for

    hook.finish(hook.call_ended("OLD-1"), FinishRequest(note="refund"))
    hook.store.db.execute("UPDATE wrapups SET note = ?", ("refund \x1b]2;PWNED\x07 ok\nnext",))
    hook.store.db.commit()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        shown = str(table.get_row_at(0)[-1])
        assert shown == "refund \\x1b]2;PWNED\\x07 ok"
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        assert app.screen.query_one(TextArea).text == "refund \\x1b]2;PWNED\\x07 ok\nnext"
