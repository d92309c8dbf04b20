"""The agent is between calls: state, last ACW time, pending wrap-ups."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Label, Static

from acw_tui.core.model import Wrapup
from acw_tui.service.desk import format_duration
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.pending_list import PendingList

STATE_LABELS = {
    "ready": "Ready",
    "on_call": "On a call",
    "acw": "After-call work",
    "break": "On a break",
    "logged_out": "Logged out",
}


class ReadyScreen(Screen[None]):
    CSS_PATH = Path(__file__).with_suffix(".tcss")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="ready-body"):
            yield Label("", id="ready-state")
            yield Static("", id="ready-facts")
            yield Static(
                "[b]F2[/b] call ended — open a wrap-up   [b]F3[/b] pending   "
                "[b]F4[/b] history   [b]F9[/b] break   [b]ctrl+p[/b] all commands",
                id="ready-hint",
            )
            yield PendingList(id="ready-pending")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_facts()

    def on_screen_resume(self) -> None:
        self.refresh_facts()

    def refresh_facts(self, pending: list[Wrapup] | None = None) -> None:
        desk = self.app.desk  # type: ignore[attr-defined]
        pending = desk.pending() if pending is None else pending
        state = desk.current_state()
        name = state.state.value if state else "logged_out"
        label = self.query_one("#ready-state", Label)
        label.update(STATE_LABELS[name])
        for key in STATE_LABELS:
            label.set_class(key == name, f"-{key}")
        facts = [
            f"[b]Agent[/b] {desk.agent_id}   [b]Site[/b] {desk.config.site_id}",
            f"[b]Last ACW[/b] {format_duration(desk.last_acw_seconds())}",
            f"[b]Pending wrap-ups[/b] {len(pending)}",
        ]
        self.query_one("#ready-facts", Static).update("\n".join(facts))
        self.query_one(PendingList).show(pending, desk.clock.now())
