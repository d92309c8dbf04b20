"""A report as text: an aligned table, CSV, JSON or Markdown (HTML is in `html.py`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from acw_tui.core import metrics
from acw_tui.core.csv_cells import neutralise
from acw_tui.core.metrics import MetricsRow
from acw_tui.reports.assemble import Report

FORMATS = ("table", "csv", "json", "md", "html")

# (metric, column heading, how a figure is shown in tables)
COLUMNS: list[tuple[str, str, Callable[[Any], str]]] = [
    ("calls", "calls", str),
    ("acw_total_s", "ACW total", metrics.format_seconds),
    ("acw_avg_s", "ACW avg", metrics.format_seconds),
    ("acw_median_s", "median", metrics.format_seconds),
    ("acw_p90_s", "p90", metrics.format_seconds),
    ("acw_pct", "ACW %", metrics.format_percent),
    ("aht_s", "AHT", metrics.format_seconds),
    ("compliance_pct", "compliance", metrics.format_percent),
    ("timeout_rate", "time-outs", lambda v: metrics.format_percent(v, fraction=True)),
    ("extension_rate", "extended", lambda v: metrics.format_percent(v, fraction=True)),
    ("quality_avg", "quality", lambda v: "–" if v is None else f"{v:.0f}"),
    ("critical_fail_rate", "crit fails", lambda v: metrics.format_percent(v, fraction=True)),
]


def describe_range(report: Report) -> str:
    start = report.selection.start
    end = (
        report.selection.end if report.selection.end and report.selection.end < report.now else None
    )
    shown_start = "the beginning" if start is None else start.strftime("%Y-%m-%d %H:%M")
    shown_end = (
        f"now ({report.now:%Y-%m-%d %H:%M})" if end is None else end.strftime("%Y-%m-%d %H:%M")
    )
    return f"{shown_start} → {shown_end} UTC"


def describe_filters(report: Report) -> str:
    parts = [
        f"{name} {', '.join(values)}"
        for name, values in (
            ("agent", report.selection.agents),
            ("queue", report.selection.queues),
            ("site", report.selection.sites),
        )
        if values
    ]
    return "; ".join(parts) or "no filters"


def title(report: Report) -> str:
    grouping = f"by {report.by}" if report.by else "all wrap-ups"
    return f"ACW report, {grouping}: {describe_range(report)} ({describe_filters(report)})"


def _cells(row: MetricsRow) -> list[str]:
    return [row.group, *(show(getattr(row, name)) for name, _, show in COLUMNS)]


def _aligned(headings: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(headings, *rows, strict=False)]
    lines = []
    for cells in [headings, *rows]:
        first, *rest = cells
        lines.append(
            "  ".join(
                [first.ljust(widths[0])]
                + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=False)]
            )
        )
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def outlier_lines(report: Report) -> list[str]:
    head = f"Outliers (median ACW above {report.outlier_factor:g} × the team median):"
    if not report.outliers:
        return [head, "  none"]
    return [head] + [
        f"  {o.agent_id} ({o.site_id}): median {metrics.format_seconds(o.median_s)}, "
        f"{o.times_team:.2f} × team median {metrics.format_seconds(o.team_median_s)}"
        for o in report.outliers
    ]


def shorthand_lines(report: Report) -> list[str]:
    summary = report.shorthand
    if not summary.entries:
        return ["Shorthand: no usage recorded in this range"]
    lines = [
        f"Shorthand: {summary.used} expansions used, undo rate "
        f"{metrics.format_percent(summary.undo_rate, fraction=True)}, {summary.missed} missed, "
        f"{summary.keystrokes_saved} keystrokes saved"
    ]
    rows = [
        [
            e.abbr,
            e.expansion[:40],
            str(e.used),
            metrics.format_percent(e.undo_rate, fraction=True),
            str(e.missed),
            ", ".join(f"{agent} ({n})" for agent, n in e.top_missers) or "–",
            str(e.keystrokes_saved),
        ]
        for e in summary.entries
    ]
    headings = ["abbr", "expansion", "used", "undo rate", "missed", "missed most by", "saved"]
    lines += ["  " + line for line in _aligned(headings, rows)]
    return lines


def shorthand_markdown(report: Report) -> list[str]:
    summary = report.shorthand
    if not summary.entries:
        return ["No shorthand usage recorded in this range."]
    lines = [
        shorthand_lines(report)[0],
        "",
        "| abbr | expansion | used | undo rate | missed | missed most by | saved |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    lines += [
        f"| {e.abbr} | {e.expansion} | {e.used} | "
        f"{metrics.format_percent(e.undo_rate, fraction=True)} | {e.missed} | "
        f"{', '.join(f'{agent} ({n})' for agent, n in e.top_missers) or '–'} | {e.keystrokes_saved} |"
        for e in summary.entries
    ]
    return lines


def failed_rule_lines(report: Report) -> list[str]:
    if not report.failed_rules:
        return ["Most-failed quality rules: none in this range"]
    lines = ["Most-failed quality rules (examples redacted):"]
    for failed in report.failed_rules:
        lines.append(f"  {failed.rule}: {failed.times} notes")
        lines += [f"    {e.agent_id}, {e.started_at[:16]}: {e.note}" for e in failed.examples]
    return lines


def typing_cells(report: Report, figure: metrics.TypingFigure) -> list[str]:
    ratio = figure.typed_per_final
    return [
        figure.group,
        str(figure.wrapups),
        str(figure.keys),
        str(figure.final_chars),
        "–" if ratio is None else f"{ratio:.2f}",
        metrics.format_seconds(figure.time_saved_s(report.typing_cpm)),
    ]


TYPING_HEADINGS = ["", "wrap-ups", "keys", "final chars", "typed / final", "time saved"]


def typing_lines(report: Report) -> list[str]:
    if not report.typing_agents:
        return ["Typing: no keystrokes recorded in this range"]
    lines = [f"Typing (time saved at {report.typing_cpm:g} characters a minute):"]
    rows = [typing_cells(report, f) for f in report.typing_teams]
    rows += [typing_cells(report, f) for f in report.typing_agents]
    headings = ["team / agent", *TYPING_HEADINGS[1:]]
    return lines + ["  " + line for line in _aligned(headings, rows)]


def typing_markdown(report: Report) -> list[str]:
    if not report.typing_agents:
        return ["No keystrokes recorded in this range."]
    lines = [
        f"Time saved at {report.typing_cpm:g} characters a minute.",
        "",
        "| team / agent | wrap-ups | keys | final chars | typed / final | time saved |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for figure in [*report.typing_teams, *report.typing_agents]:
        lines.append("| " + " | ".join(typing_cells(report, figure)) + " |")
    return lines


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


def formula_lines(report: Report) -> list[str]:
    lines = ["Formulas:"]
    lines += [f"  {name}: {text}" for name, text in report.formulas.items()]
    lines.append(f"  outliers: {metrics.OUTLIER_FORMULA} (factor {report.outlier_factor:g})")
    lines.append(f"  {metrics.FAILED_RULES_NOTE}")
    lines += [f"  shorthand {name}: {text}" for name, text in metrics.SHORTHAND_FORMULAS.items()]
    lines += [f"  typing {name}: {text}" for name, text in metrics.TYPING_FORMULAS.items()]
    return lines


def as_table(report: Report) -> str:
    headings = ["group" if report.by else "", *(heading for _, heading, _ in COLUMNS)]
    lines = [title(report), f"source: {report.source}", ""]
    lines += _aligned(headings, [_cells(row) for row in report.rows])
    lines += ["", *outlier_lines(report), "", *failed_rule_lines(report)]
    lines += ["", *shorthand_lines(report)]
    lines += ["", *typing_lines(report), "", *formula_lines(report)]
    return "\n".join(lines) + "\n"


def as_markdown(report: Report) -> str:
    headings = ["group", *(heading for _, heading, _ in COLUMNS)]
    lines = [f"# {title(report)}", "", f"Source: `{report.source}`", ""]
    lines.append("| " + " | ".join(headings) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * len(COLUMNS)) + "|")
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in report.rows]
    lines += ["", "## Outliers", ""]
    lines += [line.strip() if line.startswith("  ") else line for line in outlier_lines(report)[1:]]
    lines += ["", "## Most-failed quality rules", ""]
    lines += [
        line.strip() if line.startswith("  ") else line for line in failed_rule_lines(report)[1:]
    ] or ["none"]
    lines += ["", "## Shorthand", "", *shorthand_markdown(report)]
    lines += ["", "## Typing", "", *typing_markdown(report), "", "## Formulas", ""]
    lines += [f"- **{name}**: {text}" for name, text in report.formulas.items()]
    lines.append(f"- **outliers**: {metrics.OUTLIER_FORMULA} (factor {report.outlier_factor:g})")
    lines += [f"- **typing {name}**: {text}" for name, text in metrics.TYPING_FORMULAS.items()]
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
    return json.dumps(as_data(report), ensure_ascii=False, indent=2) + "\n"


def render(report: Report, fmt: str) -> str:
    if fmt == "html":
        from acw_tui.reports.html import as_html

        return as_html(report)
    return {"table": as_table, "csv": as_csv, "json": as_json, "md": as_markdown}[fmt](report)
