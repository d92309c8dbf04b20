"""Note templates and wrap-up codes as the rest of acw sees them (SPEC §4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from acw_tui.core.problems import Problem
from acw_tui.errors import AcwError

# Variables every template may use without declaring them as fields.
BUILTIN_NAMES = ("notes", "codes", "code_labels", "call", "agent")
FALLBACK_LOCALE = "en"


class TemplateError(AcwError):
    """A template or codes file is broken; the message names the file and line."""


class FieldType(StrEnum):
    TEXT = "text"
    MULTILINE = "multiline"
    CHOICE = "choice"
    BOOL = "bool"
    DATE = "date"
    NUMBER = "number"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a note template's form: its name, label, type and whether it is required."""

    name: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    help: str = ""
    # Labels in other languages (codes.toml's shared fields carry them).
    labels: Mapping[str, str] = field(default_factory=dict)

    def localized(self, locale: str) -> FieldSpec:
        label = self.labels.get(locale)
        return replace(self, label=label) if label else self

    def as_required(self) -> FieldSpec:
        return self if self.required else replace(self, required=True)


@dataclass(frozen=True)
class NoteTemplate:
    """A note template in one language: its form's fields, the codes it is for, and the
    Jinja2 body that writes the note."""

    id: str
    title: str
    locale: str
    version: int
    codes: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    body: str
    path: Path | None = None
    body_line: int = 1  # line of the file where the Jinja2 body starts

    @property
    def key(self) -> str:
        return f"{self.id}.{self.locale}"

    @property
    def where(self) -> str:
        return str(self.path) if self.path else f"template {self.key}"

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class CodeCategory:
    """The upper level of the code hierarchy (category → code)."""

    id: str
    label: str
    labels: Mapping[str, str] = field(default_factory=dict)

    def label_in(self, locale: str) -> str:
        return self.labels.get(locale) or self.label


class CodeUse(StrEnum):
    """Where a code may stand in a wrap-up's list: the first code is the primary one."""

    ANY = "any"
    PRIMARY = "primary"  # only as the first code
    SECONDARY = "secondary"  # only after a primary code


# The fields an implied follow-up needs (a callback: who and when).
FOLLOW_UP_FIELDS = ("follow_up_at", "follow_up_owner")


@dataclass(frozen=True)
class WrapupCode:
    """A wrap-up code from codes.toml: its label, the template it suggests, and what it asks
    of the fields."""

    code: str
    label: str
    template: str | None = None  # the template id it suggests
    requires: tuple[str, ...] = ()  # field names that must be filled with this code
    labels: Mapping[str, str] = field(default_factory=dict)
    help: str = ""
    category: CodeCategory | None = None
    use: CodeUse = CodeUse.ANY
    forbids: tuple[str, ...] = ()  # field names that must stay empty with this code
    follow_up: bool = False  # implies a follow-up: owner and due time are required
    sets: Mapping[str, bool | str | int] = field(default_factory=dict)  # flags stored
    line: int | None = field(default=None, compare=False)  # of codes.toml, for messages

    def label_in(self, locale: str) -> str:
        return self.labels.get(locale) or self.label

    @property
    def required_fields(self) -> tuple[str, ...]:
        extra = FOLLOW_UP_FIELDS if self.follow_up else ()
        return tuple(dict.fromkeys((*self.requires, *extra)))


@dataclass(frozen=True)
class TemplateLibrary:
    """Every template and code of one folder; broken files are left out and reported."""

    folder: Path
    templates: tuple[NoteTemplate, ...] = ()
    codes: tuple[WrapupCode, ...] = ()
    shared_fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    codes_path: Path | None = None
    # Codes read from codes.toml but left out for a mistake (reported in `problems`):
    # lint checks what they name, and a template naming one names a declared code.
    set_aside_codes: tuple[WrapupCode, ...] = ()
    codes_unread: bool = False  # codes.toml could not be read at all: its codes are unknown

    def ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for template in self.templates:
            seen.setdefault(template.id, None)
        return list(seen)

    def locales_of(self, template_id: str) -> list[str]:
        return [t.locale for t in self.templates if t.id == template_id]

    def get(self, template_id: str, locale: str = FALLBACK_LOCALE) -> NoteTemplate:
        """The template in `locale`, else in English, else in any language it has."""
        found = [t for t in self.templates if t.id == template_id]
        if not found:
            known = ", ".join(self.ids()) or "none"
            raise TemplateError(
                "{folder}: no template {name} (known: {known})",
                folder=self.folder,
                name=repr(template_id),
                known=known,
            )
        for wanted in (locale, FALLBACK_LOCALE):
            for template in found:
                if template.locale == wanted:
                    return template
        return found[0]

    def for_locale(self, locale: str) -> list[NoteTemplate]:
        """One template per id, in the agent's language where there is one."""
        return [self.get(template_id, locale) for template_id in self.ids()]

    def code(self, code: str) -> WrapupCode | None:
        return next((c for c in self.codes if c.code == code), None)

    def categories(self) -> list[CodeCategory]:
        """The categories codes belong to, in the order of the codes file."""
        seen: dict[str, CodeCategory] = {}
        for code in self.codes:
            if code.category is not None:
                seen.setdefault(code.category.id, code.category)
        return list(seen.values())

    def code_rule_problems(
        self, codes: tuple[str, ...] | list[str], values: Mapping[str, Any]
    ) -> list[str]:
        """What the chosen codes' rules refuse: a code out of its place (primary or
        secondary), a forbidden field that is filled in. Empty when all is well."""
        problems = []
        for index, name in enumerate(codes):
            found = self.code(name)
            if found is None:
                continue
            if index == 0 and found.use is CodeUse.SECONDARY:
                problems.append(f"{found.label}: only a secondary code; pick a main code first")
            if index > 0 and found.use is CodeUse.PRIMARY:
                problems.append(f"{found.label}: only a main code; it must come first")
            for field_name in found.forbids:
                if values.get(field_name) not in (None, "", False, [], ()):
                    problems.append(f"{found.label}: {field_name} must stay empty with this code")
        return problems

    def flags_of(self, codes: tuple[str, ...] | list[str]) -> dict[str, bool | str | int]:
        """The fields the chosen codes set (e.g. do_not_call = true)."""
        flags: dict[str, bool | str | int] = {}
        for name in codes:
            found = self.code(name)
            if found is not None:
                flags.update(found.sets)
        return flags

    def suggested_template(self, codes: tuple[str, ...] | list[str]) -> str | None:
        """The template the first chosen code suggests."""
        for code in codes:
            found = self.code(code)
            if found is not None and found.template:
                return found.template
        return None

    def form_fields(
        self, template: NoteTemplate, codes: tuple[str, ...] | list[str] = ()
    ) -> tuple[FieldSpec, ...]:
        """The template's fields, made required (or added) where a chosen code needs them."""
        needed: dict[str, None] = {}
        for code in codes:
            found = self.code(code)
            for name in found.required_fields if found else ():
                needed.setdefault(name, None)
        fields = [f.as_required() if f.name in needed else f for f in template.fields]
        declared = {f.name for f in fields}
        for name in needed:
            if name not in declared and name in self.shared_fields:
                fields.append(self.shared_fields[name].localized(template.locale).as_required())
        return tuple(fields)
