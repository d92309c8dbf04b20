"""The printable style guide: Markdown and HTML, one section per category."""

from __future__ import annotations

from acw_tui.core.printable import markdown_cell, markdown_code
from acw_tui.core.shorthand.model import Entry, Guide


def by_category(guide: Guide) -> list[tuple[str, list[Entry]]]:
    groups: dict[str, list[Entry]] = {}
    for entry in guide.entries:
        groups.setdefault(entry.category or "other", []).append(entry)
    return [
        (name, sorted(items, key=lambda e: e.abbr.casefold())) for name, items in groups.items()
    ]


def _cell(text: str) -> str:
    return markdown_cell(text, line_break="<br>")  # a note keeps its line breaks


def export_markdown(guide: Guide) -> str:
    lines = [
        f"# {markdown_cell(guide.name)}",
        "",
        f"Version {guide.version} · locale {markdown_code(guide.locale)} · "
        f"{len(guide.entries)} entries. Type the abbreviation, then a space or punctuation; "
        f"{markdown_code(guide.sigil)} before an abbreviation expands it anywhere.",
        "",
    ]
    for category, entries in by_category(guide):
        heading = markdown_cell(category.capitalize())
        lines += [f"## {heading}", "", "| abbr | expansion | note |", "|---|---|---|"]
        for e in entries:
            abbr = markdown_code(e.abbr) + (" (exact case)" if e.exact else "")
            lines.append(f"| {abbr} | {_cell(e.expansion)} | {_cell(e.note)} |")
        lines.append("")
    if guide.changelog:
        lines += ["## Changes", ""]
        for item in sorted(guide.changelog, key=lambda c: -c.version):
            date, text = markdown_cell(item.date), markdown_cell(item.text)
            lines.append(f"- **{item.version}** ({date}): {text}")
        lines.append("")
    return "\n".join(lines)


_HTML = """<!DOCTYPE html>
<html lang="{{ guide.locale }}">
<head>
<meta charset="utf-8">
<title>{{ guide.name }} — version {{ guide.version }}</title>
<style>
  body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111; }
  h1 { margin-bottom: 0; }
  .meta { color: #555; margin-top: .2em; }
  section { break-inside: avoid-page; }
  h2 { border-bottom: 2px solid #333; text-transform: capitalize; margin-top: 1.5em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #ccc; vertical-align: top; }
  td.abbr { font-family: ui-monospace, monospace; font-weight: bold; white-space: nowrap; }
  td.note { color: #555; font-size: 90%; }
  tr { break-inside: avoid; }
  @media print { body { margin: 0; } a { color: inherit; } }
</style>
</head>
<body>
<h1>{{ guide.name }}</h1>
<p class="meta">Version {{ guide.version }} · {{ guide.entries|length }} entries ·
type the abbreviation, then a space or punctuation; <code>{{ guide.sigil }}</code> before an
abbreviation expands it anywhere.</p>
{% for category, entries in groups %}
<section>
<h2>{{ category }}</h2>
<table>
<thead><tr><th>abbr</th><th>expansion</th><th>note</th></tr></thead>
<tbody>
{% for e in entries %}<tr><td class="abbr">{{ e.abbr }}{% if e.exact %} <small>(exact case)</small>{% endif %}</td><td>{{ e.expansion }}</td><td class="note">{{ e.note }}</td></tr>
{% endfor %}</tbody>
</table>
</section>
{% endfor %}
{% if changelog %}<section>
<h2>Changes</h2>
<ul>{% for c in changelog %}<li><strong>{{ c.version }}</strong> ({{ c.date }}): {{ c.text }}</li>{% endfor %}</ul>
</section>{% endif %}
</body>
</html>
"""


def export_html(guide: Guide) -> str:
    from jinja2 import Environment

    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_HTML).render(
        guide=guide,
        groups=by_category(guide),
        changelog=sorted(guide.changelog, key=lambda c: -c.version),
    )
