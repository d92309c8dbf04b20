"""The one place acw touches Textual's private API.

Each function says what acw needs in its own words and does it with the underscored
name Textual has for it today. `tests/tui/test_compat.py` checks every name used here
against the installed Textual and fails by name when an upgrade changed one; a test
also keeps the rest of `acw_tui` from reaching past this module.

Used by the notes editor (an expansion recorded as one undoable edit, the cursor
blink), the live redaction marks (drawn as TextArea highlights) and the template
form's Select (mounted while the screen may be closing), and by the app: an exception
in a handler would end that widget's message loop for good (`guard_dispatch` turns it
into a call to the app's `unexpected_error`, and the loop goes on), and what escapes
timers, workers and start-up goes to `App._handle_exception` (`LastResort` routes it
to the same place instead of exiting at once); a bracketed paste reaches the app
whole, in order with the keys around it (`keep_pastes_whole`); a
Resize that repeats the app's size is dropped before Textual lays every screen out
again (`repeats_the_size`). A table filled
by a screen sizes its columns at once (`size_columns_now`). The keys panel
(F1) draws its table with Textual's `BindingsTable`, and the command palette's "no
matches" line is translated by `TranslatedPalette`.
"""

from __future__ import annotations

from asyncio import CancelledError
from collections.abc import Generator
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from rich.align import Align
from rich.text import Text
from textual import events
from textual._parser import ParseEOF, ParseError
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.app import App
from textual.binding import BindingsMap
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget
from textual.widgets import OptionList, Select, TextArea
from textual.widgets._key_panel import BindingsTable
from textual.widgets.option_list import Option
from textual.widgets.text_area import Edit, EditResult, Location, Selection, TextAreaTheme

from acw_tui.core.printable import without_controls

if TYPE_CHECKING:  # DataTable is imported where a table is shown, not at every start
    from textual.widgets import DataTable

__all__ = ["BindingsTable"]  # the keys panel's table (not exported by textual.widgets)

# A TextArea highlight: start byte, end byte (None: to the end of the line), style name.
Highlight = tuple[int, int | None, str]

# The children Select composes for itself (by CSS type name) and queries when mounted.
SELECT_PARTS = ("SelectCurrent", "SelectOverlay")


# -- the terminal ----------------------------------------------------------------------------


def show_terminal_cursor(app: App[Any], visible: bool) -> None:
    """Show or hide the terminal's own cursor (Textual's driver hides it when the app
    starts and has no public switch). Written through the driver, so it keeps its place
    between two frames."""
    driver = app._driver
    if driver is not None and not app.is_headless:
        driver.write("\x1b[?25h" if visible else "\x1b[?25l")


def repeats_the_size(app: App[Any], event: events.Resize) -> bool:
    """Whether `event` reports the size the app already has.

    Textual keeps such a Resize and hands it to every screen when next idle, and each
    lays itself out again and repaints in full although nothing moved. The terminal
    driver reports the size once more right after start, when the ACW screen is already
    up: on every start that was a second layout (about 12 ms) and a full repaint before
    the agent's first key. A size seen for the first time (`_size` still unset) always
    counts as new.
    """
    return app._size is not None and app._size == event.size


# -- the terminal: a paste arrives whole -----------------------------------------------------

_original_parse = XTermParser.parse


def _whole_pastes(self: XTermParser, token_callback: Any) -> Generator[Any, str, None]:
    """XTermParser's own parse, except that the text of a bracketed paste is read here,
    up to its end marker, and handed to it with the control sequences left out."""
    inner = _original_parse(self, token_callback)
    awaiting = next(inner)
    recent = ""  # the last characters read outside a paste, to see one start
    while True:
        try:
            char = yield awaiting
        except ParseError as error:  # a timeout (a lone ESC is the Escape key), or the end
            try:
                awaiting = inner.throw(error)
            except StopIteration:
                return
            continue
        try:
            awaiting = inner.send(char)
        except StopIteration:
            return
        recent = recent[-5:] + char
        if recent != BRACKETED_PASTE_START:
            continue
        recent = ""  # Textual's parser is in its paste now: the text is read here
        pasted: list[str] = []
        while not (char == "~" and "".join(pasted[-6:]) == BRACKETED_PASTE_END):
            try:
                char = yield self.read1()  # no timeout: a paste ends with its marker
            except ParseEOF as error:
                with suppress(StopIteration):  # Textual's parser ends there too
                    inner.throw(error)
                return
            except ParseError:
                continue
            pasted.append(char)
        try:
            for char in without_controls("".join(pasted[:-6])) + BRACKETED_PASTE_END:
                awaiting = inner.send(char)
        except StopIteration:
            return


def keep_pastes_whole() -> None:
    """Make the terminal drivers' key parser hand a bracketed paste over whole.

    Textual's `XTermParser` ends a paste at the first ESC inside it: the rest of the
    paste came as key presses (the escapes typed as `^`, the words after them typed
    before the paste's beginning, which came last as the Paste). With this, the paste's
    text is read up to its end marker, its escape sequences and other control characters
    are left out (`without_controls`: the colours of coloured text go, its words stay)
    and it arrives as one Paste event, in order with the keys around it. Keys outside a
    paste go through Textual's parser as before, one character at a time.

    Installed by the app as it is made (before its driver makes its parser).
    """
    if XTermParser.parse is not _whole_pastes:
        XTermParser.parse = _whole_pastes  # type: ignore[method-assign]


def size_columns_now(table: DataTable[Any]) -> None:
    """Size `table`'s columns to the rows just added, now instead of when it is next idle.

    DataTable keeps each cell it has drawn by the cell's contents and not by its width,
    and widens its columns only when idle. A frame drawn in between (on a loaded
    machine) kept every new cell cut to the width its column had before: the report's
    `2:28` drawn as `2:2`, a longer note in the history cut at the last one's width. Called
    right after the rows go in, before any frame can be drawn, it leaves nothing between.
    """
    if table._require_update_dimensions:
        table._require_update_dimensions = False
        new_rows = table._new_rows.copy()
        table._new_rows.clear()
        table._update_dimensions(new_rows)


def option_top_line(option_list: OptionList, index: int) -> int | None:
    """The line, counted from the top of the whole list, where option `index` starts
    (options may wrap over several lines; None when it is not laid out)."""
    return option_list._index_to_line.get(index)


# -- bindings ---------------------------------------------------------------------------------


def class_bindings(widget_class: type[Widget]) -> BindingsMap:
    """The bindings a widget class has, its bases' merged in as Textual merges them
    (a class made with `inherit_bindings=False` keeps its own only)."""
    return widget_class._merge_bindings()


# -- TextArea: typing ---------------------------------------------------------------------


def restart_cursor_blink(text_area: TextArea) -> None:
    """Show the cursor and start its blink again, as TextArea does for a key it takes."""
    text_area._restart_blink()


def record_edit_as_typed(edit: Edit, selection_before: Selection, replaced_text: str) -> None:
    """Make undoing `edit` put back `replaced_text` with the cursor at `selection_before`.

    Call after `TextArea.edit(edit)`. The notes editor replaces a token and its
    delimiter in one edit, and undo must give back the token as typed.
    """
    edit._original_selection = selection_before
    if edit._edit_result is not None:
        edit._edit_result.replaced_text = replaced_text


def record_as_typed(text_area: TextArea, text: str, at: Location, end: Location) -> None:
    """Put `text`, typed at `at` and ending at `end`, in `text_area`'s undo history as
    TextArea records a key it types (batched with the keys typed before it), without
    changing the document: the edit that follows puts the text in.

    The notes editor records a delimiter that expands a token this way, before the
    expansion's own step: after ctrl+z gave back `cx `, a second ctrl+z takes the
    delimiter with the typing before it, and ctrl+y puts it back with the cursor after it.
    """
    typed = Edit(text, at, at, maintain_selection_offset=False)
    typed._original_selection = Selection.cursor(at)
    typed._edit_result = EditResult(end_location=end, replaced_text="")
    text_area.history.record(typed)


# -- TextArea: extra highlights --------------------------------------------------------------


def highlights(text_area: TextArea) -> dict[int, list[Highlight]]:
    """The TextArea's highlights by line (rebuilt by TextArea on every edit)."""
    return text_area._highlights


def forget_drawn_lines(text_area: TextArea) -> None:
    """Drop the lines TextArea keeps drawn, so changed highlights show at the next paint."""
    text_area._line_cache.clear()


def theme_in_use(text_area: TextArea) -> TextAreaTheme | None:
    """The TextArea's own copy of its theme (its `syntax_styles` name highlight styles)."""
    return text_area._theme


# -- Select ------------------------------------------------------------------------------------


def select_parts_missing(select: Select[object]) -> bool:
    """Whether the parts Select looks up when it is mounted are already gone.

    That happens when the app quits while a form is being built: Select's own mount
    handler would then raise `NoMatches` on the way out.
    """
    try:
        return any(not select.query(part) for part in SELECT_PARTS)
    except NoMatches:
        return True


# -- the app: exceptions that would end a message loop or the app -------------------------
_original_dispatch = MessagePump._dispatch_message


async def _guarded_dispatch(self: MessagePump, message: Message) -> None:
    try:
        await _original_dispatch(self, message)
    except CancelledError:
        raise
    except Exception as error:
        try:
            handler = getattr(self.app, "unexpected_error", None)
        except Exception:
            handler = None
        if handler is None:
            raise
        handler(error)


def guard_dispatch() -> None:
    """Install the guard (once; apps without `unexpected_error` are not affected)."""
    if MessagePump._dispatch_message is not _guarded_dispatch:
        MessagePump._dispatch_message = _guarded_dispatch  # type: ignore[method-assign]


class LastResort(App[Any]):
    """An app whose unhandled exceptions go to `unexpected_error` (which decides whether
    the app can go on) rather than straight to Textual's exit with a traceback."""

    def unexpected_error(self, error: BaseException) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _handle_exception(self, error: Exception) -> None:
        self.unexpected_error(error)


# -- the command palette --------------------------------------------------------------------


class TranslatedPalette(CommandPalette):
    """Textual's command palette, whose line for a search with no result is `no_matches`
    (Textual writes "No matches found" in the middle of its countdown function)."""

    def __init__(self, *args: Any, no_matches: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.no_matches = no_matches

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            # As Textual's own: only a search that found nothing says so.
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self.no_matches, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
