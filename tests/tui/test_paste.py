"""A paste goes into the notes once, as pasted: never doubled, never expanded."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events
from textual._xterm_parser import XTermParser  # what the terminal drivers read keys with
from textual.app import App, ComposeResult
from textual.widgets import Input
from textual.widgets.text_area import Selection

from acw_tui.core.printable import without_controls
from acw_tui.core.shorthand import Entry, Guide
from acw_tui.tui import compat  # noqa: F401  (installs what keeps a paste whole)
from acw_tui.tui.compat import keep_pastes_whole
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


# -- from the terminal: a bracketed paste reaches the app whole ---------------------------

START, END = "\x1b[200~", "\x1b[201~"


def read(*chunks: str) -> list[events.Event]:
    """What the terminal driver makes of `chunks` read one after another (as the app
    sets its parser up)."""
    keep_pastes_whole()
    parser = XTermParser()
    return [event for chunk in chunks for event in parser.feed(chunk)]  # type: ignore[misc]


def seen(parsed: list[events.Event]) -> list[tuple[str, str]]:
    return [
        ("paste", event.text) if isinstance(event, events.Paste) else ("key", event.key)
        for event in parsed
        if isinstance(event, events.Paste | events.Key)
    ]


def test_a_paste_of_coloured_text_arrives_whole_in_order_without_its_colours() -> None:
    """Textual's parser ended a bracketed paste at its first ESC: the rest came as keys
    (`^[31mred…`) before the paste's beginning, and the escapes were typed as `^[`."""
    text = "A colored \x1b[31mred\x1b[0m text"
    assert seen(read(START + text + END + "x")) == [
        ("paste", "A colored red text"),
        ("key", "x"),
    ]
    title = "D start \x1b]0;TITLE\x07 end"
    assert seen(read(START + title + END)) == [("paste", "D start  end")]


def test_a_paste_read_in_pieces_is_one_paste() -> None:
    text = "one \x1b[1mtwo\x1b[0m\r\nthree \x1b]52;c;aGk=\x07four"
    whole = "x" + START + text + END + "y"
    assert seen(read(*whole)) == [
        ("key", "x"),
        ("paste", "one two\nthree four"),
        ("key", "y"),
    ]


PIECES = st.lists(
    st.sampled_from(
        [
            "ok",
            " ",
            "\n",
            "\r\n",
            "\t",
            "ż客",
            "\x1b[31m",
            "\x1b[0m",
            "\x1b[2J",
            "\x1b]0;T\x07",
            "\x1b]8;;http://x\x1b\\",
            "\x1bP1$r\x1b\\",
            "\x1b",
            "\x07",
            "\x9b",
            "[200~",
            "~",
        ]
    ),
    max_size=12,
)


@given(PIECES, st.lists(st.integers(min_value=1, max_value=40), max_size=8), st.booleans())
@settings(max_examples=300, deadline=None)
def test_any_paste_in_any_pieces_arrives_whole_in_order_as_the_app_would_clean_it(
    pieces: list[str], cuts: list[int], twice: bool
) -> None:
    """Whatever a paste holds and however the terminal's bytes are split between reads,
    the keys before and after it stay keys, and the paste is one Paste event holding its
    text with the control sequences left out."""
    text = "".join(pieces)
    stream = "a" + (START + text + END + "b") * (2 if twice else 1)
    chunks, at = [], 0
    for cut in cuts:
        chunks.append(stream[at : at + cut])
        at += cut
    chunks.append(stream[at:])
    expected = [("key", "a")] + [("paste", without_controls(text)), ("key", "b")] * (
        2 if twice else 1
    )
    assert seen(read(*[chunk for chunk in chunks if chunk])) == expected


@given(st.text(alphabet=st.sampled_from(list("ab ż客\t\n\r\x0b\x0c\x1c\x85\u2028.")), max_size=40))
@settings(max_examples=300, deadline=None)
def test_a_paste_into_a_one_line_field_keeps_every_word_in_order_on_one_line(text: str) -> None:
    from acw_tui.tui.widgets.keys_in_order import one_line

    joined = one_line(text)
    # One line, which Input inserts whole (it takes a paste's first line) ...
    assert joined == "" or joined.splitlines() == [joined]
    # ... holding every word of the paste, in order.
    assert joined.split() == text.split()
