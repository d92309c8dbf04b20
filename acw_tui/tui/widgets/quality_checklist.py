"""Beside the note preview: what the note-quality rules find in the note, live.

Each applicable rule shows as one line — its element, present or missing, with the
rule's message when missing; critical items say so in words (state is never shown by
colour alone). The screen hands over the note after a pause in typing (the preview's
pause), and the rules run on a worker thread, the newest request replacing any older
one, so a 100 KB note never holds up a keystroke.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.widgets import Static

from acw_tui.core.quality import NoteInput, NoteQuality, QualityChecker
from acw_tui.i18n import _


@dataclass
class QualityChecked(Message):
    """The quality rules' verdict on one note handed over; `generation` says which."""

    result: NoteQuality
    generation: int


def checklist_text(result: NoteQuality) -> str:
    """The checklist as plain lines (also what tests read)."""
    if not result.verdicts:
        return _("No quality rule applies yet.")
    lines = []
    for verdict in result.verdicts:
        mark = "✓" if verdict.passed else "✗"
        critical = " " + _("(critical)") if verdict.critical and not verdict.passed else ""
        lines.append(f"{mark} {verdict.label}{critical}")
        if not verdict.passed and verdict.message:
            lines.append(f"  → {verdict.message}")
    score = "–" if result.score is None else f"{result.score:g}"
    lines.append(_("Score {score}/100").format(score=score))
    return "\n".join(lines)


class QualityChecklist(Static):
    DEFAULT_CSS = """
    QualityChecklist {
        width: 26;
        height: 1fr;
        border: round $primary 50%;
        padding: 0 1;
        overflow-y: auto;
    }
    QualityChecklist.-critical {
        border: round $error;
    }
    """

    def __init__(self, checker: QualityChecker, problem: str | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__("", markup=False, **kwargs)
        self.checker = checker
        self.problem = problem
        self.result: NoteQuality | None = None
        self._generation = 0  # of the newest note handed over
        self._shown = 0  # of the note whose result is shown

    def on_mount(self) -> None:
        self.border_title = _("Checklist")
        if self.problem:
            self.update(_("Some rules are left out: {problem}").format(problem=self.problem))
        elif self.checker.rules.empty:
            self.update(_("No quality rules in force."))

    @property
    def settled(self) -> bool:
        """Shows the result for the newest note handed over (tests wait on it)."""
        return self._shown == self._generation

    def note_changed(self, note_input: Callable[[], NoteInput]) -> None:
        """Check the note as it is now, off the screen's thread."""
        if self.checker.rules.empty:
            return
        self._generation += 1
        self._check(note_input(), self._generation)

    @work(thread=True, exclusive=True, group="quality", exit_on_error=False)
    def _check(self, note_input: NoteInput, generation: int) -> None:
        try:
            result = self.checker.check(note_input)
        except Exception:  # a bug in a rule must not take the screen down
            return
        self.post_message(QualityChecked(result, generation))

    @on(QualityChecked)
    def checked(self, event: QualityChecked) -> None:
        if event.generation != self._generation:
            return  # an older note's result arriving late
        self.result = event.result
        self._shown = event.generation
        left_out = (
            _("Some rules are left out: {problem}").format(problem=self.problem) + "\n"
            if self.problem
            else ""
        )
        self.update(left_out + checklist_text(event.result))
        self.set_class(event.result.critical_failed, "-critical")
