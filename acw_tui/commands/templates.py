"""`acw templates list|lint|render`: the team lead's tools for note templates."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from acw_tui.cli import AcwGroup, counted
from acw_tui.core.file_bytes import read_file_text
from acw_tui.core.printable import flat
from acw_tui.errors import os_reason
from acw_tui.i18n import _, said

if TYPE_CHECKING:
    from acw_tui.core.templates import WrapupCode

_TEMPLATES_OPTION = click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Templates folder (default: the configured one).",
)


def _library(templates_dir: Path | None) -> Any:
    from acw_tui.settings.config import load_config
    from acw_tui.settings.templates import load_configured_library

    return load_configured_library(load_config(), templates_dir)


@click.group("templates", cls=AcwGroup)
def templates_group() -> None:
    """Note templates and wrap-up codes: list, lint, render."""


def _code_rules(code: WrapupCode) -> str:
    """The rules a code carries, as the `list --codes` line shows them."""
    parts = []
    if code.required_fields:
        parts.append(_("requires {fields}").format(fields=", ".join(code.required_fields)))
    if code.forbids:
        parts.append(_("forbids {fields}").format(fields=", ".join(code.forbids)))
    if code.follow_up:
        parts.append(_("implies a follow-up"))
    if code.sets:
        values = ", ".join(f"{k}={v}" for k, v in code.sets.items())
        parts.append(_("sets {values}").format(values=values))
    if code.use.value != "any":
        parts.append(_("{use} only").format(use=code.use.value))
    return ("  " + "; ".join(parts)) if parts else ""


@templates_group.command("list")
@_TEMPLATES_OPTION
@click.option("--codes", "show_codes", is_flag=True, help="List the wrap-up codes instead.")
def list_templates(templates_dir: Path | None, show_codes: bool) -> None:
    """List templates (id, languages, version, fields) or wrap-up codes."""
    library = _library(templates_dir)
    if show_codes:
        from acw_tui.core.templates import TemplateError

        broken = [
            p
            for p in library.problems
            if p.severity == "error"
            and library.codes_path is not None
            and p.path == str(library.codes_path)
        ]
        if broken:
            raise TemplateError("{problem} (no codes listed)", problem=broken[0])
        # Grouped by category (the hierarchy), codes without one last.
        groups = [(c.id, c.label) for c in library.categories()] + [(None, _("Other"))]
        for category_id, category_label in groups:
            members = [
                c for c in library.codes if (c.category.id if c.category else None) == category_id
            ]
            if not members:
                continue
            click.echo(f"{flat(category_label)}:")
            for code in members:
                click.echo(
                    f"  {flat(code.code):<16} {flat(code.label):<28} → "
                    f"{flat(code.template or '–')}{flat(_code_rules(code))}"
                )
        return
    for template_id in library.ids():
        first = library.get(template_id)
        versions = [t for t in library.templates if t.id == template_id]
        locales = ",".join(t.locale for t in versions)
        required = sum(f.required for f in first.fields)
        fields = _("{fields} ({required} required)").format(
            fields=counted("{count} field", "{count} fields", len(first.fields)), required=required
        )
        click.echo(
            f"{flat(template_id):<18} v{first.version:<3} {flat(locales):<12} {fields}  "
            f"{flat(first.title)}"
        )
    for problem in library.problems:
        click.echo(said(problem), err=True)
    click.echo(
        _("{templates}, {codes} in {folder}").format(
            templates=counted("{count} template", "{count} templates", len(library.ids())),
            codes=counted("{count} code", "{count} codes", len(library.codes)),
            folder=library.folder,
        )
    )


@templates_group.command("lint")
@_TEMPLATES_OPTION
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
def lint_templates(templates_dir: Path | None, strict: bool) -> None:
    """Check every template and codes.toml; prints FILE:LINE: severity: problem.

    Exits 1 when an error is found (with --strict, a warning too), else 0.
    """
    from acw_tui.core.templates.lint import lint_library

    library = _library(templates_dir)
    problems = lint_library(library)
    for problem in problems:
        click.echo(said(problem))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(
        _("{files}, {codes}: {errors}, {warnings}").format(
            files=counted(
                "{count} template file", "{count} template files", len(library.templates)
            ),
            codes=counted("{count} code", "{count} codes", len(library.codes)),
            errors=counted("{count} error(s)", "{count} error(s)", errors),
            warnings=counted("{count} warning(s)", "{count} warning(s)", warnings),
        ),
        err=True,
    )
    if errors or (strict and warnings):
        sys.exit(1)


MAX_DEPTH = 16  # field values are texts, numbers and short lists; no deeper


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in a JSON value (counted without recursion)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                todo.extend(
                    (v, level + 1) for v in (item.values() if isinstance(item, dict) else item)
                )
    return deepest


def _read_data(data: str | None) -> dict[str, Any]:
    if data is None:
        return {}
    source = "--data"
    if data == "-":
        raw, source = sys.stdin.buffer.read(), "stdin"
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise click.BadParameter(
                _("{file}: not UTF-8 text (byte {byte})").format(file="stdin", byte=exc.start)
            ) from None
    elif data.startswith("@"):
        path = Path(data[1:])
        try:
            data, source = read_file_text(path), str(path)
        except UnicodeDecodeError as exc:
            raise click.BadParameter(
                _("{file}: not UTF-8 text (byte {byte})").format(file=path, byte=exc.start)
            ) from None
        except OSError as exc:
            raise click.BadParameter(
                _("{file}: cannot read ({reason})").format(file=path, reason=said(os_reason(exc)))
            ) from None
    too_deep = _("{source}: JSON nested more than {depth} levels deep")
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(
            _("{source}: not JSON: {reason} at line {line}, column {column}").format(
                source=source, reason=exc.msg, line=exc.lineno, column=exc.colno
            )
        ) from None
    except RecursionError:
        raise click.BadParameter(too_deep.format(source=source, depth=MAX_DEPTH)) from None
    if _depth(value) > MAX_DEPTH:
        raise click.BadParameter(too_deep.format(source=source, depth=MAX_DEPTH))
    if not isinstance(value, dict):
        raise click.BadParameter(
            _("{source}: expected a JSON object of field values").format(source=source)
        )
    return value


@templates_group.command("render")
@click.argument("template_id")
@_TEMPLATES_OPTION
@click.option(
    "--data",
    metavar="JSON",
    help='Field values as a JSON object, @FILE or - for stdin, e.g. \'{"reason": "billing"}\'.',
)
@click.option("--locale", metavar="LANG", help="Language (default: the configured one).")
@click.option("--code", "codes", multiple=True, metavar="CODE", help="A wrap-up code (repeatable).")
@click.option("--notes", default="", metavar="TEXT", help="The agent's free notes.")
def render_template(
    template_id: str,
    templates_dir: Path | None,
    data: str | None,
    locale: str | None,
    codes: tuple[str, ...],
    notes: str,
) -> None:
    """Render TEMPLATE_ID with field values and print the note.

    Values are checked as the form checks them; a missing required field or a bad
    value is reported (exit 1) after the note is printed.
    """
    from acw_tui.core.printable import shown_lines
    from acw_tui.core.templates import TemplateError
    from acw_tui.core.templates.form import NoteForm
    from acw_tui.settings.config import load_config
    from acw_tui.settings.templates import load_configured_library

    config = load_config()
    library = load_configured_library(config, templates_dir)
    values = _read_data(data)
    locale = locale or config.locale
    library.get(template_id, locale)  # unknown id: one clear line
    for code in codes:
        if library.code(code) is None:
            known = ", ".join(c.code for c in library.codes)
            raise TemplateError(
                "unknown code {code} (known: {known})", code=repr(code), known=known
            )
    form = NoteForm(library, locale)
    form.set_codes(codes)
    form.choose_template(template_id)
    known_fields = {f.name for f in form.fields()}
    for name, value in values.items():
        if name not in known_fields:
            raise click.BadParameter(
                _("--data: {template} has no field {name} (fields: {fields})").format(
                    template=template_id, name=repr(name), fields=", ".join(sorted(known_fields))
                )
            )
        form.set_value(name, value)
    form.notes = notes
    check = form.check()
    rendered = form.render(check)
    # What is printed is what finishing would store: card data redacted under the
    # site's policy, as the screen does.
    from acw_tui.core.redaction import redactor_for
    from acw_tui.settings.redaction import policy_from_config

    # A control character in a value given here is shown, never acted on (the screen's
    # fields cannot hold one).
    note = redactor_for(policy_from_config(config)).redact(rendered.text).text
    click.echo(shown_lines(note))
    # Everything wrong, in one line on stderr (the note itself is on stdout).
    wrong = [f"{template_id}: {problem}" for problem in check.problems()]
    if rendered.error:
        wrong.insert(
            0, _("error: {reason} (printed a plain note instead)").format(reason=rendered.error)
        )
    if wrong:
        click.echo(flat("; ".join(wrong)), err=True)
        sys.exit(1)
