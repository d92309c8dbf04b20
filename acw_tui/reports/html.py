"""The HTML report: one self-contained file whose charts are inline SVG drawn here.

No scripts, fonts or stylesheets are fetched, so the file opens offline and can be
mailed or archived as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import jinja2
from markupsafe import Markup

from acw_tui.core import metrics
from acw_tui.reports.assemble import Bucket, Report
from acw_tui.reports.render import COLUMNS, outlier_lines, title, typing_cells

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


def distribution_svg(buckets: Sequence[Bucket]) -> Markup:
    """Wrap-ups per ACW duration bucket."""
    height, left, bottom, top = 260, 50, 40, 20
    plot_w, plot_h = WIDTH - left - 10, height - top - bottom
    peak = max((b.wrapups for b in buckets), default=0) or 1
    step = plot_w / max(len(buckets), 1)
    body = [_text(left - 6, top + 4, str(peak), "end"), _text(left - 6, top + plot_h, "0", "end")]
    for index, bucket in enumerate(buckets):
        h = plot_h * bucket.wrapups / peak
        x = left + index * step
        body.append(
            f'<rect class="bar" x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{step - 2:.1f}" '
            f'height="{h:.1f}" fill="{BAR_COLOR}" data-count="{bucket.wrapups}">'
            f"<title>{escape(bucket.label)}: {bucket.wrapups} wrap-ups</title></rect>"
        )
        if index % 2 == 0 or bucket.high_s is None:
            body.append(_text(x + step / 2, height - bottom + 14, bucket.label, size=9))
    body.append(_text(left + plot_w / 2, height - 6, "ACW duration (m:ss)"))
    return _frame(height, "ACW distribution", body)


def trend_svg(report: Report) -> Markup:
    """Average and median ACW per day."""
    height, left, bottom, top = 260, 50, 40, 20
    plot_w, plot_h = WIDTH - left - 10, height - top - bottom
    days = report.trend
    values = [v for row in days for v in (row.acw_avg_s, row.acw_median_s) if v is not None]
    peak = max(values, default=0) or 1
    body = [
        _text(left - 6, top + 4, metrics.format_seconds(peak), "end"),
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
            f'r="3" fill="{BAR_COLOR}"><title>{escape(row.group)}: avg '
            f"{metrics.format_seconds(row.acw_avg_s)}, median {metrics.format_seconds(row.acw_median_s)}, "
            f"{row.calls} calls</title></circle>"
        )
        if len(days) <= 14 or i % max(len(days) // 10, 1) == 0:
            body.append(_text(x, height - bottom + 14, row.group[5:], size=9))
    body.append(_text(left + 60, height - 6, "— average", size=10))
    body.append(
        _text(left + 160, height - 6, "— median", size=10).replace(
            "<text", f'<text fill="{LINE2_COLOR}"'
        )
    )
    return _frame(height, "ACW trend by day", body)


def agents_svg(report: Report) -> Markup:
    """Each agent's median ACW beside the team median (and the outlier line)."""
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
            f'fill="{color}"><title>{escape(agent.agent_id)}: median '
            f"{metrics.format_seconds(agent.median_s)} over {agent.calls} calls</title></rect>"
        )
        body.append(_text(left + w + 4, y + 14, metrics.format_seconds(agent.median_s), "start"))
    bottom = top + row_h * len(agents)
    for site, median in sorted(report.team_medians.items()):
        for value, dash, label in (
            (median, "", f"team median {metrics.format_seconds(median)} ({site})"),
            (
                median * report.outlier_factor,
                ' stroke-dasharray="4 3"',
                f"× {report.outlier_factor:g}",
            ),
        ):
            x = left + plot_w * value / peak
            body.append(
                f'<line class="team-median" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" '
                f'stroke="{ALERT_COLOR}"{dash}/>'
            )
            body.append(_text(x, bottom + 16, label, size=10))
    return _frame(height, "Agents against the team median", body)


TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
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
<p class="muted">Source: {{ report.source }} · made {{ report.now.strftime("%Y-%m-%d %H:%M") }} UTC</p>
<table id="figures">
<thead><tr><th>group</th>{% for c in columns %}<th class="num">{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for cell in row %}<td{% if not loop.first %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>
<h2>ACW distribution</h2><figure id="chart-distribution">{{ distribution }}</figure>
<h2>Trend by day</h2><figure id="chart-trend">{{ trend }}</figure>
<h2>Agents against the team median</h2><figure id="chart-agents">{{ agents }}</figure>
<h2>Outliers</h2><ul id="outliers">{% for line in outliers %}<li>{{ line }}</li>{% endfor %}</ul>
<h2>Most-failed quality rules</h2>
{% if failed_rules %}<ul id="failed-rules">{% for f in failed_rules %}<li>{{ f.rule }}: {{ f.times }} notes{% if f.examples %}<ul>{% for e in f.examples %}<li>{{ e.agent_id }}, {{ e.started_at[:16] }}: {{ e.note }}</li>{% endfor %}</ul>{% endif %}</li>{% endfor %}</ul>
{% else %}<p>None in this range.</p>{% endif %}
<h2>Shorthand</h2>
{% if shorthand.entries %}
<p>{{ shorthand.used }} expansions used · undo rate {{ undo_rate }} · {{ shorthand.missed }} missed · {{ shorthand.keystrokes_saved }} keystrokes saved</p>
<table id="shorthand"><thead><tr><th>abbr</th><th>expansion</th><th class="num">used</th><th class="num">undo rate</th><th class="num">missed</th><th>missed most by</th><th class="num">saved</th></tr></thead>
<tbody>{% for e in shorthand.entries %}<tr><td>{{ e.abbr }}</td><td>{{ e.expansion }}</td><td class="num">{{ e.used }}</td><td class="num">{{ pct(e.undo_rate) }}</td><td class="num">{{ e.missed }}</td><td>{% for agent, n in e.top_missers %}{{ agent }} ({{ n }}){% if not loop.last %}, {% endif %}{% endfor %}</td><td class="num">{{ e.keystrokes_saved }}</td></tr>{% endfor %}</tbody></table>
{% else %}<p>No shorthand usage recorded in this range.</p>{% endif %}
<h2>Typing</h2>
{% if typing %}<p>Time saved at {{ typing_cpm }} characters a minute.</p>
<table id="typing"><thead><tr><th>team / agent</th><th class="num">wrap-ups</th><th class="num">keys</th><th class="num">final chars</th><th class="num">typed / final</th><th class="num">time saved</th></tr></thead>
<tbody>{% for cells in typing %}<tr><td>{{ cells[0] }}</td>{% for cell in cells[1:] %}<td class="num">{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% else %}<p>No keystrokes recorded in this range.</p>{% endif %}
<h2>Formulas</h2>
<dl id="formulas">{% for name, text in formulas.items() %}<dt>{{ name }}</dt><dd>{{ text }}</dd>{% endfor %}</dl>
</body></html>
"""
)


def as_html(report: Report) -> str:
    formulas = dict(report.formulas)
    formulas["outliers"] = f"{metrics.OUTLIER_FORMULA} (factor {report.outlier_factor:g})"
    formulas.update({f"shorthand {k}": v for k, v in metrics.SHORTHAND_FORMULAS.items()})
    formulas.update({f"typing {k}": v for k, v in metrics.TYPING_FORMULAS.items()})
    typing = [typing_cells(report, f) for f in [*report.typing_teams, *report.typing_agents]]
    return TEMPLATE.render(
        heading=title(report),
        report=report,
        columns=[heading for _, heading, _ in COLUMNS],
        rows=[
            [row.group, *(show(getattr(row, name)) for name, _, show in COLUMNS)]
            for row in report.rows
        ],
        distribution=distribution_svg(report.distribution),
        trend=trend_svg(report),
        agents=agents_svg(report),
        outliers=[line.strip() for line in outlier_lines(report)[1:]],
        failed_rules=report.failed_rules,
        shorthand=report.shorthand,
        undo_rate=metrics.format_percent(report.shorthand.undo_rate, fraction=True),
        pct=lambda v: metrics.format_percent(v, fraction=True),
        formulas=formulas,
        typing=typing,
        typing_cpm=f"{report.typing_cpm:g}",
    )
