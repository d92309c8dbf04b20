"""A note as the preview shows it and finishing stores it, and the note without a template.

Kept apart from `render` (Jinja2): the ACW screen opens with no template chosen, shows
the plain note, and loads Jinja2 only when a template is first rendered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from acw_tui.core.templates.model import FieldSpec

YES_NO = {
    "en": ("yes", "no"),
    "pl": ("tak", "nie"),
    "es": ("sí", "no"),
    "zh": ("是", "否"),
}


@dataclass(frozen=True)
class RenderedNote:
    """The note's text, and why the template could not be used if it could not (the text
    is then the plain note, so the agent can still finish)."""

    text: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def plain_note(
    fields: Iterable[FieldSpec], values: Mapping[str, Any], notes: str, locale: str = "en"
) -> str:
    """The note without a template: each filled field as `Label: value`, then the notes."""
    yes, no = YES_NO.get(locale, YES_NO["en"])
    lines = []
    for spec in fields:
        value = values.get(spec.name)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = yes if value else no
        text = str(value)
        if "\n" in text:
            lines.append(f"{spec.label}:\n{text}")
        else:
            lines.append(f"{spec.label}: {text}")
    body = "\n".join(lines)
    notes = notes.strip()
    return f"{body}\n\n{notes}".strip() if notes else body
