"""The structured part of one wrap-up as the agent fills it: codes, template, values.

The screen's widgets only show a NoteForm and feed it what the agent types; every
rule (which template a code suggests, which fields a code makes required, what
blocks finishing, what is stored) lives here, so the hook, tests and the screen agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from acw_tui.core.templates.model import FieldSpec, NoteTemplate, TemplateLibrary
from acw_tui.core.templates.note import RenderedNote
from acw_tui.core.templates.values import FormCheck, check_form, initial_values
from acw_tui.errors import N_, Phrase

if TYPE_CHECKING:
    from acw_tui.core.templates.render import NoteRenderer


@dataclass(frozen=True)
class FinishedForm:
    """What finishing stores: the rendered note and the structured values beside it."""

    note: str
    codes: tuple[str, ...]
    template_id: str | None
    template_version: int | None
    fields: dict[str, Any]
    required_complete: bool
    render_error: str | None = None


@dataclass
class NoteForm:
    """One wrap-up's codes, chosen template and field values, as the agent fills them in."""

    library: TemplateLibrary
    locale: str = "en"
    codes: list[str] = field(default_factory=list)
    template_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    # Once the agent picks a template by hand, codes stop changing it.
    template_by_hand: bool = False

    @cached_property
    def renderer(self) -> NoteRenderer:
        """The form's renderer, made when a template is first rendered: a note with no
        template is plain text, so the screen opens without loading Jinja2."""
        from acw_tui.core.templates.render import NoteRenderer

        return NoteRenderer()

    # -- what the form shows ---------------------------------------------------------

    @property
    def template(self) -> NoteTemplate | None:
        if self.template_id is None or self.template_id not in self.library.ids():
            return None
        return self.library.get(self.template_id, self.locale)

    def fields(self) -> tuple[FieldSpec, ...]:
        template = self.template
        if template is None:
            return ()
        return self.library.form_fields(template, self.codes)

    def code_label(self, code: str) -> str:
        found = self.library.code(code)
        return found.label_in(self.locale) if found else code

    # -- what the agent does -----------------------------------------------------------

    def set_codes(self, codes: Iterable[str]) -> bool:
        """Returns True when the template changed with the codes."""
        self.codes = list(dict.fromkeys(codes))
        if self.template_by_hand:
            return False
        suggested = self.library.suggested_template(self.codes)
        if suggested is not None and suggested != self.template_id:
            self.template_id = suggested
            return True
        return False

    def choose_template(self, template_id: str | None) -> None:
        self.template_id = template_id
        self.template_by_hand = True

    def set_value(self, name: str, value: Any) -> None:
        self.raw[name] = value

    def restore(
        self,
        codes: Iterable[str],
        template_id: str | None,
        raw: Mapping[str, Any],
        notes: str = "",
    ) -> None:
        """Back to a saved draft: what was typed wins over what codes suggest."""
        self.codes = list(codes)
        self.template_id = template_id
        self.template_by_hand = template_id is not None
        self.raw = dict(raw)
        self.notes = notes

    # -- checking and rendering --------------------------------------------------------

    def check(self, now: datetime | None = None, zone: tzinfo | None = None) -> FormCheck:
        fields = self.fields()
        return check_form(fields, {**initial_values(fields), **self.raw}, now, zone)

    def render(
        self,
        check: FormCheck | None = None,
        *,
        call: Mapping[str, Any] | None = None,
        agent: str = "",
        now: datetime | None = None,
        zone: tzinfo | None = None,
    ) -> RenderedNote:
        template = self.template
        if template is None:
            return RenderedNote(self.notes.strip("\n").rstrip())
        check = check or self.check(now, zone)
        # A value still being typed (not yet valid) shows as typed in the preview.
        values = {**{k: v for k, v in self.raw.items() if k in check.errors}, **check.values}
        return self.renderer.render(
            template,
            values,
            self.notes,
            codes=self.codes,
            code_labels=[self.code_label(c) for c in self.codes],
            call=call,
            agent=agent,
            fields=self.fields(),
        )

    def refusal(
        self, require_code: bool, now: datetime | None = None, zone: tzinfo | None = None
    ) -> Phrase | None:
        """Why finishing is refused, naming what is missing; None when it may finish.
        Each reason is kept as its template, so the screen shows it in the agent's
        language (field and code labels come from the templates as written)."""
        reasons: list[Phrase] = []
        if require_code and not self.codes:
            reasons.append(Phrase(N_("a wrap-up code is required")))
        check = self.check(now, zone)
        if check.missing:
            names = ", ".join(check.labels.get(n, n) for n in check.missing)
            reasons.append(Phrase(N_("required: {names}"), names=names))
        for name, problem in check.errors.items():
            reasons.append(
                Phrase("{field}: {problem}", field=check.labels.get(name, name), problem=problem)
            )
        reasons += [
            Phrase(problem) for problem in self.library.code_rule_problems(self.codes, check.values)
        ]
        if not reasons:
            return None
        return Phrase.joined("; ", reasons)

    def finished(
        self,
        *,
        call: Mapping[str, Any] | None = None,
        agent: str = "",
        now: datetime | None = None,
        zone: tzinfo | None = None,
    ) -> FinishedForm:
        check = self.check(now, zone)
        rendered = self.render(check, call=call, agent=agent)
        template = self.template
        return FinishedForm(
            note=rendered.text,
            codes=tuple(self.codes),
            template_id=template.id if template else None,
            template_version=template.version if template else None,
            # Flags the codes set (do_not_call = true …) are stored with the values.
            fields={**check.values, **self.library.flags_of(self.codes)},
            required_complete=check.ok
            and not self.library.code_rule_problems(self.codes, check.values),
            render_error=rendered.error,
        )
