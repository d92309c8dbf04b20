"""A live preview of the note as it will be stored: the rendered template and notes.

The text sits in a read-only TextArea of fixed size, so a new preview repaints only
itself; the rest of the screen is not laid out again while the agent types.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Label, TextArea

from acw_tui.errors import Phrase
from acw_tui.i18n import _, say

if TYPE_CHECKING:
    from acw_tui.core.templates import RenderedNote


class PreviewText(TextArea):
    can_focus = False

    def load_text(self, text: str) -> None:
        super().load_text(text)
        # TextArea repaints after `load_text` only when its size or cursor moved: a
        # field corrected in place (`12abc` → `12ab`) would stay on the screen.
        self.refresh()


class NotePreview(Vertical):
    DEFAULT_CSS = """
    NotePreview {
        height: 1fr;
        border: round $primary 50%;
        padding: 0 1;
    }
    NotePreview.-broken {
        border: round $error;
    }
    #preview-text {
        height: 1fr;
        background: transparent;
    }
    #preview-error {
        color: $error;
        width: 100%;
        height: auto;
        margin-bottom: 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="preview-error", markup=False)
        yield PreviewText(
            "", id="preview-text", read_only=True, soft_wrap=True, show_cursor=False, compact=True
        )

    def on_mount(self) -> None:
        self.border_title = _("Preview of the stored note")
        self.query_one("#preview-error", Label).display = False

    def show(self, rendered: RenderedNote) -> None:
        """Show `rendered`; dropped when the preview is not (or no longer) on a screen.

        The screen renders after a pause in typing, from a timer that can fire after
        the wrap-up was finished or left.
        """
        if not self.is_attached:
            return
        try:
            error = self.query_one("#preview-error", Label)
            text = self.query_one(PreviewText)
        except NoMatches:  # not composed yet, or being removed
            return
        message = ""
        if rendered.error:
            # The file name is enough on the agent's screen; lint gives the full path.
            where, _sep, detail = rendered.error.partition(": ")
            problem = getattr(rendered.error, "params", {}).get("problem")
            if isinstance(problem, Phrase):  # shown in the agent's language
                detail = say(problem.template, problem.params)
            message = _(
                "Template problem in {file}: {detail} — a plain note "
                "(fields and notes) will be stored instead."
            ).format(file=Path(where).name, detail=detail)
        if str(error.content) != message:
            error.update(message)
            error.display = bool(message)
            self.set_class(bool(message), "-broken")
        if text.text != rendered.text:
            text.load_text(rendered.text)

    @property
    def text(self) -> str:
        """The text shown ("" before it is composed or after it was removed)."""
        found = self.query(PreviewText)
        return found.first().text if found else ""
