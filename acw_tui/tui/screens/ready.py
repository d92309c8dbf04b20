"""The agent is between calls: state, last ACW time, pending wrap-ups."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Header, Label, Static

from acw_tui.core.durations import format_duration
from acw_tui.core.model import ListenerStatus
from acw_tui.errors import AcwError
from acw_tui.i18n import N_, _, clock_time, ngettext
from acw_tui.service.desk import ReadyFacts
from acw_tui.tui.messages import AgentStateChanged, PendingChanged
from acw_tui.tui.screens.base import DeskScreen
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.listener_state import listener_state_line
from acw_tui.tui.widgets.pending_list import PendingList

LISTENER_REFRESH_SECONDS = 15.0
STATE_LABELS = {
    "ready": N_("Ready"),
    "on_call": N_("On a call"),
    "acw": N_("After-call work"),
    "break": N_("On a break"),
    "logged_out": N_("Logged out"),
}


def facts_text(facts: ReadyFacts) -> Text:
    text = Text()
    for label, value, end in (
        (_("Agent"), facts.agent_id, "   "),
        (_("Site"), facts.site_id, "\n"),
        (_("Last ACW"), format_duration(facts.last_acw_seconds), "\n"),
        (_("Pending wrap-ups"), str(len(facts.pending)), ""),
    ):
        text.append(label + " ", style="bold")
        text.append(value + end)
    return text


class ReadyScreen(DeskScreen):
    CSS_PATH = Path(__file__).with_suffix(".tcss")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="ready-body"):
            yield Label("", id="ready-state")
            yield Static("", id="ready-facts")
            yield Static("", id="ready-listener", markup=False)
            yield Static(
                _(
                    "[b]F2[/b] call ended — open a wrap-up   [b]F3[/b] pending   "
                    "[b]F4[/b] history   [b]F9[/b] break   [b]ctrl+p[/b] all commands"
                ),
                id="ready-hint",
            )
            yield PendingList(id="ready-pending")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        # A listener that stopped writes nothing: look again now and then to say so.
        self.set_interval(LISTENER_REFRESH_SECONDS, self.refresh_listener)

    def on_screen_resume(self) -> None:
        self.reload()

    @on(PendingChanged)
    @on(AgentStateChanged)
    def reload(self) -> None:
        facts = self.calls.read(self.desk.ready_facts, what=_("reading the agent's state"))
        if facts is not None:
            self.show(facts)
        self.refresh_listener()

    def refresh_listener(self) -> None:
        """Shown once `acw listen` has run on this store: whether calls arrive by
        themselves. Quiet when the store cannot say: the facts above already tell."""
        try:
            status = self.desk.listener_status()
        except AcwError:
            return
        self.show_listener(status)

    def show_listener(self, status: ListenerStatus | None) -> None:
        line = self.query_one("#ready-listener", Static)
        line.display = status is not None
        if status is not None:
            state = listener_state_line(status, self.desk.clock.now())
            text = _("Phone system {state}").format(state=state)
            if status.last_event_at is not None:
                moment = clock_time(status.last_event_at)
                text += " · " + _("last event {time}").format(time=moment)
            if status.errors:
                count = status.errors
                text += " · " + ngettext("{count} error(s)", "{count} error(s)", count).format(
                    count=count
                )
            line.update(text)

    def show(self, facts: ReadyFacts) -> None:
        name = facts.state.value
        label = self.query_one("#ready-state", Label)
        label.update(_(STATE_LABELS[name]))
        # One batch: each separate class change would re-apply styles on its own.
        label.update_classes({f"-{key}": key == name for key in STATE_LABELS})
        self.query_one("#ready-facts", Static).update(facts_text(facts))
        self.query_one(PendingList).show(facts.pending, self.desk.clock.now)
