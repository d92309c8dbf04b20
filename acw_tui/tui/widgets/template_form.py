"""The form a template's fields generate, checked as the agent types.

The form shows a NoteForm (acw_tui.core.templates.form) and feeds it each change;
the rules — which fields exist, which are required, what a value must look like —
live there. A bad value is named under its field at once; a required field left
empty is named when finishing is refused (`show_missing`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from acw_tui.core.templates import FieldSpec, FieldType, ValueProblem, check_value
from acw_tui.core.templates.form import NoteForm
from acw_tui.core.templates.values import DATE_HINT
from acw_tui.i18n import _, say
from acw_tui.tui.compat import select_parts_missing
from acw_tui.tui.widgets.keys_in_order import OrderedInput, OrderedKeys, OrderedTextArea

NO_TEMPLATE = "__none__"
FIELD_PREFIX = "field-"


class FormSelect(OrderedKeys, Select[Any]):
    """A Select that tolerates the screen closing while it is being mounted.

    Select looks up its own overlay when mounted; when the app quits during the form's
    build that overlay is already gone, and the lookup would fail on the way out.
    """

    def on_mount(self, event: events.Mount) -> None:
        # Runs before Select's own mount handler, which is skipped when it would fail.
        if select_parts_missing(self):
            event.prevent_default()


def field_widget_id(name: str) -> str:
    return f"{FIELD_PREFIX}{name}"


class TemplateForm(VerticalScroll):
    """Template chooser and one row per field: label, input, hint or problem."""

    DEFAULT_CSS = """
    TemplateForm {
        height: 1fr;
    }
    .field-row {
        height: auto;
        margin-bottom: 1;
    }
    .field-row TextArea {
        height: 3;
    }
    .field-row Input, .field-row TextArea {
        background: $boost;
    }
    .field-hint {
        color: $text-muted;
        height: auto;
    }
    .field-row.-invalid .field-hint, .field-row.-invalid .field-label {
        color: $error;
    }
    """

    can_focus = False  # focus goes to the fields; the form scrolls to the focused one

    @dataclass
    class Changed(Message):
        """A value or the template changed; `template_changed` when the fields did."""

        form: TemplateForm
        template_changed: bool = False

    def __init__(
        self,
        note_form: NoteForm,
        *,
        now: Any = None,
        zone: tzinfo | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.note_form = note_form
        self._now = now  # a callable returning the current time (the desk's clock)
        self.zone = zone
        self._shown_fields: tuple[FieldSpec, ...] = ()
        self._building = False

    def now(self) -> datetime | None:
        return self._now() if self._now else None

    def compose(self) -> ComposeResult:
        library = self.note_form.library
        # Titles, labels, choices and help come from template files: shown as written.
        options = [(Text(t.title), t.id) for t in library.for_locale(self.note_form.locale)]
        yield Label(_("Template"), classes="section-title")
        yield FormSelect(
            [(_("— none: notes only —"), NO_TEMPLATE), *options],
            value=self.note_form.template_id or NO_TEMPLATE,
            allow_blank=False,
            id="template-select",
            compact=True,
        )
        yield Vertical(id="form-fields")

    async def on_mount(self) -> None:
        await self.rebuild()

    # -- building ------------------------------------------------------------------------

    async def rebuild(self, force: bool = False) -> None:
        """Lay out the fields of the current template (after a template or code change)."""
        with contextlib.suppress(NoMatches):  # the screen is closing: nothing to lay out
            await self._rebuild(force)

    async def _rebuild(self, force: bool) -> None:
        fields = self.note_form.fields()
        select = self.query_one("#template-select", Select)
        wanted = self.note_form.template_id or NO_TEMPLATE
        if select.value != wanted:
            self._building = True
            select.value = wanted
        if not force and fields == self._shown_fields and self.query("#form-fields > *"):
            self._building = False
            return
        self._building = True
        container = self.query_one("#form-fields", Vertical)
        await container.remove_children()
        self._shown_fields = fields
        rows = [self._row(spec) for spec in fields]
        if rows:
            await container.mount_all(rows)
        self.call_after_refresh(self._done_building)
        for spec in fields:
            self._show_problem(spec, self._problem(spec))

    def _done_building(self) -> None:
        self._building = False

    def _row(self, spec: FieldSpec) -> Widget:
        value = self.note_form.raw.get(spec.name, spec.default)
        label = f"{spec.label} *" if spec.required else spec.label
        widget: Widget
        wid = field_widget_id(spec.name)
        if spec.type is FieldType.BOOL:
            widget = Checkbox(Content(label), value=bool(value), id=wid)
        elif spec.type is FieldType.CHOICE:
            widget = FormSelect(
                [(Text(c), c) for c in spec.choices],
                value=value if value in spec.choices else Select.NULL,
                prompt=_("choose…"),
                id=wid,
                compact=True,
            )
        elif spec.type is FieldType.MULTILINE:
            widget = OrderedTextArea(
                "" if value is None else str(value),
                id=wid,
                soft_wrap=True,
                tab_behavior="focus",
                compact=True,
            )
        else:
            placeholder = spec.help or (DATE_HINT if spec.type is FieldType.DATE else "")
            widget = OrderedInput(
                "" if value is None else str(value),
                placeholder=placeholder,
                id=wid,
                select_on_focus=False,
                compact=True,
            )
        widget.tooltip = Content(spec.help) if spec.help else None
        children: list[Widget] = []
        if spec.type is not FieldType.BOOL:
            children.append(Label(label, classes="field-label", markup=False))
        children += [widget, Static("", classes="field-hint", markup=False)]
        row = Vertical(*children, classes=f"field-row -{spec.type}")
        row.set_class(spec.required, "-required")
        return row

    # -- reading what the agent types ---------------------------------------------------

    def _spec_for(self, widget: Widget) -> FieldSpec | None:
        if not widget.id or not widget.id.startswith(FIELD_PREFIX):
            return None
        name = widget.id.removeprefix(FIELD_PREFIX)
        return next((f for f in self._shown_fields if f.name == name), None)

    def _problem(self, spec: FieldSpec) -> str:
        raw = self.note_form.raw.get(spec.name, spec.default)
        try:
            value = check_value(spec, raw, self.now(), self.zone)
        except ValueProblem as exc:
            return say(exc.template, exc.params)
        if spec.type is FieldType.DATE and value:
            return f"→ {value}"
        return ""

    def _show_problem(self, spec: FieldSpec, text: str, missing: bool = False) -> None:
        try:
            widget = self.query_one(f"#{field_widget_id(spec.name)}")
        except NoMatches:
            return
        row = widget.parent
        if row is None:
            return
        hint = row.query_one(".field-hint", Static)
        is_problem = bool(text) and not text.startswith("→")
        hint.update(text)
        row.set_class(is_problem or missing, "-invalid")
        hint.display = bool(text)

    def _changed(self, widget: Widget, value: Any) -> None:
        spec = self._spec_for(widget)
        if spec is None or self._building:
            return
        if self.note_form.raw.get(spec.name, spec.default) == value:
            return
        self.note_form.set_value(spec.name, value)
        self._show_problem(spec, self._problem(spec))
        self.post_message(self.Changed(self))

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed(event.input, event.value)

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._changed(event.text_area, event.text_area.text)

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._changed(event.checkbox, event.value)

    @on(Select.Changed)
    async def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "template-select":
            if self._building:
                return
            wanted = None if event.value in (NO_TEMPLATE, Select.NULL) else str(event.value)
            if wanted != self.note_form.template_id:
                self.note_form.choose_template(wanted)
                await self.rebuild()
                self.post_message(self.Changed(self, template_changed=True))
            return
        value = None if event.value is Select.NULL else event.value
        self._changed(event.select, value)

    # -- after a refused finish -----------------------------------------------------------

    def show_missing(self, names: tuple[str, ...]) -> None:
        """Mark each required field left empty and focus the first one."""
        for spec in self._shown_fields:
            if spec.name in names:
                self._show_problem(spec, _("required"), missing=True)
        if names:
            with contextlib.suppress(NoMatches):
                self.query_one(f"#{field_widget_id(names[0])}").focus()
