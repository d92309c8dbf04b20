"""Reading `templates/*.j2` (TOML front matter between `+++` lines) and `codes.toml`.

A folder is read leniently: a broken file is left out and reported as a Problem, so
one bad template written by a team lead never takes the agent's screen down. Lint
reads the same way and adds its own deeper checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from acw_tui.core.file_bytes import read_file_text
from acw_tui.core.inputs import is_number_text
from acw_tui.core.printable import control_at, control_name
from acw_tui.core.problems import without_where
from acw_tui.core.templates.model import (
    FOLLOW_UP_FIELDS,
    CodeCategory,
    CodeUse,
    FieldSpec,
    FieldType,
    NoteTemplate,
    Problem,
    TemplateError,
    TemplateLibrary,
    WrapupCode,
)
from acw_tui.core.toml_text import TOMLDecodeError, parse_toml
from acw_tui.errors import N_, AcwError, Phrase

FENCE = "+++"
CODES_FILE = "codes.toml"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOML_LINE = re.compile(r"line (\d+)")
_TEMPLATE_KEYS = {"id", "title", "locale", "version", "codes", "fields"}
_FIELD_KEYS = {"name", "label", "labels", "type", "required", "choices", "default", "help"}
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


class _Bad(AcwError):
    """A problem at a line of the file being read (a message template and parameters)."""

    def __init__(self, template: str, line: int | None = None, /, **params: Any) -> None:
        super().__init__(template, **params)
        self.line = line


def _at(where: str, line: int | None) -> str:
    """FILE or FILE:LINE, as a message names the place."""
    return f"{where}:{line}" if line else where


def _toml(text: str, first_line: int) -> dict[str, Any]:
    try:
        return parse_toml(text)
    except TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = first_line + int(match.group(1)) - 1 if match else first_line
        message = _TOML_LINE.sub("", str(exc)).replace("(at , column", "(column").strip()
        raise _Bad("malformed TOML: {message}", line, message=message) from None


def _line_of(lines: list[str], pattern: str, first_line: int, nth: int = 1) -> int | None:
    """The file line of the `nth` line matching `pattern` (for messages)."""
    for number, text in enumerate(lines, start=first_line):
        if re.search(pattern, text):
            nth -= 1
            if nth == 0:
                return number
    return None


def _key_pattern(key: str) -> str:
    """A TOML line that sets `key`: bare, quoted or dotted (`key =`, `"key" =`, `key.x =`)
    or opens it as a table (`[key]`, `[[key]]`, `[key.x]`)."""
    name = re.escape(key)
    return rf"^\s*(\[\[?\s*)?([\"']?){name}\2\s*(=|\.|\]|$)"


def _key_in_message(message: str) -> str | None:
    """The key a loader message is about (`unknown type …` and `default …` name theirs)."""
    found = re.search(r"unknown key `([^`]+)`", message) or re.search(r"`([^`]+)`", message)
    if found:
        return found.group(1)
    words = re.search(r":\s*(?:unknown )?(type|default)\b", message)
    return words.group(1) if words else None


def _text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise _Bad("{where}: missing `{key}`", where=where, key=key)
        return ""
    if not isinstance(value, str):
        raise _Bad(
            "{where}: `{key}` must be text, got {value}", where=where, key=key, value=repr(value)
        )
    if required and not value.strip():
        raise _Bad("{where}: `{key}` must not be empty", where=where, key=key)
    return value.strip()


def _texts(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(
            "{where}: `{key}` must be a list of text, got {value}",
            where=where,
            key=key,
            value=repr(value),
        )
    return tuple(v.strip() for v in value)


def _labels(table: Mapping[str, Any], where: str) -> dict[str, str]:
    value = table.get("labels", {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _Bad("{where}: `labels` must be a table of text per language", where=where)
    return dict(value)


def _unknown_keys(table: Mapping[str, Any], known: set[str], where: str) -> None:
    for key in table:
        if key not in known:
            raise _Bad(
                "{where}: unknown key `{key}` (known: {known})",
                where=where,
                key=key,
                known=", ".join(sorted(known)),
            )


def parse_field(table: Any, where: str) -> FieldSpec:
    if not isinstance(table, dict):
        raise _Bad("{where}: a field must be a table", where=where)
    _unknown_keys(table, _FIELD_KEYS, where)
    name = _text(table, "name", where)
    where = Phrase("field {name}", name=repr(name))
    if not _NAME.match(name):
        raise _Bad(
            "{where}: a field name is letters, digits and _ (not starting with a digit)",
            where=where,
        )
    kind = table.get("type", "text")
    try:
        field_type = FieldType(kind)
    except ValueError:
        known = ", ".join(t.value for t in FieldType)
        raise _Bad(
            "{where}: unknown type {kind} (known: {known})",
            where=where,
            kind=repr(kind),
            known=known,
        ) from None
    required = table.get("required", False)
    if not isinstance(required, bool):
        raise _Bad("{where}: `required` must be true or false", where=where)
    choices = _texts(table, "choices", where)
    if field_type is FieldType.CHOICE and not choices:
        raise _Bad("{where}: a choice field needs `choices`", where=where)
    if choices and field_type is not FieldType.CHOICE:
        raise _Bad("{where}: only a choice field has `choices`", where=where)
    spec = FieldSpec(
        name=name,
        label=_text(table, "label", where, required=False) or name.replace("_", " ").capitalize(),
        type=field_type,
        required=required,
        choices=choices,
        default=table.get("default"),
        help=_text(table, "help", where, required=False),
        labels=_labels(table, where),
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
        raise _Bad(
            "{where}: default {value} does not suit a {type} field",
            where=where,
            value=repr(value),
            type=spec.type,
        )
    if spec.type is FieldType.CHOICE and value not in spec.choices:
        raise _Bad(
            "{where}: default {value} is not one of its choices", where=where, value=repr(value)
        )


def split_front_matter(source: str) -> tuple[str, str, int]:
    """(front matter, body, file line where the body starts)."""
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise _Bad(
            "the file must start with a `{fence}` line and TOML front matter", 1, fence=FENCE
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise _Bad("the front matter has no closing `{fence}` line", 1, fence=FENCE)


def parse_template(source: str, path: Path | None = None) -> NoteTemplate:
    """One template file; raises TemplateError naming the file and line."""
    where = str(path) if path else "<template>"
    try:
        return _parse_template(source, path)
    except _Bad as exc:
        raise TemplateError("{where}: {reason}", where=_at(where, exc.line), reason=exc) from None


def _parse_template(source: str, path: Path | None) -> NoteTemplate:
    front, body, body_line = split_front_matter(source)
    meta = _toml(front, 2)
    at = control_at(body)
    if at is not None:  # the text goes into notes and onto screens
        raise _Bad(
            "the template's text holds the control character {char} "
            "(only tabs and line breaks may be in it)",
            body_line + body.count("\n", 0, at),
            char=control_name(body[at]),
        )
    lines = front.splitlines()
    try:
        _unknown_keys(meta, _TEMPLATE_KEYS, "front matter")
        template_id = _text(meta, "id", "front matter")
        locale = _text(meta, "locale", "front matter")
        version = meta.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise _Bad(
                "front matter: `version` must be a whole number ≥ 1, got {version}",
                version=repr(version),
            )
        raw_fields = meta.get("fields", [])
        if not isinstance(raw_fields, list):
            raise _Bad("front matter: `fields` must be an array of tables ([[fields]])")
    except _Bad as exc:
        # The line that sets the key at fault; a missing key: the front matter's first.
        key = _key_in_message(str(exc))
        exc.line = exc.line or (key and _line_of(lines, _key_pattern(key), 2)) or 1
        raise
    fields: list[FieldSpec] = []
    for number, table in enumerate(raw_fields, start=1):
        try:
            spec = parse_field(table, Phrase("field #{number}", number=number))
        except _Bad as exc:
            # Within this field's [[fields]] table: the key at fault, else its name, else
            # its header.
            header = _line_of(lines, r"^\s*\[\[\s*fields\s*\]\]", 2, number) or 2
            own = lines[header - 2 :]  # `lines` starts at file line 2
            end = next((n for n, s in enumerate(own) if n and s.lstrip().startswith("[")), None)
            own = own[:end]
            key = _key_in_message(str(exc))
            at = _line_of(own, _key_pattern(key), header) if key and key != "fields" else None
            exc.line = exc.line or at or _line_of(own, _key_pattern("name"), header) or header
            raise
        if any(f.name == spec.name for f in fields):
            raise _Bad(
                "field {name} is declared twice",
                _line_of(lines, rf"name\s*=\s*[\"']{re.escape(spec.name)}[\"']", 2, 2),
                name=repr(spec.name),
            )
        fields.append(spec)
    return NoteTemplate(
        id=template_id,
        title=_text(meta, "title", "front matter", required=False) or template_id,
        locale=locale,
        version=version,
        codes=_texts(meta, "codes", "front matter"),
        fields=tuple(fields),
        body=body,
        path=path,
        body_line=body_line,
    )


def parse_codes(
    source: str, path: Path | None = None
) -> tuple[tuple[WrapupCode, ...], dict[str, FieldSpec]]:
    """`codes.toml`: `[[codes]]` entries and shared `[fields.NAME]` a code may require."""
    where = str(path) if path else CODES_FILE
    lines = source.splitlines()
    try:
        data = _toml(source, 1)
        _unknown_keys(data, {"codes", "fields", "categories"}, "codes file")
        categories = _parse_categories(data.get("categories", {}), lines)
        raw_codes = data.get("codes", [])
        if not isinstance(raw_codes, list):
            raise _Bad("`codes` must be an array of tables ([[codes]])")
        codes: list[WrapupCode] = []
        for number, table in enumerate(raw_codes, start=1):
            try:
                codes.append(_parse_code(table, f"code #{number}", categories))
            except _Bad as exc:
                # Lines are looked up only for a message: every start reads this file.
                name = table.get("code") if isinstance(table, dict) else None
                if isinstance(name, str):
                    pattern = rf"code\s*=\s*[\"']{re.escape(name)}[\"']"
                    exc.line = exc.line or _line_of(lines, pattern, 1)
                raise
            if sum(c.code == codes[-1].code for c in codes) > 1:
                pattern = rf"code\s*=\s*[\"']{re.escape(codes[-1].code)}[\"']"
                raise _Bad(
                    "code {code} is listed twice",
                    _line_of(lines, pattern, 1, 2),
                    code=repr(codes[-1].code),
                )
        raw_fields = data.get("fields", {})
        if not isinstance(raw_fields, dict):
            raise _Bad("`fields` must be tables ([fields.NAME])")
        shared: dict[str, FieldSpec] = {}
        for name, table in raw_fields.items():
            try:
                shared[name] = parse_field(
                    {"name": name, **(table if isinstance(table, dict) else {})},
                    f"field {name!r}",
                )
            except _Bad as exc:
                exc.line = exc.line or _line_of(lines, rf"^\s*\[fields\.{re.escape(name)}\]", 1)
                raise
    except _Bad as exc:
        raise TemplateError("{where}: {reason}", where=_at(where, exc.line), reason=exc) from None
    return tuple(codes), shared


def _parse_categories(raw: Any, lines: list[str]) -> dict[str, CodeCategory]:
    """`[categories.NAME]` tables: the upper level of the code hierarchy."""
    if not isinstance(raw, dict):
        raise _Bad("`categories` must be tables ([categories.NAME])")
    found = {}
    for name, table in raw.items():
        where = Phrase("category {name}", name=repr(name))
        try:
            if not isinstance(table, dict):
                raise _Bad("{where}: a category must be a table", where=where)
            _unknown_keys(table, _CATEGORY_KEYS, where)
            found[name] = CodeCategory(
                name, _text(table, "label", where, required=False) or name, _labels(table, where)
            )
        except _Bad as exc:
            pattern = rf"^\s*\[categories\.{re.escape(name)}\]"
            exc.line = exc.line or _line_of(lines, pattern, 1)
            raise
    return found


def _flags(table: Mapping[str, Any], where: str) -> dict[str, bool | str | int]:
    value = table.get("sets", {})
    if not isinstance(value, dict):
        raise _Bad("{where}: `sets` must be a table of field = value", where=where)
    for name, flag in value.items():
        if not _NAME.match(name):
            raise _Bad("{where}: `sets`: {name} is not a field name", where=where, name=repr(name))
        if not isinstance(flag, bool | str | int) or isinstance(flag, float):
            raise _Bad(
                "{where}: `sets.{name}` must be true/false, text or a whole number",
                where=where,
                name=name,
            )
    return dict(value)


def _parse_code(
    table: Any, where: str, categories: Mapping[str, CodeCategory] | None = None
) -> WrapupCode:
    if not isinstance(table, dict):
        raise _Bad("{where}: a code must be a table", where=where)
    _unknown_keys(table, _CODE_KEYS, where)
    code = _text(table, "code", where)
    if not re.match(r"^[a-z0-9][a-z0-9_-]*$", code):
        raise _Bad("code {code}: a code is lower-case letters, digits, - and _", code=repr(code))
    where = Phrase("code {code}", code=repr(code))
    category_name = _text(table, "category", where, required=False)
    category = None
    if category_name:
        category = (categories or {}).get(category_name)
        if category is None:
            known = ", ".join(sorted(categories or {})) or "none"
            raise _Bad(
                "{where}: unknown category `{category_name}` (declare it as [categories.{category_name}]; known: {known})",
                where=where,
                category_name=category_name,
                known=known,
            )
    use = _text(table, "use", where, required=False) or CodeUse.ANY.value
    if use not in {u.value for u in CodeUse}:
        raise _Bad(
            "{where}: `use` must be any, primary or secondary, got {use}",
            where=where,
            use=repr(use),
        )
    follow_up = table.get("follow_up", False)
    if not isinstance(follow_up, bool):
        raise _Bad(
            "{where}: `follow_up` must be true or false, got {follow_up}",
            where=where,
            follow_up=repr(follow_up),
        )
    requires = _texts(table, "requires", where)
    forbids = _texts(table, "forbids", where)
    both = sorted(set(requires + (FOLLOW_UP_FIELDS if follow_up else ())) & set(forbids))
    if both:
        raise _Bad("{where}: `{both}` is both required and forbidden", where=where, both=both[0])
    return WrapupCode(
        code=code,
        label=_text(table, "label", where, required=False) or code,
        template=_text(table, "template", where, required=False) or None,
        requires=requires,
        labels=_labels(table, where),
        help=_text(table, "help", where, required=False),
        category=category,
        use=CodeUse(use),
        forbids=forbids,
        follow_up=follow_up,
        sets=_flags(table, where),
    )


def _read(path: Path) -> str:
    try:
        return read_file_text(path)  # a BOM is no mistake
    except UnicodeDecodeError as exc:
        raise TemplateError(
            "{file}: not UTF-8 text (byte {byte})", file=path, byte=exc.start
        ) from None
    except OSError as exc:
        raise TemplateError(
            "{file}: cannot read ({reason})", file=path, reason=exc.strerror
        ) from None


def load_library(folder: Path) -> TemplateLibrary:
    """Every template and code in `folder`; broken files become problems, not errors."""
    if not folder.is_dir():
        raise TemplateError("{folder}: no such templates folder", folder=folder)
    problems: list[Problem] = []
    templates: list[NoteTemplate] = []
    for path in sorted(folder.glob("*.j2")):
        try:
            template = parse_template(_read(path), path)
        except TemplateError as exc:
            problems.append(_problem(exc, path))
            continue
        twin = next((t for t in templates if t.key == template.key), None)
        if twin is not None:
            problems.append(
                Problem.of(
                    str(path),
                    1,
                    N_("{key} is also defined in {twin}"),
                    key=template.key,
                    twin=str(twin.path),
                )
            )
            continue
        templates.append(template)
    codes: tuple[WrapupCode, ...] = ()
    shared: dict[str, FieldSpec] = {}
    codes_path = folder / CODES_FILE
    if codes_path.is_file():
        try:
            codes, shared = parse_codes(_read(codes_path), codes_path)
        except TemplateError as exc:
            problems.append(_problem(exc, codes_path))
    else:
        problems.append(
            Problem(str(codes_path), None, N_("no codes file: no wrap-up codes"), "warning")
        )
    return TemplateLibrary(
        folder=folder,
        templates=tuple(templates),
        codes=codes,
        shared_fields=shared,
        problems=tuple(problems),
        codes_path=codes_path if codes_path.is_file() else None,
    )


def _problem(exc: TemplateError, path: Path) -> Problem:
    """Turn a TemplateError's "path:line: text" back into a Problem (keeping the
    template of what is wrong, so that it is shown in the reader's language)."""
    where, reason = exc.params.get("where"), exc.params.get("reason")
    if isinstance(reason, AcwError) and isinstance(where, str):
        at = where.removeprefix(str(path)).removeprefix(":")
        return Problem.of_error(str(path), int(at) if is_number_text(at) else None, reason)
    line, template, params = without_where(exc)
    return Problem.of(str(path), line, template, **params)
