"""A report as text: an aligned table, CSV, JSON or Markdown (HTML is in `html.py`).

The table, Markdown and HTML are read by people: their headings, labels, notices and
formula texts follow the chosen language, and figures and dates are written the
language's way (`local_format`). CSV and JSON are read by programs: their keys (metric
names such as `acw_avg_s`) and values stay the same in every language, so a script
keeps working whatever `LANG` the machine it runs on has.

Every text is translated once per report (a heading once, not once per row).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

from rich.cells import cell_len

from acw_tui.core import metrics
from acw_tui.core.csv_cells import neutralise
from acw_tui.core.metrics import MetricsRow
from acw_tui.core.printable import markdown_cell, shown_lines
from acw_tui.i18n import N_, _, ngettext
from acw_tui.reports.assemble import Report
from acw_tui.reports.local_format import DASH, LocalFormat
from acw_tui.reports.queries import EVERYTHING

FORMATS = ("table", "csv", "json", "md", "html")

Show = Callable[[LocalFormat, Any], str]

# (metric, column heading, how a figure is shown to a person)
COLUMNS: list[tuple[str, str, Show]] = [
    ("calls", N_("calls"), lambda f, v: f.count(v)),
    ("acw_total_s", N_("ACW total"), lambda f, v: f.seconds(v)),
    ("acw_avg_s", N_("ACW avg"), lambda f, v: f.seconds(v)),
    ("acw_median_s", N_("median"), lambda f, v: f.seconds(v)),
    ("acw_p90_s", N_("p90"), lambda f, v: f.seconds(v)),
    ("acw_pct", N_("ACW %"), lambda f, v: f.percent(v)),
    ("aht_s", N_("AHT"), lambda f, v: f.seconds(v)),
    ("compliance_pct", N_("compliance"), lambda f, v: f.percent(v)),
    ("timeout_rate", N_("time-outs"), lambda f, v: f.percent(v, fraction=True)),
    ("extension_rate", N_("extended"), lambda f, v: f.percent(v, fraction=True)),
    ("quality_avg", N_("quality"), lambda f, v: f.whole(v)),
    ("critical_fail_rate", N_("crit fails"), lambda f, v: f.percent(v, fraction=True)),
]

# How each grouping reads after "ACW report, " (whole phrases: "by agent" is not
# "by" + "agent" in every language).
GROUPING_TITLES = {
    None: N_("all wrap-ups"),
    "agent": N_("by agent"),
    "team": N_("by team"),
    "queue": N_("by queue"),
    "code": N_("by code"),
    "template": N_("by template"),
    "day": N_("by day"),
    "hour": N_("by hour (UTC)"),
}

SHORTHAND_HEADINGS = (
    N_("abbr"),
    N_("expansion"),
    N_("used"),
    N_("undo rate"),
    N_("missed"),
    N_("missed most by"),
    N_("saved"),
)
TYPING_HEADINGS = (
    N_("team / agent"),
    N_("wrap-ups"),
    N_("keys"),
    N_("final chars"),
    N_("typed / final"),
    N_("time saved"),
)


def column_headings(report: Report) -> list[str]:
    """The figures table's headings in the chosen language, the group column first."""
    return [_("group") if report.by else "", *(_(heading) for _m, heading, _s in COLUMNS)]


def figure_cells(row: MetricsRow, shown: LocalFormat, by: str | None) -> list[str]:
    """One row of the figures table as a person reads it (the group name first; the one
    row of an ungrouped report (`by` None) is named in the chosen language)."""
    group = _("all") if by is None and row.group == EVERYTHING else row.group
    return [group, *(show(shown, getattr(row, name)) for name, _h, show in COLUMNS)]


def translated_formula(text: str) -> str:
    """A formula text of core.metrics in the chosen language (`make i18n` puts every
    one in the catalogs)."""
    return _(text)


def describe_range(report: Report, shown: LocalFormat | None = None) -> str:
    shown = shown or LocalFormat()
    start = report.selection.start
    end = (
        report.selection.end if report.selection.end and report.selection.end < report.now else None
    )
    shown_start = _("the beginning") if start is None else shown.moment(start)
    shown_end = (
        _("now ({time})").format(time=shown.moment(report.now))
        if end is None
        else shown.moment(end)
    )
    return _("{start} → {end} UTC").format(start=shown_start, end=shown_end)


def describe_filters(report: Report) -> str:
    parts = [
        text.format(names=", ".join(values))
        for text, values in (
            (_("agent {names}"), report.selection.agents),
            (_("queue {names}"), report.selection.queues),
            (_("site {names}"), report.selection.sites),
        )
        if values
    ]
    return "; ".join(parts) or _("no filters")


def grouping_title(by: str | None) -> str:
    return _(GROUPING_TITLES.get(by, N_("all wrap-ups")))


def title(report: Report, shown: LocalFormat | None = None) -> str:
    return _("ACW report, {grouping}: {range} ({filters})").format(
        grouping=grouping_title(report.by),
        range=describe_range(report, shown),
        filters=describe_filters(report),
    )


def _aligned(headings: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to the terminal cells each cell takes (a Chinese character takes two)."""
    widths = [
        max(cell_len(cell) for cell in column) for column in zip(headings, *rows, strict=False)
    ]
    lines = []
    for cells in [headings, *rows]:
        first, *rest = cells
        lines.append(
            "  ".join(
                [first + " " * (widths[0] - cell_len(first))]
                + [" " * (w - cell_len(c)) + c for c, w in zip(rest, widths[1:], strict=False)]
            )
        )
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def outlier_head(report: Report, shown: LocalFormat) -> str:
    return _("Outliers (median ACW above {factor} × the team median):").format(
        factor=shown.plain(report.outlier_factor)
    )


def outlier_lines(report: Report, shown: LocalFormat | None = None) -> list[str]:
    shown = shown or LocalFormat()
    head = outlier_head(report, shown)
    if not report.outliers:
        return [head, "  " + _("none")]
    line = _("{agent} ({site}): median {median}, {times} × team median {team}")
    return [head] + [
        "  "
        + line.format(
            agent=o.agent_id,
            site=o.site_id,
            median=shown.seconds(o.median_s),
            times=shown.ratio(o.times_team),
            team=shown.seconds(o.team_median_s),
        )
        for o in report.outliers
    ]


def shorthand_summary(report: Report, shown: LocalFormat) -> str:
    summary = report.shorthand
    return _(
        "{used} expansions used, undo rate {rate}, {missed} missed, {saved} keystrokes saved"
    ).format(
        used=shown.count(summary.used),
        rate=shown.percent(summary.undo_rate, fraction=True),
        missed=shown.count(summary.missed),
        saved=shown.count(summary.keystrokes_saved),
    )


def _missers(entry: Any) -> str:
    return ", ".join(f"{agent} ({n})" for agent, n in entry.top_missers) or DASH


def shorthand_rows(
    report: Report, shown: LocalFormat, *, cut: int | None = None
) -> list[list[str]]:
    return [
        [
            e.abbr,
            e.expansion if cut is None else e.expansion[:cut],
            shown.count(e.used),
            shown.percent(e.undo_rate, fraction=True),
            shown.count(e.missed),
            _missers(e),
            shown.count(e.keystrokes_saved),
        ]
        for e in report.shorthand.entries
    ]


def shorthand_lines(report: Report, shown: LocalFormat | None = None) -> list[str]:
    shown = shown or LocalFormat()
    if not report.shorthand.entries:
        return [_("Shorthand: no usage recorded in this range")]
    lines = [_("Shorthand: {summary}").format(summary=shorthand_summary(report, shown))]
    headings = [_(h) for h in SHORTHAND_HEADINGS]
    lines += ["  " + line for line in _aligned(headings, shorthand_rows(report, shown, cut=40))]
    return lines


# What a Markdown viewer would act on in text from the stores (an agent id, a queue, a
# note): a `|` splits a table cell, a line break ends the table, HTML runs.
def md(text: str) -> str:
    """`text` from the stores as inert Markdown, on one line."""
    return markdown_cell(text)


def _markdown_table(headings: list[str], numeric: list[bool], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(headings) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    lines += ["| " + " | ".join(md(cell) for cell in cells) + " |" for cells in rows]
    return lines


def shorthand_markdown(report: Report, shown: LocalFormat) -> list[str]:
    if not report.shorthand.entries:
        return [_("No shorthand usage recorded in this range.")]
    lines = [_("Shorthand: {summary}").format(summary=shorthand_summary(report, shown)), ""]
    numeric = [False, False, True, True, True, False, True]
    return lines + _markdown_table(
        [_(h) for h in SHORTHAND_HEADINGS], numeric, shorthand_rows(report, shown)
    )


def failed_rules_times(times: int) -> str:
    return ngettext("{times} note", "{times} notes", times)


def failed_rule_lines(report: Report, shown: LocalFormat | None = None) -> list[str]:
    shown = shown or LocalFormat()
    if not report.failed_rules:
        return [_("Most-failed quality rules: none in this range")]
    lines = [_("Most-failed quality rules (examples redacted):")]
    for failed in report.failed_rules:
        times = failed_rules_times(failed.times).format(times=shown.count(failed.times))
        lines.append(f"  {failed.rule}: {times}")
        lines += [
            f"    {e.agent_id}, {shown.stored_moment(e.started_at)}: {e.note}"
            for e in failed.examples
        ]
    return lines


def typing_cells(
    report: Report, figure: metrics.TypingFigure, shown: LocalFormat | None = None
) -> list[str]:
    shown = shown or LocalFormat()
    return [
        figure.group,
        shown.count(figure.wrapups),
        shown.count(figure.keys),
        shown.count(figure.final_chars),
        shown.ratio(figure.typed_per_final),
        shown.seconds(figure.time_saved_s(report.typing_cpm)),
    ]


def typing_speed(report: Report, shown: LocalFormat) -> str:
    return _("time saved at {cpm} characters a minute").format(cpm=shown.plain(report.typing_cpm))


def typing_lines(report: Report, shown: LocalFormat | None = None) -> list[str]:
    shown = shown or LocalFormat()
    if not report.typing_agents:
        return [_("Typing: no keystrokes recorded in this range")]
    lines = [_("Typing ({speed}):").format(speed=typing_speed(report, shown))]
    rows = [typing_cells(report, f, shown) for f in [*report.typing_teams, *report.typing_agents]]
    headings = [_(h) for h in TYPING_HEADINGS]
    return lines + ["  " + line for line in _aligned(headings, rows)]


def typing_markdown(report: Report, shown: LocalFormat) -> list[str]:
    if not report.typing_agents:
        return [_("No keystrokes recorded in this range.")]
    speed = _("Time saved at {cpm} characters a minute.").format(cpm=shown.plain(report.typing_cpm))
    rows = [typing_cells(report, f, shown) for f in [*report.typing_teams, *report.typing_agents]]
    numeric = [False, True, True, True, True, True]
    return [speed, "", *_markdown_table([_(h) for h in TYPING_HEADINGS], numeric, rows)]


def _typing_data(report: Report, figure: metrics.TypingFigure) -> dict[str, Any]:
    return {
        "group": figure.group,
        "site": figure.site,
        "wrapups": figure.wrapups,
        "keys_pressed": figure.keys,
        "final_chars": figure.final_chars,
        "typed_per_final": figure.typed_per_final,
        "chars_saved": figure.chars_saved,
        "time_saved_s": round(figure.time_saved_s(report.typing_cpm), 1),
    }


def formulas(report: Report, shown: LocalFormat | None = None) -> dict[str, str]:
    """Every formula a person reads beside the figures, keyed by the figure's name as
    CSV and JSON have it (`aht_s`, `typing.time_saved_s`): an identifier, the same in
    every language, beside a text in the chosen language."""
    shown = shown or LocalFormat()
    found = {name: translated_formula(text) for name, text in report.formulas.items()}
    found["outliers"] = _("{formula} (factor {factor})").format(
        formula=translated_formula(metrics.OUTLIER_FORMULA),
        factor=shown.plain(report.outlier_factor),
    )
    found["failed_rules"] = translated_formula(metrics.FAILED_RULES_NOTE)
    found |= {
        f"shorthand.{name}": translated_formula(text)
        for name, text in metrics.SHORTHAND_FORMULAS.items()
    }
    found |= {
        f"typing.{name}": translated_formula(text) for name, text in metrics.TYPING_FORMULAS.items()
    }
    return found


def formula_lines(report: Report, shown: LocalFormat | None = None) -> list[str]:
    lines = [_("Formulas:")]
    for name, text in formulas(report, shown).items():
        lines.append(f"  {text}" if name == "failed_rules" else f"  {name}: {text}")
    return lines


def as_table(report: Report) -> str:
    shown = LocalFormat()
    lines = [title(report, shown), _("source: {source}").format(source=report.source), ""]
    lines += _aligned(
        column_headings(report), [figure_cells(row, shown, report.by) for row in report.rows]
    )
    lines += ["", *outlier_lines(report, shown), "", *failed_rule_lines(report, shown)]
    lines += ["", *shorthand_lines(report, shown)]
    lines += ["", *typing_lines(report, shown), "", *formula_lines(report, shown)]
    return "\n".join(lines) + "\n"


def as_markdown(report: Report) -> str:
    shown = LocalFormat()
    headings = [_("group"), *column_headings(report)[1:]]
    lines = [f"# {md(title(report, shown))}", ""]
    lines.append(_("Source: `{source}`").format(source=md(report.source)))
    lines.append("")
    lines += _markdown_table(
        headings,
        [False] + [True] * len(COLUMNS),
        [figure_cells(row, shown, report.by) for row in report.rows],
    )
    lines += ["", "## " + _("Outliers"), ""]
    lines += [md(line.strip()) for line in outlier_lines(report, shown)[1:]]
    lines += ["", "## " + _("Most-failed quality rules"), ""]
    if report.failed_rules:
        lines += [md(line.strip()) for line in failed_rule_lines(report, shown)[1:]]
    else:
        lines.append(_("none"))
    lines += ["", "## " + _("Shorthand"), "", *shorthand_markdown(report, shown)]
    lines += ["", "## " + _("Typing"), "", *typing_markdown(report, shown)]
    lines += ["", "## " + _("Formulas"), ""]
    lines += [
        f"- {text}" if name == "failed_rules" else f"- **{name}**: {text}"
        for name, text in formulas(report, shown).items()
    ]
    return "\n".join(lines) + "\n"


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["group", *metrics.METRIC_NAMES])
    for row in report.rows:
        writer.writerow([neutralise("" if v is None else v) for v in row.as_dict().values()])
    return out.getvalue()


def as_data(report: Report) -> dict[str, Any]:
    start = report.selection.start
    return {
        "formulas": report.formulas,
        "rows": [row.as_dict() for row in report.rows],
        "by": report.by,
        "range": {
            "from": None if start is None else start.isoformat(),
            "to": (report.selection.end or report.now).isoformat(),
        },
        "outlier_factor": report.outlier_factor,
        "failed_rules": [
            {
                "rule": f.rule,
                "times": f.times,
                "examples": [
                    {"agent": e.agent_id, "started_at": e.started_at, "note": e.note}
                    for e in f.examples
                ],
            }
            for f in report.failed_rules
        ],
        "outliers": [
            {
                "agent": o.agent_id,
                "site": o.site_id,
                "median_s": round(o.median_s, 1),
                "team_median_s": round(o.team_median_s, 1),
                "times_team": round(o.times_team, 2),
            }
            for o in report.outliers
        ],
        "shorthand": {
            "used": report.shorthand.used,
            "undo_rate": report.shorthand.undo_rate,
            "missed": report.shorthand.missed,
            "keystrokes_saved": report.shorthand.keystrokes_saved,
            "entries": [
                {
                    "abbr": e.abbr,
                    "expansion": e.expansion,
                    "used": e.used,
                    "undo_rate": e.undo_rate,
                    "missed": e.missed,
                    "missed_most_by": [{"agent": a, "missed": n} for a, n in e.top_missers],
                    "keystrokes_saved": e.keystrokes_saved,
                }
                for e in report.shorthand.entries
            ],
        },
        "typing": {
            "typing_cpm": report.typing_cpm,
            "formulas": metrics.TYPING_FORMULAS,
            "teams": [_typing_data(report, f) for f in report.typing_teams],
            "agents": [_typing_data(report, f) for f in report.typing_agents],
        },
    }


def as_json(report: Report) -> str:
    text = json.dumps(as_data(report), ensure_ascii=False, indent=2) + "\n"
    # json.dumps escapes C0 controls; DEL and C1 the same way, so the values stay exact.
    return _DEL_AND_C1.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


_DEL_AND_C1 = re.compile("[\x7f-\x9f]")


def render(report: Report, fmt: str) -> str:
    """The report in `fmt`. Its names and note examples are text from the stores, a hub's
    from every site: a control character in one (or a character that reorders text) is
    shown escaped in every format, so that printing or `cat`-ing a report never acts on
    the reader's terminal; JSON's escapes keep the values exact."""
    if fmt == "html":
        from acw_tui.reports.html import as_html

        return shown_lines(as_html(report))
    writer = {"table": as_table, "csv": as_csv, "json": as_json, "md": as_markdown}[fmt]
    return shown_lines(writer(report))
