"""Reading `templates/*.j2` (TOML front matter between `+++` lines) and `codes.toml`.

A folder is read leniently: a broken file is left out and reported as a Problem, so
one bad template written by a team lead never takes the agent's screen down. Lint
reads the same way and adds its own deeper checks.
"""

from __future__ import annotations

import re
from pathlib import Path

from acw_tui.core.entry_checks import Mistake
from acw_tui.core.file_bytes import read_file_text
from acw_tui.core.inputs import is_number_text
from acw_tui.core.printable import control_at, control_name
from acw_tui.core.problems import without_where
from acw_tui.core.templates.codes_file import CODES_FILE, CodesFile, parse_codes, read_codes
from acw_tui.core.templates.model import (
    FieldSpec,
    NoteTemplate,
    Problem,
    TemplateError,
    TemplateLibrary,
)
from acw_tui.core.templates.tables import (
    at,
    key_in_message,
    key_pattern,
    line_of,
    parse_field,
    refuse_unknown_keys,
    text,
    texts,
    toml,
)
from acw_tui.errors import N_, AcwError, Phrase, os_reason

__all__ = ["CODES_FILE", "load_library", "parse_codes", "parse_template", "split_front_matter"]

FENCE = "+++"
_TEMPLATE_KEYS = {"id", "title", "locale", "version", "codes", "fields"}


def split_front_matter(source: str) -> tuple[str, str, int]:
    """(front matter, body, file line where the body starts)."""
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise Mistake(
            "the file must start with a `{fence}` line and TOML front matter", 1, fence=FENCE
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise Mistake("the front matter has no closing `{fence}` line", 1, fence=FENCE)


def parse_template(source: str, path: Path | None = None) -> NoteTemplate:
    """One template file; raises TemplateError naming the file and line."""
    where = str(path) if path else "<template>"
    try:
        return _parse_template(source, path)
    except Mistake as exc:
        raise TemplateError("{where}: {reason}", where=at(where, exc.line), reason=exc) from None


def _parse_template(source: str, path: Path | None) -> NoteTemplate:
    front, body, body_line = split_front_matter(source)
    meta = toml(front, 2)
    at = control_at(body)
    if at is not None:  # the text goes into notes and onto screens
        raise Mistake(
            "the template's text holds the control character {char} "
            "(only tabs and line breaks may be in it)",
            body_line + body.count("\n", 0, at),
            char=control_name(body[at]),
        )
    lines = front.splitlines()
    try:
        refuse_unknown_keys(meta, _TEMPLATE_KEYS, "front matter")
        template_id = text(meta, "id", "front matter")
        locale = text(meta, "locale", "front matter")
        version = meta.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise Mistake(
                "front matter: `version` must be a whole number ≥ 1, got {version}",
                version=repr(version),
            )
        raw_fields = meta.get("fields", [])
        if not isinstance(raw_fields, list):
            raise Mistake("front matter: `fields` must be an array of tables ([[fields]])")
    except Mistake as exc:
        # The line that sets the key at fault; a missing key: the front matter's first.
        key = key_in_message(str(exc))
        exc.line = exc.line or (key and line_of(lines, key_pattern(key), 2)) or 1
        raise
    fields: list[FieldSpec] = []
    for number, table in enumerate(raw_fields, start=1):
        try:
            spec = parse_field(table, Phrase("field #{number}", number=number))
        except Mistake as exc:
            # Within this field's [[fields]] table: the key at fault, else its name, else
            # its header.
            header = line_of(lines, r"^\s*\[\[\s*fields\s*\]\]", 2, number) or 2
            own = lines[header - 2 :]  # `lines` starts at file line 2
            end = next((n for n, s in enumerate(own) if n and s.lstrip().startswith("[")), None)
            own = own[:end]
            key = key_in_message(str(exc))
            at = line_of(own, key_pattern(key), header) if key and key != "fields" else None
            exc.line = exc.line or at or line_of(own, key_pattern("name"), header) or header
            raise
        if any(f.name == spec.name for f in fields):
            raise Mistake(
                "field {name} is declared twice",
                line_of(lines, rf"name\s*=\s*[\"']{re.escape(spec.name)}[\"']", 2, 2),
                name=repr(spec.name),
            )
        fields.append(spec)
    return NoteTemplate(
        id=template_id,
        title=text(meta, "title", "front matter", required=False) or template_id,
        locale=locale,
        version=version,
        codes=texts(meta, "codes", "front matter"),
        fields=tuple(fields),
        body=body,
        path=path,
        body_line=body_line,
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
            "{file}: cannot read ({reason})", file=path, reason=os_reason(exc)
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
    codes_file = CodesFile()
    codes_path = folder / CODES_FILE
    if codes_path.is_file():
        try:
            codes_file = read_codes(_read(codes_path))
        except TemplateError as exc:
            problems.append(_problem(exc, codes_path))
            codes_file = CodesFile(unread=True)
        problems += [Problem.of_error(str(codes_path), m.line, m) for m in codes_file.mistakes]
    else:
        problems.append(
            Problem(str(codes_path), None, N_("no codes file: no wrap-up codes"), "warning")
        )
    return TemplateLibrary(
        folder=folder,
        templates=tuple(templates),
        codes=codes_file.codes,
        shared_fields=dict(codes_file.shared),
        problems=tuple(problems),
        codes_path=codes_path if codes_path.is_file() else None,
        set_aside_codes=codes_file.set_aside,
        codes_unread=codes_file.unread,
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
