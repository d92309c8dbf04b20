"""Reading the TOML tables of templates and codes.toml: typed values that refuse what
they cannot use, a field declaration, and the lines messages point at (tomli gives no
positions)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from acw_tui.core.entry_checks import Mistake, unknown_keys
from acw_tui.core.templates.model import FieldSpec, FieldType
from acw_tui.core.toml_text import TomlMistake, read_toml
from acw_tui.errors import Phrase

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FIELD_KEYS = {"name", "label", "labels", "type", "required", "choices", "default", "help"}


def at(where: str, line: int | None) -> str:
    """FILE or FILE:LINE, as a message names the place."""
    return f"{where}:{line}" if line else where


def toml(text: str, first_line: int) -> dict[str, Any]:
    try:
        return read_toml(text, first_line)
    except TomlMistake as exc:
        raise Mistake(exc.template, exc.line, **exc.params) from None


def line_of(lines: list[str], pattern: str, first_line: int, nth: int = 1) -> int | None:
    """The file line of the `nth` line matching `pattern` (for messages)."""
    for number, text in enumerate(lines, start=first_line):
        if re.search(pattern, text):
            nth -= 1
            if nth == 0:
                return number
    return None


def key_pattern(key: str) -> str:
    """A TOML line that sets `key`: bare, quoted or dotted (`key =`, `"key" =`, `key.x =`)
    or opens it as a table (`[key]`, `[[key]]`, `[key.x]`)."""
    name = re.escape(key)
    return rf"^\s*(\[\[?\s*)?([\"']?){name}\2\s*(=|\.|\]|$)"


def entry_lines(lines: list[str], header: str, nth: int) -> tuple[int | None, list[str]]:
    """The file line of the `nth` `[[header]]` table and its own lines (up to the next
    table), for finding a key of that entry."""
    start = line_of(lines, rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]", 1, nth)
    return start, table_lines(lines, start)


def table_lines(lines: list[str], header: int | None) -> list[str]:
    """The lines of the table whose header is at file line `header` (to the next table)."""
    if header is None:
        return []
    own = lines[header - 1 :]
    end = next((n for n, s in enumerate(own) if n and s.lstrip().startswith("[")), None)
    return own[:end]


def key_in_message(message: str) -> str | None:
    """The key a loader message is about (`unknown type …` and `default …` name theirs)."""
    found = re.search(r"unknown key `([^`]+)`", message) or re.search(r"`([^`]+)`", message)
    if found:
        return found.group(1)
    words = re.search(r":\s*(?:unknown )?(type|default)\b", message)
    return words.group(1) if words else None


def text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise Mistake("{where}: missing `{key}`", where=where, key=key)
        return ""
    if not isinstance(value, str):
        raise Mistake(
            "{where}: `{key}` must be text, got {value}", where=where, key=key, value=repr(value)
        )
    if required and not value.strip():
        raise Mistake("{where}: `{key}` must not be empty", where=where, key=key)
    return value.strip()


def texts(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Mistake(
            "{where}: `{key}` must be a list of text, got {value}",
            where=where,
            key=key,
            value=repr(value),
        )
    return tuple(v.strip() for v in value)


def labels(table: Mapping[str, Any], where: str) -> dict[str, str]:
    value = table.get("labels", {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Mistake("{where}: `labels` must be a table of text per language", where=where)
    return dict(value)


def refuse_unknown_keys(table: Mapping[str, Any], known: set[str], where: str) -> None:
    for mistake in unknown_keys(table, known, where):
        raise mistake


def parse_field(table: Any, where: str) -> FieldSpec:
    if not isinstance(table, dict):
        raise Mistake("{where}: a field must be a table", where=where)
    refuse_unknown_keys(table, FIELD_KEYS, where)
    name = text(table, "name", where)
    where = Phrase("field {name}", name=repr(name))
    if not NAME.match(name):
        raise Mistake(
            "{where}: a field name is letters, digits and _ (not starting with a digit)",
            where=where,
        )
    kind = table.get("type", "text")
    try:
        field_type = FieldType(kind)
    except ValueError:
        known = ", ".join(t.value for t in FieldType)
        raise Mistake(
            "{where}: unknown type {kind} (known: {known})",
            where=where,
            kind=repr(kind),
            known=known,
        ) from None
    required = table.get("required", False)
    if not isinstance(required, bool):
        raise Mistake("{where}: `required` must be true or false", where=where)
    choices = texts(table, "choices", where)
    if field_type is FieldType.CHOICE and not choices:
        raise Mistake("{where}: a choice field needs `choices`", where=where)
    if choices and field_type is not FieldType.CHOICE:
        raise Mistake("{where}: only a choice field has `choices`", where=where)
    spec = FieldSpec(
        name=name,
        label=text(table, "label", where, required=False) or name.replace("_", " ").capitalize(),
        type=field_type,
        required=required,
        choices=choices,
        default=table.get("default"),
        help=text(table, "help", where, required=False),
        labels=labels(table, where),
    )
    _check_default(spec, where)
    return spec


def _check_default(spec: FieldSpec, where: str) -> None:
    value = spec.default
    if value is None:
        return
    expected: tuple[type, ...] = {
        FieldType.BOOL: (bool,),
        FieldType.NUMBER: (int, float),
    }.get(spec.type, (str,))
    if not isinstance(value, expected) or (
        spec.type is FieldType.NUMBER and isinstance(value, bool)
    ):
        raise Mistake(
            "{where}: default {value} does not suit a {type} field",
            where=where,
            value=repr(value),
            type=spec.type,
        )
    if spec.type is FieldType.CHOICE and value not in spec.choices:
        raise Mistake(
            "{where}: default {value} is not one of its choices", where=where, value=repr(value)
        )
