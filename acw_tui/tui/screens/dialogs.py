"""Small modal dialogs: the reason for an extension, a read-only note."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from acw_tui.core.model import Wrapup
from acw_tui.service.desk import format_duration


class ExtendDialog(ModalScreen[str | None]):
    """Asks why the agent needs more ACW time; the reason is stored with the extension."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, extend_seconds: int) -> None:
        super().__init__()
        self.extend_seconds = extend_seconds

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Extend ACW by {format_duration(self.extend_seconds)} — why?")
            yield Input(placeholder="reason (required), e.g. long complaint note", id="reason")
            yield Label("Enter to extend · Escape to cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
        else:
            self.notify("An extension needs a reason.", severity="warning")


class NoteDialog(ModalScreen[None]):
    """A finished wrap-up, read-only."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")

    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("q", "dismiss", "Close")]

    def __init__(self, wrapup: Wrapup) -> None:
        super().__init__()
        self.wrapup = wrapup

    def compose(self) -> ComposeResult:
        w = self.wrapup
        finished = w.finished_at.astimezone().strftime("%Y-%m-%d %H:%M") if w.finished_at else "–"
        heading = (
            f"Call {w.call.external_id} · {w.call.queue or '–'} · {w.call.customer_ref or '–'} · "
            f"finished {finished} · ACW {format_duration(w.acw_seconds)}"
            + (" (timed out)" if w.timed_out else "")
            + (f" · {', '.join(w.codes)}" if w.codes else "")
        )
        with Vertical(classes="dialog note-dialog"):
            yield Label(heading)
            yield TextArea(w.note, read_only=True, id="note-view")
            yield Label("Escape to close", classes="dialog-hint")
