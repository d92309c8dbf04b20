"""The HTML report: one self-contained file whose charts are inline SVG drawn here.

No scripts, fonts or stylesheets are fetched, so the file opens offline and can be
mailed or archived as it is. Its words follow the chosen language (`<html lang>` says
which, for screen readers and fonts); every text is translated once per file.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import jinja2
from markupsafe import Markup

from acw_tui.i18n import _, current_language
from acw_tui.reports.assemble import Bucket, Report
from acw_tui.reports.local_format import LocalFormat
from acw_tui.reports.render import (
    SHORTHAND_HEADINGS,
    TYPING_HEADINGS,
    column_headings,
    failed_rules_times,
    figure_cells,
    formulas,
    outlier_lines,
    shorthand_rows,
    shorthand_summary,
    title,
    typing_cells,
)

# `<html lang>` per catalog (BCP 47).
HTML_LANG = {"en": "en", "pl": "pl", "es": "es", "zh_CN": "zh-Hans"}

WIDTH = 720
BAR_COLOR = "#3b6ea5"
ALERT_COLOR = "#c0392b"
LINE2_COLOR = "#e67e22"


def _frame(height: int, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-family="sans-serif">{escape(text)}</text>'
    )


def distribution_svg(buckets: Sequence[Bucket], shown: LocalFormat | None = None) -> Markup:
    """Wrap-ups per ACW duration bucket."""
    shown = shown or LocalFormat()
    count_title = _("{label}: {count} wrap-ups")
    height, left, bottom, top = 260, 50, 40, 20
    plot_w, plot_h = WIDTH - left - 10, height - top - bottom
    peak = max((b.wrapups for b in buckets), default=0) or 1
    step = plot_w / max(len(buckets), 1)
    body = [
        _text(left - 6, top + 4, shown.count(peak), "end"),
        _text(left - 6, top + plot_h, "0", "end"),
    ]
    for index, bucket in enumerate(buckets):
        h = plot_h * bucket.wrapups / peak
        x = left + index * step
        body.append(
            f'<rect class="bar" x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{step - 2:.1f}" '
            f'height="{h:.1f}" fill="{BAR_COLOR}" data-count="{bucket.wrapups}">'
            f"<title>{escape(count_title.format(label=bucket.label, count=shown.count(bucket.wrapups)))}"
            "</title></rect>"
        )
        if index % 2 == 0 or bucket.high_s is None:
            body.append(_text(x + step / 2, height - bottom + 14, bucket.label, size=9))
    body.append(_text(left + plot_w / 2, height - 6, _("ACW duration (m:ss)")))
    return _frame(height, _("ACW distribution"), body)


def trend_svg(report: Report, shown: LocalFormat | None = None) -> Markup:
    """Average and median ACW per day."""
    shown = shown or LocalFormat()
    point_title = _("{day}: average {average}, median {median}, {calls} calls")
    height, left, bottom, top = 260, 50, 40, 20
    plot_w, plot_h = WIDTH - left - 10, height - top - bottom
    days = report.trend
    values = [v for row in days for v in (row.acw_avg_s, row.acw_median_s) if v is not None]
    peak = max(values, default=0) or 1
    body = [
        _text(left - 6, top + 4, shown.seconds(peak), "end"),
        _text(left - 6, top + plot_h, "0:00", "end"),
    ]

    def points(name: str) -> str:
        count = max(len(days) - 1, 1)
        return " ".join(
            f"{left + plot_w * i / count:.1f},{top + plot_h - plot_h * (getattr(row, name) or 0) / peak:.1f}"
            for i, row in enumerate(days)
        )

    for name, color in (("acw_avg_s", BAR_COLOR), ("acw_median_s", LINE2_COLOR)):
        body.append(
            f'<polyline class="trend" data-metric="{name}" fill="none" stroke="{color}" '
            f'stroke-width="2" points="{points(name)}"/>'
        )
    for i, row in enumerate(days):
        x = left + plot_w * i / max(len(days) - 1, 1)
        body.append(
            f'<circle cx="{x:.1f}" cy="{top + plot_h - plot_h * (row.acw_avg_s or 0) / peak:.1f}" '
            f'r="3" fill="{BAR_COLOR}"><title>'
            + escape(
                point_title.format(
                    day=row.group,
                    average=shown.seconds(row.acw_avg_s),
                    median=shown.seconds(row.acw_median_s),
                    calls=shown.count(row.calls),
                )
            )
            + "</title></circle>"
        )
        if len(days) <= 14 or i % max(len(days) // 10, 1) == 0:
            body.append(_text(x, height - bottom + 14, shown.day(row.group), size=9))
    body.append(_text(left + 60, height - 6, "— " + _("average"), size=10))
    body.append(
        _text(left + 160, height - 6, "— " + _("median"), size=10).replace(
            "<text", f'<text fill="{LINE2_COLOR}"'
        )
    )
    return _frame(height, _("ACW trend by day"), body)


def agents_svg(report: Report, shown: LocalFormat | None = None) -> Markup:
    """Each agent's median ACW beside the team median (and the outlier line)."""
    shown = shown or LocalFormat()
    bar_title = _("{agent}: median {median} over {calls} calls")
    team_label = _("team median {median} ({site})")
    agents = sorted(report.agent_medians, key=lambda a: (a.site_id, -a.median_s))
    row_h, left, top = 20, 140, 20
    height = top + row_h * len(agents) + 40
    plot_w = WIDTH - left - 70
    peak = (
        max(
            [a.median_s for a in agents]
            + [m * report.outlier_factor for m in report.team_medians.values()],
            default=0,
        )
        or 1
    )
    outliers = {(o.site_id, o.agent_id) for o in report.outliers}
    body = []
    for i, agent in enumerate(agents):
        y = top + i * row_h
        w = plot_w * agent.median_s / peak
        color = ALERT_COLOR if (agent.site_id, agent.agent_id) in outliers else BAR_COLOR
        body.append(_text(left - 6, y + 14, f"{agent.agent_id} ({agent.site_id})", "end"))
        body.append(
            f'<rect class="agent" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{color}"><title>'
            + escape(
                bar_title.format(
                    agent=agent.agent_id,
                    median=shown.seconds(agent.median_s),
                    calls=shown.count(agent.calls),
                )
            )
            + "</title></rect>"
        )
        body.append(_text(left + w + 4, y + 14, shown.seconds(agent.median_s), "start"))
    bottom = top + row_h * len(agents)
    for site, median in sorted(report.team_medians.items()):
        for value, dash, label in (
            (median, "", team_label.format(median=shown.seconds(median), site=site)),
            (
                median * report.outlier_factor,
                ' stroke-dasharray="4 3"',
                f"× {shown.plain(report.outlier_factor)}",
            ),
        ):
            x = left + plot_w * value / peak
            body.append(
                f'<line class="team-median" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" '
                f'stroke="{ALERT_COLOR}"{dash}/>'
            )
            body.append(_text(x, bottom + 16, label, size=10))
    return _frame(height, _("Agents against the team median"), body)


TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<title>{{ heading }}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #ddd; }
td.num, th.num { text-align: right; }
figure { margin: 1.5em 0; }
dt { font-weight: bold; margin-top: 0.4em; }
.muted { color: #666; }
</style></head>
<body>
<h1>{{ heading }}</h1>
<p class="muted">{{ made }}</p>
<table id="figures">
<thead><tr>{% for c in columns %}<th{% if not loop.first %} class="num"{% endif %}>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for cell in row %}<td{% if not loop.first %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>
<h2>{{ w.distribution }}</h2><figure id="chart-distribution">{{ distribution }}</figure>
<h2>{{ w.trend }}</h2><figure id="chart-trend">{{ trend }}</figure>
<h2>{{ w.agents }}</h2><figure id="chart-agents">{{ agents }}</figure>
<h2>{{ w.outliers }}</h2><ul id="outliers">{% for line in outliers %}<li>{{ line }}</li>{% endfor %}</ul>
<h2>{{ w.failed_rules }}</h2>
{% if failed_rules %}<ul id="failed-rules">{% for f, times, examples in failed_rules %}<li>{{ f.rule }}: {{ times }}{% if examples %}<ul>{% for e, moment in examples %}<li>{{ e.agent_id }}, {{ moment }}: {{ e.note }}</li>{% endfor %}</ul>{% endif %}</li>{% endfor %}</ul>
{% else %}<p>{{ w.no_failed_rules }}</p>{% endif %}
<h2>{{ w.shorthand }}</h2>
{% if shorthand_rows %}
<p>{{ shorthand_summary }}</p>
<table id="shorthand"><thead><tr>{% for h in shorthand_headings %}<th{% if loop.index in (3, 4, 5, 7) %} class="num"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for cells in shorthand_rows %}<tr>{% for cell in cells %}<td{% if loop.index in (3, 4, 5, 7) %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% else %}<p>{{ w.no_shorthand }}</p>{% endif %}
<h2>{{ w.typing }}</h2>
{% if typing %}<p>{{ typing_speed }}</p>
<table id="typing"><thead><tr>{% for h in typing_headings %}<th{% if not loop.first %} class="num"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for cells in typing %}<tr><td>{{ cells[0] }}</td>{% for cell in cells[1:] %}<td class="num">{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% else %}<p>{{ w.no_typing }}</p>{% endif %}
<h2>{{ w.formulas }}</h2>
<dl id="formulas">{% for name, text in formulas.items() %}<dt>{{ name }}</dt><dd>{{ text }}</dd>{% endfor %}</dl>
</body></html>
"""
)


def headings() -> dict[str, str]:
    """The report's section headings and empty-state lines, in the chosen language."""
    return {
        "distribution": _("ACW distribution"),
        "trend": _("Trend by day"),
        "agents": _("Agents against the team median"),
        "outliers": _("Outliers"),
        "failed_rules": _("Most-failed quality rules"),
        "no_failed_rules": _("None in this range."),
        "shorthand": _("Shorthand"),
        "no_shorthand": _("No shorthand usage recorded in this range."),
        "typing": _("Typing"),
        "no_typing": _("No keystrokes recorded in this range."),
        "formulas": _("Formulas"),
    }


def as_html(report: Report) -> str:
    shown = LocalFormat()
    columns = column_headings(report)
    columns[0] = _("group")
    typing = [typing_cells(report, f, shown) for f in [*report.typing_teams, *report.typing_agents]]
    failed = [
        (
            f,
            failed_rules_times(f.times).format(times=shown.count(f.times)),
            [(e, shown.stored_moment(e.started_at)) for e in f.examples],
        )
        for f in report.failed_rules
    ]
    return TEMPLATE.render(
        lang=HTML_LANG.get(current_language(), "en"),
        heading=title(report, shown),
        made=_("Source: {source} · made {time} UTC").format(
            source=report.source, time=shown.moment(report.now)
        ),
        w=headings(),
        columns=columns,
        rows=[figure_cells(row, shown, report.by) for row in report.rows],
        distribution=distribution_svg(report.distribution, shown),
        trend=trend_svg(report, shown),
        agents=agents_svg(report, shown),
        outliers=[line.strip() for line in outlier_lines(report, shown)[1:]],
        failed_rules=failed,
        shorthand_summary=shorthand_summary(report, shown),
        shorthand_headings=[_(h) for h in SHORTHAND_HEADINGS],
        shorthand_rows=shorthand_rows(report, shown),
        formulas=formulas(report, shown),
        typing=typing,
        typing_headings=[_(h) for h in TYPING_HEADINGS],
        typing_speed=_("Time saved at {cpm} characters a minute.").format(
            cpm=shown.plain(report.typing_cpm)
        ),
    )
