"""A live preview of the note as it will be stored: the rendered template and notes."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from acw_tui.core.templates import RenderedNote


class NotePreview(VerticalScroll):
    can_focus = False

    def compose(self) -> ComposeResult:
        yield Label("", id="preview-error", markup=False)
        yield Static("", id="preview-text", markup=False)

    def on_mount(self) -> None:
        self.border_title = "Preview of the stored note"
        self.query_one("#preview-error", Label).display = False

    def show(self, rendered: RenderedNote) -> None:
        error = self.query_one("#preview-error", Label)
        error.display = rendered.error is not None
        if rendered.error:
            # The file name is enough on the agent's screen; lint gives the full path.
            where, _, detail = rendered.error.partition(": ")
            error.update(
                f"Template problem in {Path(where).name}: {detail} — a plain note "
                "(fields and notes) will be stored instead."
            )
        self.query_one("#preview-text", Static).update(rendered.text or "(empty note)")
        self.set_class(rendered.error is not None, "-broken")

    @property
    def text(self) -> str:
        return str(self.query_one("#preview-text", Static).content)
