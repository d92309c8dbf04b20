"""The structured part of the ACW screen: code picker above the template form.

It owns the wrap-up's NoteForm: a picked code suggests a template (unless the agent
chose one by hand) and makes the fields it needs required; every change is announced
with `WrapupPanel.Changed`, so the screen refreshes the preview and saves a draft.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message

from acw_tui.core.templates.form import NoteForm
from acw_tui.tui.widgets.code_picker import CodePicker
from acw_tui.tui.widgets.template_form import TemplateForm


class WrapupPanel(Vertical):
    DEFAULT_CSS = """
    WrapupPanel {
        height: 1fr;
    }
    """

    @dataclass
    class Changed(Message):
        """A code, the template or a field of the wrap-up changed."""

        panel: WrapupPanel

    def __init__(
        self,
        note_form: NoteForm,
        *,
        require_code: bool = False,
        now: Callable[[], datetime] | None = None,
        zone: tzinfo | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.note_form = note_form
        self.require_code = require_code
        self._now = now
        self.zone = zone

    def compose(self) -> ComposeResult:
        yield CodePicker(
            self.note_form.library.codes,
            locale=self.note_form.locale,
            required=self.require_code,
            selected=self.note_form.codes,
            id="code-picker",
        )
        yield TemplateForm(self.note_form, now=self._now, zone=self.zone, id="template-form")

    @property
    def form(self) -> TemplateForm:
        return self.query_one(TemplateForm)

    @on(CodePicker.Changed)
    async def _codes_changed(self, event: CodePicker.Changed) -> None:
        event.stop()
        self.note_form.set_codes(event.codes)
        await self.form.rebuild()  # a code may bring a template or required fields
        self.post_message(self.Changed(self))

    @on(TemplateForm.Changed)
    def _form_changed(self, event: TemplateForm.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self))

    async def restore(
        self, codes: tuple[str, ...], template_id: str | None, raw: Mapping[str, Any]
    ) -> None:
        """Back to a saved draft."""
        self.note_form.restore(codes, template_id, raw, self.note_form.notes)
        self.query_one(CodePicker).set_selected(codes, announce=False)
        await self.form.rebuild(force=True)

    def show_refusal(self) -> None:
        check = self.note_form.check(self._now() if self._now else None, self.zone)
        self.form.show_missing(check.missing)
        if self.require_code and not self.note_form.codes:
            self.query_one("#code-filter").focus()
