"""The structured part of the ACW screen: code picker above the template form.

It owns the wrap-up's NoteForm: a picked code suggests a template (unless the agent
chose one by hand) and makes the fields it needs required; every change is announced
with `WrapupPanel.Changed`, so the screen refreshes the preview and saves a draft.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message

from acw_tui.core.model import Wrapup
from acw_tui.core.templates import TemplateLibrary
from acw_tui.core.templates.form import NoteForm
from acw_tui.errors import AcwError
from acw_tui.service.desk import Desk
from acw_tui.settings.config import Config
from acw_tui.settings.templates import load_configured_library, templates_config, templates_folder
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


# -- building the panel for a wrap-up ------------------------------------------------------

_LIBRARY_CACHE: dict[tuple[str, tuple[tuple[str, float], ...]], TemplateLibrary] = {}


def _signature(folder: Path) -> tuple[tuple[str, float], ...]:
    try:
        return tuple(sorted((p.name, p.stat().st_mtime) for p in folder.iterdir() if p.is_file()))
    except OSError:
        return ()


def library_for(config: Config) -> tuple[TemplateLibrary, str | None]:
    """The templates in force (read again only when a file changed), or why there are none.

    A broken folder never stops the screen: the agent gets notes only and a message.
    """
    try:
        folder = templates_folder(config)
        key = (str(folder), _signature(folder))
        if key not in _LIBRARY_CACHE:
            _LIBRARY_CACHE.clear()
            _LIBRARY_CACHE[key] = load_configured_library(config)
        library = _LIBRARY_CACHE[key]
    except AcwError as exc:
        return TemplateLibrary(folder=Path(".")), str(exc)
    broken = [p for p in library.problems if p.severity == "error"]
    if broken:
        return library, f"{len(broken)} template file(s) left out: {broken[0]}"
    return library, None


def note_form_for(desk: Desk, wrapup: Wrapup, library: TemplateLibrary) -> NoteForm:
    """A NoteForm for this wrap-up: its saved draft if any, else the configured default."""
    form = NoteForm(library, desk.config.locale)
    draft = desk.wrapups.draft(wrapup.id)
    if draft is not None and (draft.codes or draft.template_id or draft.fields):
        form.restore(draft.codes, draft.template_id, draft.fields, draft.note)
        return form
    try:
        default = templates_config(desk.config).default
    except AcwError:
        default = ""
    if default in library.ids():
        form.template_id = default
    return form
