"""Finished wrap-ups with full-text search over their notes."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input

from acw_tui.core.durations import format_duration
from acw_tui.core.model import Wrapup
from acw_tui.core.printable import cut, flat
from acw_tui.errors import AcwError
from acw_tui.i18n import N_, _, ngettext
from acw_tui.service.aside_reads import AsideReads
from acw_tui.tui.compat import size_columns_now
from acw_tui.tui.screens.base import DeskScreen
from acw_tui.tui.screens.dialogs import NoteDialog
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.keys_in_order import OrderedInput

RESULT_LIMIT = 200


def first_line(text: str, width: int = 60) -> str:
    """A note's first line for a list: a control character in it shown, not acted on."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return cut(flat(line), width)


class HistoryScreen(DeskScreen):
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("ctrl+f", "focus_search", N_("Search")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: dict[str, Wrapup] = {}
        self._searches: AsideReads | None = None  # made on mount (the desk is the app's)

    def compose(self) -> ComposeResult:
        yield Header()
        yield OrderedInput(
            placeholder=_("Search notes (words, e.g. refund card)"), id="history-search"
        )
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = _("History")
        table = self.query_one(DataTable)
        table.add_columns(_("Finished"), _("Call"), _("Queue"), _("Codes"), "ACW", _("Note"))
        self._searches = self.desk.aside_reads()
        self.search_for("")
        self.query_one(Input).focus()

    def on_unmount(self) -> None:
        if self._searches is not None:
            searches, self._searches = self._searches, None
            self.calls.close_aside(searches)

    def search_for(self, text: str) -> None:
        """Newest first, or the notes matching `text`; a store that cannot be read says
        so above an empty table instead of taking the screen down.

        The newest are shown at once (the index gives them in order); a search of the
        notes runs on the aside thread, and the screen shows what the newest search
        found, whatever order the agent's keys and the searches end in."""
        searches = self._searches
        if searches is None:
            return
        ticket = searches.ask()
        if not text.strip():
            found = self.calls.read(
                lambda: self.desk.history("", RESULT_LIMIT), what=_("History could not be read")
            )
            self._found(found)
            return

        def done(found: list[Wrapup] | None) -> None:
            if found is not None and self._searches is searches:  # else a newer one comes
                self._found(found)

        def failed(error: AcwError) -> None:
            if self._searches is searches:  # (not when the screen has gone)
                self.acw_app.show_problem(error, _("History could not be read"))
                self._found(None)

        self.calls.read_aside(
            lambda: searches.history(ticket, text, RESULT_LIMIT), done=done, failed=failed
        )

    def _found(self, found: list[Wrapup] | None) -> None:
        self.show(found or [])
        if found is None:
            self.sub_title = _("could not read the history (see the message)")

    def show(self, wrapups: list[Wrapup]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self._shown = {w.id: w for w in wrapups}
        for w in wrapups:
            finished = w.finished_at.astimezone().strftime("%m-%d %H:%M") if w.finished_at else "–"
            # Notes and call fields are the agent's and the phone system's text:
            # shown as written, never read as markup.
            table.add_row(
                *(
                    Text(cell)
                    for cell in (
                        finished,
                        w.call.external_id,
                        w.call.queue or "–",
                        ", ".join(w.codes),
                        format_duration(w.acw_seconds) + ("!" if w.timed_out else ""),
                        first_line(w.note),
                    )
                ),
                key=w.id,
            )
        size_columns_now(table)
        shown = ngettext("{count} shown", "{count} shown", len(wrapups)).format(count=len(wrapups))
        self.sub_title = shown + (" " + _("(newest first)") if wrapups else "")

    @on(Input.Changed, "#history-search")
    def search(self, event: Input.Changed) -> None:
        self.search_for(event.value)

    @on(Input.Submitted, "#history-search")
    def to_results(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected)
    def open_note(self, event: DataTable.RowSelected) -> None:
        wrapup = self._shown.get(str(event.row_key.value))
        if wrapup is not None:
            self.app.push_screen(NoteDialog(wrapup))

    def action_focus_search(self) -> None:
        self.query_one(Input).focus()
