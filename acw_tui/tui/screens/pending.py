"""All open wrap-ups, oldest first; Enter opens one."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Label

from acw_tui.i18n import N_, _
from acw_tui.tui.messages import PendingChanged
from acw_tui.tui.screens.base import DeskScreen
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.pending_list import PendingList


class PendingScreen(DeskScreen):
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"))]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("Open wrap-ups, oldest first. Enter opens one."), id="pending-hint")
        yield PendingList(id="pending-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = _("Pending wrap-ups")
        pending = self.calls.read(self.desk.pending, what=_("reading pending wrap-ups")) or []
        self.query_one(PendingList).show(pending, self.desk.clock.now)
        self.query_one(PendingList).focus()

    @on(PendingChanged)
    def show_pending(self, event: PendingChanged) -> None:
        self.query_one(PendingList).show(event.pending, self.desk.clock.now)
