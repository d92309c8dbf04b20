"""`acw rules lint|check`: the team lead's tools for note-quality rules (SPEC §14)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from acw_tui.cli import TEXT, AcwGroup, cells, counted, padded
from acw_tui.i18n import N_, _, said

# The first column of `acw rules check`: (passed, critical and failed) -> mark.
VERDICT_MARKS = {(True, False): N_("ok"), (False, True): N_("CRIT"), (False, False): N_("miss")}

_TEMPLATES_OPTION = click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Templates folder holding quality.toml (default: the configured one).",
)


@click.group("rules", cls=AcwGroup)
def rules_group() -> None:
    """Note-quality rules (quality.toml beside the templates): lint, check."""


@rules_group.command("lint")
@_TEMPLATES_OPTION
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
def lint_rules_command(templates_dir: Path | None, strict: bool) -> None:
    """Check quality.toml; prints FILE:LINE: severity: problem.

    Exits 1 when an error is found (with --strict, a warning too), else 0.
    """
    from acw_tui.service.quality import lint_folder

    rules, problems = lint_folder(templates_dir)
    for problem in problems:
        click.echo(said(problem))
    errors = sum(p.severity == "error" for p in problems)
    click.echo(
        _("{elements}, {rules}: {errors}, {warnings}").format(
            elements=counted("{count} element", "{count} elements", len(rules.elements)),
            rules=counted("{count} rule", "{count} rules", len(rules.rules)),
            errors=counted("{count} error(s)", "{count} error(s)", errors),
            warnings=counted("{count} warning(s)", "{count} warning(s)", len(problems) - errors),
        ),
        err=True,
    )
    if errors or (strict and problems):
        sys.exit(1)


@rules_group.command("check")
@_TEMPLATES_OPTION
@click.argument("note_file", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--code", "codes", multiple=True, type=TEXT, help="A wrap-up code (repeatable).")
@click.option("--template", "template_id", type=TEXT, help="The template id of the note.")
@click.option(
    "--lang",
    "language",
    type=click.Choice(("en", "pl", "es", "zh")),
    default="en",
    help="The note's language.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
def check_rules_command(
    templates_dir: Path | None,
    note_file: click.utils.LazyFile,
    codes: tuple[str, ...],
    template_id: str | None,
    language: str,
    as_json: bool,
) -> None:
    """Judge one note (a file, or stdin) against the rules: each verdict with its rule."""
    from acw_tui.core.quality import NoteInput, QualityChecker
    from acw_tui.service.quality import lint_folder

    try:
        text = note_file.read()
    except UnicodeDecodeError as exc:
        raise click.UsageError(
            _("{file}: not UTF-8 text (byte {byte})").format(file=note_file.name, byte=exc.start)
        ) from None
    rules, problems = lint_folder(templates_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:  # a score from the rules that still load would pass for the team's verdict
        raise click.ClickException(
            _("{first} ({count} error(s) in all): fix the rules first (`acw rules lint`)").format(
                first=said(errors[0]), count=len(errors)
            )
        )
    result = QualityChecker(rules).check(NoteInput(text, {}, codes, template_id, language))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "score": result.score,
                    "critical_failed": result.critical_failed,
                    "verdicts": [vars(v) for v in result.verdicts],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    width = max(cells(_(mark)) for mark in VERDICT_MARKS.values())
    for verdict in result.verdicts:
        mark = _(VERDICT_MARKS[(verdict.passed, verdict.critical and not verdict.passed)])
        click.echo(
            f"{padded(mark, width, left=True)} {verdict.rule:<24} {verdict.label}: {verdict.why}"
        )
    score = "–" if result.score is None else f"{result.score:g}"
    if result.critical_failed:
        click.echo(_("score {score}/100; critical item missing").format(score=score))
    else:
        click.echo(_("score {score}/100").format(score=score))
