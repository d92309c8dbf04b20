"""`acw templates lint`: what is wrong with a templates folder, by file and line.

Errors make a template unusable or wrong (syntax, a name no field declares, a reach
for Python internals, an unknown code, a trial render that fails); warnings point at
likely mistakes (a field declared but never printed, notes not printed, a language
missing, fields that differ between languages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes

from acw_tui.core.file_bytes import read_file_text
from acw_tui.core.problems import card_data_in
from acw_tui.core.templates.loader import load_library
from acw_tui.core.templates.model import (
    BUILTIN_NAMES,
    FieldType,
    NoteTemplate,
    Problem,
    TemplateLibrary,
    WrapupCode,
)
from acw_tui.core.templates.render import NoteRenderer
from acw_tui.core.templates.tables import key_pattern, line_of, table_lines
from acw_tui.errors import N_

LOCALES = ("en", "pl", "es", "zh")
_SAMPLE = {
    FieldType.TEXT: "sample",
    FieldType.MULTILINE: "first line\nsecond line",
    FieldType.BOOL: True,
    FieldType.DATE: "2026-01-05 10:00",
    FieldType.NUMBER: 42,
}


def lint_folder(folder: Path, locales: Iterable[str] = LOCALES) -> list[Problem]:
    library = load_library(folder)
    return lint_library(library, locales)


def lint_library(library: TemplateLibrary, locales: Iterable[str] = LOCALES) -> list[Problem]:
    problems = list(library.problems)
    renderer = NoteRenderer()
    # A code left out for a mistake is still one the file declares; when the file could
    # not be read at all, which codes it declares is unknown (its problem says why).
    known_codes = (
        None
        if library.codes_unread
        else {c.code for c in (*library.codes, *library.set_aside_codes)}
    )
    for template in library.templates:
        problems += _lint_template(template, library, renderer, known_codes)
        problems += card_data_in(template.path)
    problems += card_data_in(library.codes_path)
    problems += _lint_codes(library)
    problems += _lint_languages(library, tuple(locales))
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.severity, p.message))


def _front_line(template: NoteTemplate, pattern: str) -> int | None:
    if template.path is None:
        return None
    for number, text in enumerate(read_file_text(template.path).splitlines(), start=1):
        if number >= template.body_line:
            break
        if re.search(pattern, text):
            return number
    return None


def _lint_template(
    template: NoteTemplate,
    library: TemplateLibrary,
    renderer: NoteRenderer,
    known_codes: set[str] | None,
) -> list[Problem]:
    where = template.where
    offset = template.body_line - 1
    found: list[Problem] = []

    def add(line: int | None, template: str, severity: str = "error", **params: object) -> None:
        found.append(Problem.of(where, line, template, severity, **params))

    try:
        ast = renderer.env.parse(template.body)
    except TemplateSyntaxError as exc:
        add((exc.lineno or 1) + offset, N_("syntax error: {reason}"), reason=exc.message)
        return found

    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attr = node.arg.value if isinstance(node.arg.value, str) else None
        if attr and attr.startswith("_"):
            add(
                node.lineno + offset,
                N_("reaches for Python internals ({name}); not allowed"),
                name=repr(attr),
            )

    declared = {f.name for f in template.fields}
    allowed = declared | set(BUILTIN_NAMES) | set(library.shared_fields) | set(renderer.env.globals)
    first_use: dict[str, int] = {}
    assigned: set[str] = set()
    for name_node in ast.find_all(nodes.Name):
        if name_node.ctx == "load":
            first_use.setdefault(name_node.name, name_node.lineno)
        else:
            assigned.add(name_node.name)
    macros = {m.name for m in ast.find_all(nodes.Macro)}
    for name, line in sorted(first_use.items(), key=lambda item: item[1]):
        if name not in allowed and name not in assigned and name not in macros:
            add(line + offset, N_("`{name}` is used but no field declares it"), name=name)
    for spec in template.fields:
        if spec.name not in first_use:
            add(
                _front_line(template, rf"name\s*=\s*[\"']{re.escape(spec.name)}[\"']"),
                N_("field `{name}` is declared but never printed"),
                "warning",
                name=spec.name,
            )
    if "notes" not in first_use:
        add(
            template.body_line,
            N_("does not print `{notes}`; the agent's notes are added at the end"),
            "warning",
            notes="{{ notes }}",
        )
    for code in template.codes:
        if known_codes is not None and code not in known_codes:
            add(
                _front_line(template, r"^\s*codes\s*="),
                N_("unknown code `{code}` (not in codes.toml)"),
                code=code,
            )

    sample = {
        spec.name: spec.default
        if spec.default is not None
        else (spec.choices[0] if spec.choices else _SAMPLE.get(spec.type, "sample"))
        for spec in template.fields
    }
    rendered = renderer.render(template, sample, "sample notes", codes=template.codes[:1])
    if rendered.error:
        detail = rendered.error.removeprefix(f"{where}: ")
        match = re.search(r" at line (\d+)", detail)
        add(
            int(match.group(1)) if match else None,
            N_("a trial render {detail}"),
            detail=detail.replace(match.group(0), "") if match else detail,
        )
    return found


def _lint_codes(library: TemplateLibrary) -> list[Problem]:
    """What the codes name: a template, fields (codes set aside for a mistake too: what
    they name is checked in the same run)."""
    found: list[Problem] = []
    if library.codes_path is None:
        return found
    where = str(library.codes_path)
    ids = set(library.ids())
    declared_anywhere = set(library.shared_fields) | {
        f.name for t in library.templates for f in t.fields
    }
    for code in (*library.codes, *library.set_aside_codes):
        if code.template and code.template not in ids:
            found.append(
                Problem.of(
                    where,
                    _code_key_line(library.codes_path, code, "template"),
                    N_("code `{code}`: unknown template `{name}`"),
                    code=code.code,
                    name=code.template,
                )
            )
        for name in code.forbids:
            if name not in declared_anywhere:
                found.append(
                    Problem.of(
                        where,
                        _code_key_line(library.codes_path, code, "forbids"),
                        N_(
                            "code `{code}` forbids field `{name}`, which no template "
                            "nor [fields] in codes.toml declares"
                        ),
                        "warning",
                        code=code.code,
                        name=name,
                    )
                )
        suggested = [t for t in library.templates if t.id == code.template]
        for name in code.required_fields:
            if name in library.shared_fields:
                continue
            if not suggested or any(t.field(name) is None for t in suggested):
                key = "requires" if name in code.requires else "follow_up"
                found.append(
                    Problem.of(
                        where,
                        _code_key_line(library.codes_path, code, key),
                        N_(
                            "code `{code}` requires field `{name}`, which neither its "
                            "template nor [fields] in codes.toml declares"
                        ),
                        code=code.code,
                        name=name,
                    )
                )
    return found


def _code_key_line(path: Path, code: WrapupCode, key: str) -> int | None:
    """The line of `key` in the `[[codes]]` entry of `code` (else the entry's)."""
    if code.line is None:
        return None
    lines = read_file_text(path).splitlines()
    own = table_lines(lines, code.line)
    return line_of(own, key_pattern(key), code.line) or code.line


def _lint_languages(library: TemplateLibrary, locales: tuple[str, ...]) -> list[Problem]:
    found: list[Problem] = []
    for template_id in library.ids():
        versions = [t for t in library.templates if t.id == template_id]
        have = {t.locale for t in versions}
        first = versions[0]
        missing = [loc for loc in locales if loc not in have]
        if missing:
            found.append(
                Problem.of(
                    first.where,
                    1,
                    N_("`{name}` has no {languages} version"),
                    "warning",
                    name=template_id,
                    languages=", ".join(missing),
                )
            )
        names = [f.name for f in first.fields]
        for other in versions[1:]:
            if [f.name for f in other.fields] != names:
                found.append(
                    Problem.of(
                        other.where,
                        1,
                        N_(
                            "fields differ from {first} ({names}), so stored "
                            "values will not compare across languages"
                        ),
                        "warning",
                        first=first.key,
                        names=", ".join(names),
                    )
                )
    return found
