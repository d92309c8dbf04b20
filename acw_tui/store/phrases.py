"""A text column that may hold a phrase (`errors.Phrase`): written by one process in its
language, read by another in its own. A phrase is kept as its template and parameters in
JSON; any other text as it is, and text an older acw stored is read as it is."""

from __future__ import annotations

import json

from acw_tui.core.json_text import parse_json
from acw_tui.errors import Phrase


def to_column(text: str | None) -> str | None:
    if isinstance(text, Phrase):
        return json.dumps(text.as_data(), ensure_ascii=False)
    return text


def from_column(stored: object) -> str | None:
    """The text, a phrase when one was stored (shown with `i18n.said`)."""
    if not isinstance(stored, str):
        return None
    try:
        phrase = Phrase.from_data(parse_json(stored)) if stored.startswith("{") else None
    except ValueError:
        phrase = None
    return stored if phrase is None else phrase
