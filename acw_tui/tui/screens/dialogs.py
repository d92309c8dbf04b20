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
from acw_tui.core.printable import shown_lines
from acw_tui.i18n import N_, _, date_time
from acw_tui.tui.screens.base import EveryScreen
from acw_tui.tui.widgets.keys_in_order import OrderedInput


class ReasonDialog(EveryScreen, ModalScreen[str | None]):
    """Asks why; the answer is stored with what it is for (an extension, a discard)."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    # Where each dialog sits is in its own DEFAULT_CSS: a rule naming the dialog classes
    # in dialogs.tcss did not take effect (F8's dialog sat top left, over the timer).
    DEFAULT_CSS = """
    ReasonDialog {
        align: center middle;
    }
    ReasonDialog.-under-timer {
        align: center bottom;
    }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, question: str, example: str, hint: str = "", classes: str = "") -> None:
        """`hint`: the keys line under the field (default: Enter confirms)."""
        super().__init__(classes=classes)
        self.question = question
        self.example = example
        self.hint = hint or _("Enter to confirm · Escape to cancel")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, markup=False)
            yield OrderedInput(
                placeholder=_("reason (required), {example}").format(example=self.example),
                id="reason",
            )
            yield Label(self.hint, classes="dialog-hint", markup=False)

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
        else:
            self.notify(_("A reason is needed."), severity="warning")


class ExtendDialog(ReasonDialog):
    """Asks why the agent needs more ACW time; the reason is stored with the extension."""

    def __init__(self, extend_seconds: int) -> None:
        super().__init__(
            _("Extend ACW by {time} — why?").format(time=format_duration(extend_seconds)),
            _("e.g. long complaint note"),
            _("Enter to extend · Escape to cancel"),
            # Asked while the ACW time runs: it sits low, under the timer strip, so the
            # agent sees how much time has gone while saying why more is needed.
            classes="-under-timer",
        )


class EmptyNoteDialog(EveryScreen, ModalScreen[str | None]):
    """The note is empty: finish anyway, discard the wrap-up (no real call), or go back."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    DEFAULT_CSS = """
    EmptyNoteDialog {
        align: center middle;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Back to the note")),
        Binding("enter,f", "dismiss('finish')", N_("Finish empty")),
        Binding("d", "dismiss('discard')", N_("Discard")),
    ]

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                _("The note for call {call} is empty.").format(call=self.call_id), markup=False
            )
            yield Label(
                _(
                    "Enter / f: finish it empty · d: discard (opened by mistake) · "
                    "Escape: back to the note"
                ),
                classes="dialog-hint",
                markup=False,
            )


class NoteDialog(EveryScreen, ModalScreen[None]):
    """A finished wrap-up, read-only."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    DEFAULT_CSS = """
    NoteDialog {
        align: center middle;
    }
    """

    BINDINGS = [Binding("escape", "dismiss", N_("Close")), Binding("q", "dismiss", N_("Close"))]

    def __init__(self, wrapup: Wrapup) -> None:
        super().__init__()
        self.wrapup = wrapup

    def compose(self) -> ComposeResult:
        w = self.wrapup
        finished = date_time(w.finished_at) if w.finished_at else "–"
        heading = (
            _("Call {call}").format(call=w.call.external_id)
            + f" · {w.call.queue or '–'} · {w.call.customer_ref or '–'} · "
            + _("finished {time}").format(time=finished)
            + f" · ACW {format_duration(w.acw_seconds)}"
            + (" " + _("(timed out)") if w.timed_out else "")
            + (f" · {', '.join(w.codes)}" if w.codes else "")
        )
        with Vertical(classes="dialog note-dialog"):
            yield Label(heading, markup=False)
            # As stored; a control character (pasted before a paste left them out)
            # is shown escaped: Textual would write it to the terminal as it is.
            yield TextArea(shown_lines(w.note), read_only=True, id="note-view")
            yield Label(_("Escape to close"), classes="dialog-hint")
