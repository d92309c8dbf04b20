"""All open wrap-ups, oldest first; Enter opens one."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Label

from acw_tui.core.model import Wrapup
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.pending_list import PendingList


class PendingScreen(Screen[None]):
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Open wrap-ups, oldest first. Enter opens one.", id="pending-hint")
        yield PendingList(id="pending-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Pending wrap-ups"
        self.show_pending(self.app.desk.pending())  # type: ignore[attr-defined]
        self.query_one(PendingList).focus()

    def show_pending(self, pending: list[Wrapup]) -> None:
        self.query_one(PendingList).show(pending, self.app.desk.clock.now())  # type: ignore[attr-defined]
