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
