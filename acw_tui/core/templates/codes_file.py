"""Reading `codes.toml`: `[[codes]]` entries, the `[categories.NAME]` they belong to and
shared `[fields.NAME]` a code may require.

Each entry is read on its own and key by key (acw_tui.core.entry_checks): a mistake
leaves out that entry only, every mistake of the file is found in one run, each at its
line, and an entry left out is still known by its name, so a template naming it is not
reported as naming an unknown code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acw_tui.core.entry_checks import EntryCheck, Mistake, unknown_keys
from acw_tui.core.templates.model import (
    FOLLOW_UP_FIELDS,
    CodeCategory,
    CodeUse,
    FieldSpec,
    TemplateError,
    WrapupCode,
)
from acw_tui.core.templates.tables import (
    NAME,
    at,
    entry_lines,
    key_in_message,
    key_pattern,
    labels,
    line_of,
    parse_field,
    table_lines,
    text,
    texts,
    toml,
)
from acw_tui.errors import Phrase

CODES_FILE = "codes.toml"
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_CODE_KEYS = {
    "code",
    "label",
    "labels",
    "template",
    "requires",
    "help",
    "category",
    "use",
    "forbids",
    "follow_up",
    "sets",
}
_CATEGORY_KEYS = {"label", "labels"}


@dataclass(frozen=True)
class CodesFile:
    """What one codes.toml holds, and every mistake in it (each with its line)."""

    codes: tuple[WrapupCode, ...] = ()  # the codes in force
    shared: Mapping[str, FieldSpec] = field(default_factory=dict)
    # Read, but left out: with a mistake of their own, or listed twice. Lint still
    # checks what they name, and templates naming them name a code the file declares.
    set_aside: tuple[WrapupCode, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    # The file could not be read as a whole (not TOML, `codes` not an array): which
    # codes it declares is not known.
    unread: bool = False


def parse_codes(
    source: str, path: Path | None = None
) -> tuple[tuple[WrapupCode, ...], dict[str, FieldSpec]]:
    """The codes and shared fields of a codes file; its first mistake raised as a
    TemplateError naming the file and line."""
    read = read_codes(source)
    if read.mistakes:
        first = read.mistakes[0]
        where = at(str(path) if path else CODES_FILE, first.line)
        raise TemplateError("{where}: {reason}", where=where, reason=first)
    return read.codes, dict(read.shared)


def read_codes(source: str) -> CodesFile:
    lines = source.splitlines()
    try:
        data = toml(source, 1)
    except Mistake as exc:
        return CodesFile(mistakes=(exc,), unread=True)
    found: list[Mistake] = []
    for mistake in unknown_keys(data, {"codes", "fields", "categories"}, "codes file"):
        mistake.line = line_of(lines, key_pattern(str(mistake.key)), 1)
        found.append(mistake)
    categories, broken = _categories(data.get("categories", {}), lines, found)
    raw_codes = data.get("codes", [])
    if not isinstance(raw_codes, list):
        found.append(
            Mistake(
                "`codes` must be an array of tables ([[codes]])",
                line_of(lines, key_pattern("codes"), 1),
            )
        )
        return CodesFile(mistakes=tuple(found), unread=True)
    codes: list[WrapupCode] = []
    set_aside: list[WrapupCode] = []
    for number, table in enumerate(raw_codes, start=1):
        code, mistakes = _code_entry(table, number, lines, categories, broken)
        if code is not None and any(c.code == code.code for c in (*codes, *set_aside)):
            mistakes.append(Mistake("code {code} is listed twice", code.line, code=repr(code.code)))
        found += mistakes
        if code is not None:
            (set_aside if mistakes else codes).append(code)
    shared = _shared_fields(data.get("fields", {}), lines, found)
    return CodesFile(tuple(codes), shared, tuple(set_aside), tuple(found))


def _categories(
    raw: Any, lines: list[str], found: list[Mistake]
) -> tuple[dict[str, CodeCategory], set[str]]:
    """`[categories.NAME]` tables (the upper level of the code hierarchy), and the names
    of those with a mistake (a code naming one is not said to name an unknown one)."""
    if not isinstance(raw, dict):
        found.append(
            Mistake(
                "`categories` must be tables ([categories.NAME])",
                line_of(lines, key_pattern("categories"), 1),
            )
        )
        return {}, set()
    categories: dict[str, CodeCategory] = {}
    broken: set[str] = set()
    for name, table in raw.items():
        header = line_of(lines, rf"^\s*\[\s*categories\.[\"']?{re.escape(name)}[\"']?\s*\]", 1)
        category, mistakes = _category_entry(name, table)
        _locate(mistakes, table_lines(lines, header), header)
        found += mistakes
        if mistakes:
            broken.add(name)
        else:
            categories[name] = category
    return categories, broken


def _category_entry(name: str, table: Any) -> tuple[CodeCategory, list[Mistake]]:
    where = Phrase("category {name}", name=repr(name))
    check = EntryCheck()
    if not isinstance(table, dict):
        check.add(Mistake("{where}: a category must be a table", where=where))
        table = {}
    for mistake in unknown_keys(table, _CATEGORY_KEYS, where):
        check.add(mistake)
    label = check.read("label", lambda: text(table, "label", where, required=False), "")
    labels_: dict[str, str] = check.read("labels", lambda: labels(table, where), {})
    return CodeCategory(name, label or name, labels_), check.mistakes


def _code_entry(
    table: Any,
    number: int,
    lines: list[str],
    categories: Mapping[str, CodeCategory],
    broken_categories: set[str],
) -> tuple[WrapupCode | None, list[Mistake]]:
    """One `[[codes]]` entry and every mistake in it (None when it has no usable name)."""
    start, own = entry_lines(lines, "codes", number)
    where = Phrase("code #{number}", number=number)
    if not isinstance(table, dict):
        return None, [Mistake("{where}: a code must be a table", start, where=where)]
    check = EntryCheck()
    code = check.read("code", lambda: text(table, "code", where), "")
    if code and not _CODE.match(code):
        check.add(
            Mistake(
                "code {code}: a code is lower-case letters, digits, - and _",
                at_key="code",
                code=repr(code),
            )
        )
    where = Phrase("code {code}", code=repr(code)) if code else where
    for mistake in unknown_keys(table, _CODE_KEYS, where):
        check.add(mistake)
    category = check.read(
        "category", lambda: _category(table, where, categories, broken_categories), None
    )
    use = check.read("use", lambda: _use(table, where), CodeUse.ANY)
    follow_up = check.read("follow_up", lambda: _follow_up(table, where), False)
    requires: tuple[str, ...] = check.read("requires", lambda: texts(table, "requires", where), ())
    forbids: tuple[str, ...] = check.read("forbids", lambda: texts(table, "forbids", where), ())
    both = sorted(set(requires + (FOLLOW_UP_FIELDS if follow_up else ())) & set(forbids))
    if both:
        check.add(
            Mistake(
                "{where}: `{both}` is both required and forbidden",
                at_key="forbids",
                where=where,
                both=both[0],
            )
        )
    wrapup = WrapupCode(
        code=code,
        label=check.read("label", lambda: text(table, "label", where, required=False), "") or code,
        template=check.read("template", lambda: text(table, "template", where, required=False), "")
        or None,
        requires=requires,
        labels=check.read("labels", lambda: labels(table, where), {}),
        help=check.read("help", lambda: text(table, "help", where, required=False), ""),
        category=category,
        use=use,
        forbids=forbids,
        follow_up=follow_up,
        sets=check.read("sets", lambda: _flags(table, where), {}),
        line=(line_of(own, key_pattern("code"), start) if start else None) or start,
    )
    _locate(check.mistakes, own, start)
    return (wrapup if code else None), check.mistakes


def _category(
    table: Mapping[str, Any],
    where: str,
    categories: Mapping[str, CodeCategory],
    broken: set[str],
) -> CodeCategory | None:
    name = text(table, "category", where, required=False)
    if not name or name in broken:  # a broken category is reported where it is declared
        return None
    if name not in categories:
        raise Mistake(
            "{where}: unknown category `{category_name}` (declare it as [categories.{category_name}]; known: {known})",
            where=where,
            category_name=name,
            known=", ".join(sorted(categories)) or "none",
        )
    return categories[name]


def _use(table: Mapping[str, Any], where: str) -> CodeUse:
    use = text(table, "use", where, required=False) or CodeUse.ANY.value
    if use not in {u.value for u in CodeUse}:
        raise Mistake(
            "{where}: `use` must be any, primary or secondary, got {use}",
            where=where,
            use=repr(use),
        )
    return CodeUse(use)


def _follow_up(table: Mapping[str, Any], where: str) -> bool:
    follow_up = table.get("follow_up", False)
    if not isinstance(follow_up, bool):
        raise Mistake(
            "{where}: `follow_up` must be true or false, got {follow_up}",
            where=where,
            follow_up=repr(follow_up),
        )
    return follow_up


def _flags(table: Mapping[str, Any], where: str) -> dict[str, bool | str | int]:
    value = table.get("sets", {})
    if not isinstance(value, dict):
        raise Mistake("{where}: `sets` must be a table of field = value", where=where)
    for name, flag in value.items():
        if not NAME.match(name):
            raise Mistake(
                "{where}: `sets`: {name} is not a field name", where=where, name=repr(name)
            )
        if not isinstance(flag, bool | str | int) or isinstance(flag, float):
            raise Mistake(
                "{where}: `sets.{name}` must be true/false, text or a whole number",
                where=where,
                name=name,
            )
    return dict(value)


def _shared_fields(raw: Any, lines: list[str], found: list[Mistake]) -> dict[str, FieldSpec]:
    if not isinstance(raw, dict):
        found.append(
            Mistake(
                "`fields` must be tables ([fields.NAME])", line_of(lines, key_pattern("fields"), 1)
            )
        )
        return {}
    shared: dict[str, FieldSpec] = {}
    for name, table in raw.items():
        header = line_of(lines, rf"^\s*\[\s*fields\.[\"']?{re.escape(name)}[\"']?\s*\]", 1)
        try:
            shared[name] = parse_field(
                {"name": name, **(table if isinstance(table, dict) else {})},
                Phrase("field {name}", name=repr(name)),
            )
        except Mistake as exc:
            exc.key = exc.key or key_in_message(str(exc))
            _locate([exc], table_lines(lines, header), header)
            found.append(exc)
    return shared


def _locate(mistakes: list[Mistake], own: list[str], start: int | None) -> None:
    """Give each mistake of a table the line of the key it is at (else the table's)."""
    for mistake in mistakes:
        if mistake.line is None and start is not None:
            key = mistake.key
            mistake.line = (line_of(own, key_pattern(key), start) if key else None) or start
