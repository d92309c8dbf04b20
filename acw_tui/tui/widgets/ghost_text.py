"""Ghost-text completion in the notes editor, through Textual's public
`TextArea.suggestion` (drawn after the cursor; `update_suggestion` is TextArea's hook,
called after every edit).

The suggestion is asked of the completion model only when the cursor ends its line's
text (ghost text in the middle of a line would cover what follows), with the last
`SUGGEST_WINDOW` characters of that line: a few dictionary hits per key, whatever the
size of the note or the store. → or Tab take the whole suggestion, ctrl+→ its first
word; each is one undo step, so ctrl+z gives back exactly what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import TextArea

from acw_tui.core.completion import CompletionModel, Suggestion
from acw_tui.core.completion.model import NO_SUGGESTION, SUGGEST_WINDOW

Location = tuple[int, int]


@dataclass
class GhostText:
    """The suggestion shown in one editor, and where the last accepted one ended."""

    model: CompletionModel | None = None
    current: Suggestion = NO_SUGGESTION
    accepted_end: Location | None = None

    def refresh(self, editor: TextArea) -> str:
        """Work out the suggestion at the cursor; returns its text for `suggestion`."""
        self.current = self._at_cursor(editor)
        return self.current.text

    def _at_cursor(self, editor: TextArea) -> Suggestion:
        if self.model is None or not editor.selection.is_empty:
            return NO_SUGGESTION
        row, column = editor.cursor_location
        line = editor.document[row]
        after = line[column : column + 1]
        if after and not after.isspace():
            return NO_SUGGESTION
        return self.model.suggest(line[max(0, column - SUGGEST_WINDOW) : column])

    def accept(self, editor: TextArea, whole: bool) -> bool:
        """Insert the suggestion (or its first piece) as one undo step; False if none."""
        if not self.current:
            return False
        text = self.current.text if whole else self.current.pieces[0]
        editor.history.checkpoint()
        result = editor.insert(text)
        editor.history.checkpoint()
        self.accepted_end = result.end_location
        return True

    def was_accepted(self, location: Location) -> bool:
        """Does accepted text end right here (a phrase taken, not typed in full)?"""
        return self.accepted_end == location
