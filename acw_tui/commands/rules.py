"""`acw rules lint|check`: the team lead's tools for note-quality rules (SPEC §14)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from acw_tui.cli import TEXT

_TEMPLATES_OPTION = click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Templates folder holding quality.toml (default: the configured one).",
)


@click.group("rules")
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
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in problems)
    click.echo(
        f"{len(rules.elements)} elements, {len(rules.rules)} rules: "
        f"{errors} error(s), {len(problems) - errors} warning(s)",
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
        raise click.UsageError(f"{note_file.name}: not UTF-8 text (byte {exc.start})") from None
    rules, _ = lint_folder(templates_dir)
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
    for verdict in result.verdicts:
        mark = "ok  " if verdict.passed else ("CRIT" if verdict.critical else "miss")
        click.echo(f"{mark} {verdict.rule:<24} {verdict.label}: {verdict.why}")
    score = "–" if result.score is None else f"{result.score:g}"
    click.echo(f"score {score}/100" + ("; critical item missing" if result.critical_failed else ""))
