"""Small modal dialogs: a reason (extension, discard), an empty note, a read-only note."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from acw_tui.core.durations import format_duration
from acw_tui.core.model import Wrapup


class ReasonDialog(ModalScreen[str | None]):
    """Asks why; the answer is stored with what it is for (an extension, a discard)."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, example: str, action: str = "confirm") -> None:
        super().__init__()
        self.question = question
        self.example = example
        self.action = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, markup=False)
            yield Input(placeholder=f"reason (required), {self.example}", id="reason")
            yield Label(f"Enter to {self.action} · Escape to cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
        else:
            self.notify("A reason is needed.", severity="warning")


class ExtendDialog(ReasonDialog):
    """Asks why the agent needs more ACW time; the reason is stored with the extension."""

    def __init__(self, extend_seconds: int) -> None:
        super().__init__(
            f"Extend ACW by {format_duration(extend_seconds)} — why?",
            "e.g. long complaint note",
            "extend",
        )


class EmptyNoteDialog(ModalScreen[str | None]):
    """The note is empty: finish anyway, discard the wrap-up (no real call), or go back."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back to the note"),
        Binding("enter,f", "dismiss('finish')", "Finish empty"),
        Binding("d", "dismiss('discard')", "Discard"),
    ]

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"The note for call {self.call_id} is empty.", markup=False)
            yield Label(
                "Enter / f: finish it empty · d: discard (opened by mistake) · "
                "Escape: back to the note",
                classes="dialog-hint",
            )


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
            yield Label(heading, markup=False)
            yield TextArea(w.note, read_only=True, id="note-view")
            yield Label("Escape to close", classes="dialog-hint")
