"""`acw report`: ACW figures for team leads, with the formula behind each one (SPEC §9).

Its help, like the report, is in the chosen language: the texts are marked with `N_`
where declared and translated when the help is shown (the language is chosen after
this module may have been imported).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from acw_tui.cli import TEXT, Checked, Translated
from acw_tui.i18n import N_, _


def _factor(value: str, what: str) -> float:
    from acw_tui.core.inputs import factor

    return factor(value, what)


GROUPINGS = ("agent", "team", "queue", "code", "template", "day", "hour")
FORMATS = ("table", "csv", "json", "md", "html")


@click.command(
    "report",
    cls=Translated,
    help=(
        "ACW figures (calls, total/average/median/p90 ACW, ACW %, AHT, compliance, "
        "time-outs, extensions), outliers against the team median and shorthand use.\n\n"
        "Every figure is printed with its formula. Reads the local store, or the hub's "
        "store with --hub-db. Example: acw report --since 7d --by agent --format html "
        "-o week.html\n\n"
        "Table, Markdown and HTML are in the chosen language (--lang); CSV and JSON keep "
        "the same English keys and values in every language, for programs."
    ),
)
@click.option(
    "--by",
    type=click.Choice(GROUPINGS),
    help=N_("One row per agent, team (site), queue, code, template, day or hour (UTC)."),
)
@click.option("--since", type=TEXT, metavar="AGE", help=N_("Only the last AGE: 30m, 12h, 7d, 2w."))
@click.option(
    "--from",
    "start",
    type=TEXT,
    metavar="DATE",
    help=N_("Start of the range (ISO date or time, UTC)."),
)
@click.option(
    "--to",
    "end",
    type=TEXT,
    metavar="DATE",
    help=N_("End of the range; a bare date includes that day."),
)
@click.option(
    "--agent",
    "agents",
    multiple=True,
    type=TEXT,
    metavar="ID",
    help=N_("Only this agent (repeatable)."),
)
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=TEXT,
    metavar="Q",
    help=N_("Only this queue (repeatable)."),
)
@click.option(
    "--site",
    "sites",
    multiple=True,
    type=TEXT,
    metavar="SITE",
    help=N_("Only this site (repeatable)."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help=N_("html is one self-contained file with charts."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("Write to FILE."),
)
@click.option(
    "--hub-db",
    metavar="URL",
    help=N_("Read the hub's store (all sites): sqlite:///path/hub.db or postgresql://…"),
)
@click.option(
    "--outlier-factor",
    type=Checked(_factor),
    help=N_("Override [report] outlier_factor (default 1.5)."),
)
@click.option(
    "--now",
    "now_text",
    type=TEXT,
    metavar="ISO-TIME",
    help=N_("Make the report as of this time."),
)
def report(
    by: str | None,
    since: str | None,
    start: str | None,
    end: str | None,
    agents: tuple[str, ...],
    queues: tuple[str, ...],
    sites: tuple[str, ...],
    fmt: str,
    output: Path | None,
    hub_db: str | None,
    outlier_factor: float | None,
    now_text: str | None,
) -> None:
    # The help is the command's `help=` above (marked for the catalogs).
    from acw_tui.reports.assemble import build_report
    from acw_tui.reports.options import ReportSettings, parse_bound, report_range
    from acw_tui.reports.queries import Selection
    from acw_tui.reports.render import render
    from acw_tui.reports.source import ReportError, opened
    from acw_tui.settings import config as config_module
    from acw_tui.settings.paths import database_file

    settings = config_module.section(config_module.load_config(), "report", ReportSettings)
    now = parse_bound(now_text, "--now", end=False) if now_text else datetime.now(UTC)
    begin, finish = report_range(since, start, end, now)
    factor = (
        outlier_factor
        if outlier_factor is not None
        else _factor(settings.outlier_factor, "[report] outlier_factor")
    )
    if not 10 <= settings.typing_cpm <= 2000:
        raise ReportError(
            _(
                "[report] typing_cpm: must be between 10 and 2000 characters a minute, got {value}"
            ).format(value=f"{settings.typing_cpm:g}")
        )
    selection = Selection(begin, finish, agents, queues, sites)
    with opened(hub_db, database_file()) as source:
        made = build_report(
            source,
            selection,
            now,
            by=by,
            outlier_factor=factor,
            charts=fmt == "html",
            typing_cpm=settings.typing_cpm,
        )
    text = render(made, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    from acw_tui.files import write_file

    write_file(output, text)
    click.echo(_("report written to {path}").format(path=output), err=True)
